// CDR rating and posting (docs/billing.md, "CDRs"): batches of 1,000 CDRs posted by a gateway,
// each matched to its route (authorized before by the redirector side), rated with the route's
// snapshot (charge and cost), stored, and posted to the member's ledger with its hold
// released; on the embedded store and on FerretDB. Two shapes: 1,000 members (a CDR per
// account per batch) and one busy member (1,000 CDRs on one account per batch). Prints JSON.
//   taskset -c 1 node bench/billing/cdrs.ts [batches] [--mongo | --mongo-only]
// BENCH_MEMBERS=n runs only that shape (n accounts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { derivationFor } from '../../src/publish/index.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { startMongo } from '../../test/setup/mongo.ts';
import { deckCsv, numbersUnder } from './data.ts';

const BATCHES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const mongoOnly = process.argv.includes('--mongo-only');
const withMongo = mongoOnly || process.argv.includes('--mongo');
const shapes = process.env.BENCH_MEMBERS ? [Number(process.env.BENCH_MEMBERS)] : [1000, 1];
const out: Record<string, unknown> = { batchSize: 1000, batches: BATCHES };
const iso = (ms: number) => new Date(ms).toISOString();

async function run(label: string, store: Store, members: number) {
  await store.ensureSchema(SCHEMA);
  const publisher = createPublisher({
    store,
    journal: createJournal({ store, logger: silentLogger }),
    derivation: derivationFor({ apex: 'callx.test' }),
    logger: silentLogger,
  });
  const billing = createBilling({ store, publisher, logger: silentLogger, apex: 'callx.test' });
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
  const sell = deckCsv(10_000, 7);
  await billing.decks.create(admin, { party: 'registrar:a', currency: 'USD' });
  await billing.decks.importCsv(admin, { deckId: 'registrar.a.USD', csv: sell.csv });
  await billing.decks.create(admin, { party: 'gateway:gw', currency: 'USD' });
  await billing.decks.importCsv(admin, { deckId: 'gateway.gw.USD', csv: deckCsv(5_000, 8).csv });
  const ids: string[] = [];
  for (let i = 0; i < members; i++) {
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
    await billing.ledger.post(id, 'seed', { kind: 'topup', amount: 10_000_000_000, currency: 'USD' });
    ids.push(id);
  }
  await billing.tokens.load();
  await billing.rates.refresh();
  const sip = billing.authorizer({ holder: 'bench' });
  const numbers = numbersUnder(sell.prefixes, 10_000).map((d) => `+${d}`);
  const total = BATCHES * 1000;
  const routes: string[] = [];
  for (let i = 0; i < total; i++) {
    const r = await sip.authorize({
      memberId: ids[i % members]!,
      registrarId: 'a',
      caller: '+82262006200',
      destination: numbers[i % numbers.length]!,
      callId: `call-${i}`,
      candidates: [{ party: 'gateway:gw', paid: true }],
    });
    if (r.outcome !== 'authorized' || !r.routeId) throw new Error(`${label}: call ${i}: ${r.outcome}`);
    routes.push(r.routeId);
  }
  await sip.routes.flush();
  const gw = { role: 'counterparty' as const, party: 'gateway:gw' };
  const now = Date.now();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) {
    const cdrs = Array.from({ length: 1000 }, (_, k) => {
      const i = b * 1000 + k;
      return {
        callId: `call-${i}`,
        routeId: `${routes[i]}.0`,
        start: iso(now - 300_000),
        answer: iso(now - 290_000),
        end: iso(now - 290_000 + 1000 * (5 + (i % 200))),
        disposition: 'answered',
      };
    });
    const t = performance.now();
    const r = await billing.cdrs.ingest(gw, { cdrs });
    times.push(performance.now() - t);
    if (r.rated !== 1000)
      throw new Error(
        `${label}: batch ${b}: ${JSON.stringify(r.results.find((x) => x.outcome !== 'rated'))}`,
      );
  }
  const cpu = process.cpuUsage(cpu0);
  const sum = times.reduce((s, x) => s + x, 0);
  const sorted = [...times].sort((a, b) => a - b);
  out[label] = {
    members,
    batchMs: times.map((x) => Math.round(x)),
    medianBatchMs: Math.round(sorted[Math.floor(sorted.length / 2)]!),
    cdrsPerSecond: Math.round((total / sum) * 1000),
    cdrsPerCpuSecond: Math.round(total / ((cpu.user + cpu.system) / 1e6)),
  };
  // the books balance: every charge posted once
  const charged = await store.collection('ledger').count({ kind: 'call', amount: { $lt: 0 } });
  if (charged !== total) throw new Error(`${label}: ${charged} charges for ${total} CDRs`);
}

for (const members of mongoOnly ? [] : shapes) {
  const dir = mkdtempSync(join(tmpdir(), 'callx-bench-cdr-'));
  const s = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  await run(`embedded-${members === 1 ? 'oneAccount' : `${members}Accounts`}`, s, members);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
}
if (withMongo) {
  const srv = await startMongo();
  for (const members of shapes) {
    const s = await createMongoStore({ uri: srv.uri, dbName: `benchcdr${members}`, logger: silentLogger });
    await run(`${srv.source}-${members === 1 ? 'oneAccount' : `${members}Accounts`}`, s, members);
    await s.close();
  }
  await srv.stop();
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
