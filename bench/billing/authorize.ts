// Pre-call authorization on one core (docs/billing.md, "Pre-call authorization"): decisions per
// second for 1,000 members calling random PSTN numbers, rated on a 100,000-prefix sell deck and
// a 10,000-prefix cost deck, funds held from each member's lease (leased ahead, no store write
// per call), route records written in batches, one ES256 route token signed per call. Measured
// in layers: the pure decision alone; rating + decision + hold; + route log; + token. Prints JSON.
//   taskset -c 1 node bench/billing/authorize.ts [calls]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { derivationFor } from '../../src/publish/index.ts';
import { decide } from '../../src/registry/billing/decide.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { deckCsv, numbersUnder } from './data.ts';

const CALLS = Number(process.argv[2] ?? 200_000);
const MEMBERS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'callx-bench-auth-'));
const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
await store.ensureSchema(SCHEMA);
const clock = { now: () => Date.now() };
const publisher = createPublisher({
  store,
  journal: createJournal({ store, logger: silentLogger }),
  derivation: derivationFor({ apex: 'callx.test' }),
  logger: silentLogger,
});
const billing = createBilling({ store, publisher, logger: silentLogger, clock, apex: 'callx.test' });
const admin = { role: 'admin' as const };
await store
  .collection('registrars')
  .insert({ _id: 'a', name: 'A', version: 1, createdAt: 0, updatedAt: 0 } as never);
await store.collection('gateways').insert({
  _id: 'gw',
  name: 'GW',
  host: 'gw.example',
  prefixes: [''],
  registrarId: null,
  version: 1,
  createdAt: 0,
  updatedAt: 0,
} as never);
const sell = deckCsv(100_000, 7);
const cost = deckCsv(10_000, 8);
await billing.decks.create(admin, { party: 'registrar:a', currency: 'USD' });
await billing.decks.importCsv(admin, { deckId: 'registrar.a.USD', csv: sell.csv });
await billing.decks.create(admin, { party: 'gateway:gw', currency: 'USD' });
await billing.decks.importCsv(admin, { deckId: 'gateway.gw.USD', csv: cost.csv });
const members: string[] = [];
for (let i = 0; i < MEMBERS; i++) {
  const id = `m${i}`;
  await store.collection('members').insert({
    _id: id,
    registrarId: 'a',
    type: 'individual',
    displayName: id,
    country: 'KR',
    numbers: [],
    otherCarriers: [],
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  } as never);
  await billing.accounts.open(admin, { memberId: id, currency: 'USD' });
  await billing.ledger.post(id, 'seed', { kind: 'topup', amount: 100_000_000_000, currency: 'USD' });
  members.push(id);
}
await billing.tokens.load();
await billing.rates.refresh();
const numbers = numbersUnder(sell.prefixes, 50_000).map((d) => `+${d}`);
const out: Record<string, unknown> = {
  calls: CALLS,
  members: MEMBERS,
  sellPrefixes: 100_000,
  costPrefixes: 10_000,
};

// 1. the pure decision on pre-rated candidates
{
  const sellDeck = billing.rates.sellDeck('a', 'USD')!;
  const costDeck = billing.rates.costDeck('gateway:gw')!;
  const rated = numbers.slice(0, 1000).map((n) => [
    {
      party: 'gateway:gw',
      paid: true,
      sell: sellDeck.match(n.slice(1), Date.now()),
      cost: costDeck.match(n.slice(1), Date.now()),
    },
  ]);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  let ok = 0;
  for (let i = 0; i < CALLS; i++)
    ok +=
      decide({
        candidates: rated[i % 1000]!,
        available: 5_000 + (i % 977),
        currency: 'USD',
        capSeconds: 14_400,
        emergency: false,
      }).outcome === 'authorized'
        ? 1
        : 0;
  out.decidePerSecond = Math.round(CALLS / ((performance.now() - t) / 1000));
  const cpu = process.cpuUsage(cpu0);
  out.decidePerCpuSecond = Math.round(CALLS / ((cpu.user + cpu.system) / 1e6));
  out.decideAuthorized = ok;
}

async function measure(label: string, sign: boolean, log = true) {
  const sip = billing.authorizer({ holder: `bench-${label}`, signOffThread: false });
  if (!sign) (billing.tokens as { signRoute: unknown }).signRoute = () => '';
  if (!log) sip.routes.add = () => {};
  const req = (i: number) => ({
    memberId: members[i % MEMBERS]!,
    registrarId: 'a',
    caller: '+82262006200',
    destination: numbers[i % numbers.length]!,
    callId: `${label}-${i}`,
    candidates: [{ party: 'gateway:gw', paid: true }],
  });
  // warm up: every member's lease, JIT
  for (let i = 0; i < MEMBERS * 2; i++) await sip.authorize(req(i));
  await sip.routes.flush();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  let writes = 0;
  const acc = store.collection('accounts');
  const fou = acc.findOneAndUpdate.bind(acc);
  acc.findOneAndUpdate = ((...a: Parameters<typeof fou>) => {
    writes++;
    return fou(...a);
  }) as typeof fou;
  let ok = 0;
  // 100 calls in flight at a time, as a busy redirector has
  for (let i = 0; i < CALLS; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, CALLS - i) }, (_, k) => sip.authorize(req(i + k))),
    );
    for (const r of batch) if (r.outcome === 'authorized') ok++;
  }
  await sip.routes.flush();
  const s = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  acc.findOneAndUpdate = fou;
  out[label] = {
    perSecond: Math.round(CALLS / s),
    /** CPU per call (user + system): what one core does per call, whatever else runs on the machine. */
    cpuMicrosPerCall: Math.round(((cpu.user + cpu.system) / CALLS) * 10) / 10,
    perCpuSecond: Math.round(CALLS / ((cpu.user + cpu.system) / 1e6)),
    accountWrites: writes,
    authorized: ok,
    routesWritten: await store.collection('callRoutes').count({ callId: { $regex: `^${label}-` } }),
  };
}
const realSign = billing.tokens.signRoute;
const only = process.env.BENCH_ONLY;
if (!only || only === 'withToken') await measure('withToken', true);
(billing.tokens as { signRoute: unknown }).signRoute = realSign;
if (!only || only === 'withoutToken') await measure('withoutToken', false);
if (!only || only === 'decisionAndHold') await measure('decisionAndHold', false, false);
(billing.tokens as { signRoute: unknown }).signRoute = realSign;
{
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 20_000; i++)
    realSign({ jti: `r${i}.0`, sub: '+82262006200', aud: 'gateway:gw', dst: numbers[i % 1000]!, max: 3600 });
  out.signPerSecond = Math.round(20_000 / ((performance.now() - t) / 1000));
  const cpu = process.cpuUsage(cpu0);
  out.signPerCpuSecond = Math.round(20_000 / ((cpu.user + cpu.system) / 1e6));
}
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
