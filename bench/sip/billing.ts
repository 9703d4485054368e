// The redirector with the fee system's authorization on and off, in one process and one run
// (docs/billing.md, "On the SIP path"): an authenticated member (digest) calls 10,000 US PSTN
// numbers (test/sip/zones: the pstn tree sends them to gw.us.callx.test), DNS answers cached;
// with authorization each call is rated on a 100,000-prefix sell deck and a 10,000-prefix cost
// deck, held from the member's lease (embedded store), logged (route log, batched) and gets an
// ES256 route token — signed on the event loop (the default) or on libuv's thread pool. No
// PASSporT (STIR off in every variant): what is compared is the authorization alone.
// Measured two ways: one call at a time (CPU and wall µs per call), and 64 calls in flight
// (calls per second of wall time, and CPU µs per call of the whole process — thread pool
// included). Prints JSON.
//   node bench/sip/billing.ts [calls]
import { createDnsServer } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { createSipService, type SipServiceBilling } from '../../src/sip/service.ts';
import { sipConfig, ZONES_DIR } from '../../test/sip/env.ts';
import { seedBilling } from './billing-setup.ts';
import { authorizations, invite, KIM_ACCOUNTS, pipeline, TRUST_SOURCE } from './member-calls.ts';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const dns = createDnsServer({
  config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
  logger: silentLogger,
  zonesDir: ZONES_DIR,
});
await dns.start();

// the registry: decks, a member's account with plenty of funds
const { billing, parties, importS, close } = await seedBilling({
  id: 'gw-us',
  host: 'gw.us.callx.test',
  cc: '1',
  name: 'US',
});

async function redirector(auth: 'off' | 'thread-pool' | 'event-loop') {
  let b: SipServiceBilling | undefined;
  if (auth !== 'off') {
    const a = billing.authorizer({ holder: `bench-${auth}`, signOffThread: auth === 'thread-pool' });
    b = { authorize: a.authorize, parties, stop: () => a.wallet.close() };
  }
  const service = createSipService({
    config: sipConfig(dns.port, { CALLX_SIP_TRUSTED: '', CALLX_STIR: 'off' }),
    logger: silentLogger,
    accounts: KIM_ACCOUNTS,
    trustSource: TRUST_SOURCE,
    ...(b ? { billing: b } : {}),
  });
  await service.start();
  return service;
}
type Service = Awaited<ReturnType<typeof redirector>>;

const DESTS = Array.from({ length: 10_000 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
type Variant = 'off' | 'thread-pool' | 'event-loop';
// VARIANTS=off,event-loop: some of them (profiling)
const chosen = (process.env.VARIANTS ?? 'off,thread-pool,event-loop').split(',') as Variant[];
const variants = {} as Record<Variant, Service>;
for (const v of chosen) variants[v] = await redirector(v);

// warm: DNS answers and verdicts cached, the lease taken, JIT
for (const [name, s] of Object.entries(variants)) {
  const auths = await authorizations(s, DESTS, DESTS.length);
  for (let i = 0; i < DESTS.length; i++) {
    const st = await pipeline(s, invite(DESTS[i]!, { auth: auths[i], cseq: 2 }));
    if (st !== 302) throw new Error(`bench: ${name}: ${DESTS[i]}: ${st}`);
  }
}
for (const v of chosen.filter((x) => x !== 'off')) {
  const sample = (await variants[v].redirector.process({
    raw: invite(DESTS[0]!, { auth: (await authorizations(variants[v], DESTS, 1))[0], cseq: 2 }),
    ctx: { transport: 'udp', remoteAddress: '127.0.0.1', remotePort: 5080 },
  }))!.spec.headers.find(([h]) => h === 'Contact')![1];
  if (!sample.includes('Callx-Route-Token=')) throw new Error(`bench: no route token in ${sample}`);
}

/** One call at a time: CPU µs (process, thread pool included) and wall µs per call. */
async function sequential(s: Service, n: number) {
  const auths = await authorizations(s, DESTS, n);
  const raws = auths.map((a, i) => invite(DESTS[i % DESTS.length]!, { auth: a, cseq: 2 }));
  const c0 = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await pipeline(s, raws[i]!);
  const wall = ((performance.now() - t) * 1000) / n;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / n, wall };
}

/** 64 calls in flight: calls per second of wall time, CPU µs per call. */
async function concurrent(s: Service, n: number) {
  const auths = await authorizations(s, DESTS, n);
  const raws = auths.map((a, i) => invite(DESTS[i % DESTS.length]!, { auth: a, cseq: 2 }));
  let next = 0;
  const c0 = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) await pipeline(s, raws[next++]!);
    }),
  );
  const secs = (performance.now() - t) / 1000;
  const c = process.cpuUsage(c0);
  return { perSecond: n / secs, cpu: (c.user + c.system) / n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seqRuns: Record<Variant, { cpu: number[]; wall: number[] }> = {
  off: { cpu: [], wall: [] },
  'thread-pool': { cpu: [], wall: [] },
  'event-loop': { cpu: [], wall: [] },
};
const conRuns: Record<Variant, { perSecond: number[]; cpu: number[] }> = {
  off: { perSecond: [], cpu: [] },
  'thread-pool': { perSecond: [], cpu: [] },
  'event-loop': { perSecond: [], cpu: [] },
};
// interleaved rounds: the machine's noise falls on every variant alike
for (let r = 0; r < ROUNDS; r++) {
  for (const v of chosen) {
    const x = await sequential(variants[v], N);
    seqRuns[v].cpu.push(x.cpu);
    seqRuns[v].wall.push(x.wall);
    const y = await concurrent(variants[v], N);
    conRuns[v].perSecond.push(y.perSecond);
    conRuns[v].cpu.push(y.cpu);
  }
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const out = {
  calls: N,
  rounds: ROUNDS,
  node: process.version,
  deckImportSeconds: r1(importS),
  sequential_us_per_call: Object.fromEntries(
    chosen.map((v) => [v, { cpu: r1(median(seqRuns[v].cpu)), wall: r1(median(seqRuns[v].wall)) }]),
  ),
  concurrent64: Object.fromEntries(
    chosen.map((v) => [
      v,
      {
        callsPerSecond: Math.round(median(conRuns[v].perSecond)),
        cpuUsPerCall: r1(median(conRuns[v].cpu)),
      },
    ]),
  ),
  ratios: {
    'thread-pool/off, calls per second (64 in flight)':
      Math.round((median(conRuns['thread-pool'].perSecond) / median(conRuns.off.perSecond)) * 100) / 100,
    'event-loop/off, calls per second (64 in flight)':
      Math.round((median(conRuns['event-loop'].perSecond) / median(conRuns.off.perSecond)) * 100) / 100,
    'off/thread-pool, wall per call (one at a time)':
      Math.round((median(seqRuns.off.wall) / median(seqRuns['thread-pool'].wall)) * 100) / 100,
  },
};
console.log(JSON.stringify(out, null, 2));
for (const s of Object.values(variants)) await s.stop();
await dns.stop();
await close();
