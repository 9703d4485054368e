// Per-operation latency of the registry services on a store, driven in-process: member create,
// reserve and pay (with the member named, so pay also assigns the number and publishes it), with
// 1 and 16 concurrent clients, plus what a restart costs (open + ensureSchema + first write).
//
//   node bench/registry/latency.ts embedded
//   node bench/registry/latency.ts mongodb   # MONGODB_URI, else a FerretDB v1.24.2 started here
//
// Options (env): BENCH_STOCK (inventory size, default 5000), BENCH_OPS (operations per client
// and phase, default 40 for 1 client, 8 per client for 16), BENCH_CLIENTS ("1,16"),
// BENCH_ATOMICITY (mongodb: auto | native | locks), BENCH_TRACE=1 (mongodb: the commands each
// operation sends with one client, and where their time goes), BENCH_RESTARTS (restarts under
// load, default 1; BENCH_CLIENTS=none measures only restarts).
// Prints one JSON line per phase and a Markdown table at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDerivation, publishContext } from '#publish';
import { type Principal, registrarPrincipal } from '#registry';
import { silentLogger } from '../../src/core/log.ts';
import type { Money } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createMembers } from '../../src/registry/members/index.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { createSales } from '../../src/registry/sales/index.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { MongoStore } from '../../src/registry/stores/mongo.ts';
import { type MongoServer, startMongo } from '../../test/setup/mongo.ts';

const kind = process.argv[2] ?? 'embedded';
if (kind !== 'embedded' && kind !== 'mongodb') throw new Error('usage: latency.ts embedded|mongodb');
const STOCK = Number(process.env.BENCH_STOCK ?? 5000);
const CLIENTS =
  process.env.BENCH_CLIENTS === 'none' ? [] : (process.env.BENCH_CLIENTS ?? '1,16').split(',').map(Number);
const TRACE = process.env.BENCH_TRACE === '1';
const ATOMICITY = (process.env.BENCH_ATOMICITY ?? 'auto') as 'auto' | 'native' | 'locks';
const REG: Principal = registrarPrincipal('reg-a');
const opsPer = (clients: number) => Number(process.env.BENCH_OPS ?? (clients === 1 ? 40 : 8));

let server: MongoServer | null = null;
let dir = '';
const dbName = `bench_${process.pid}`;

async function open(): Promise<Store> {
  if (kind === 'embedded') return createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  const store = new MongoStore({ uri: server!.uri, dbName, logger: silentLogger, atomicity: ATOMICITY });
  if (TRACE) traceStore(store);
  await store.connect();
  return store;
}

function services(store: Store) {
  const journal = createJournal({ store, logger: silentLogger });
  const publisher = createPublisher({
    store,
    journal,
    derivation: createDerivation(publishContext('callx.test')),
    logger: silentLogger,
  });
  const deps = { store, publisher, logger: silentLogger };
  return {
    sales: createSales({ ...deps, reservationTtlMs: 15 * 60_000 }),
    members: createMembers({ ...deps, realm: 'callx.test' }),
  };
}

// Command tracing (MongoDB driver command monitoring), one client at a time.
const trace = { on: false, commands: [] as Array<{ name: string; ms: number; filter: string }> };
function traceStore(store: MongoStore): void {
  const client = store.client;
  // Before connect(): the driver reads it when it builds its connections.
  (client as unknown as { monitorCommands: boolean }).monitorCommands = true;
  const started = new Map<number, { name: string; filter: string }>();
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, unknown>;
    const filter = cmd.filter ?? cmd.query ?? (cmd.deletes as Array<{ q: unknown }>)?.[0]?.q ?? '';
    started.set(e.requestId, {
      name: `${e.commandName} ${String(cmd[e.commandName])}`,
      filter: JSON.stringify(filter),
    });
  });
  client.on('commandSucceeded', (e) => {
    const s = started.get(e.requestId);
    if (trace.on && s) trace.commands.push({ ...s, ms: e.duration });
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  store: string;
  op: string;
  clients: number;
  n: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}
const rows: Row[] = [];

/** Runs `clients` workers, each calling `op(client, i)` `per` times in a row; records each call. */
async function phase(
  op: string,
  clients: number,
  per: number,
  fn: (client: number, i: number) => Promise<unknown>,
): Promise<void> {
  const ms: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < per; i++) {
        const s = performance.now();
        await fn(c, i);
        ms.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  ms.sort((a, b) => a - b);
  const row: Row = {
    store: label,
    op,
    clients,
    n: ms.length,
    p50: pct(ms, 50),
    p99: pct(ms, 99),
    max: ms.at(-1)!,
    perSecond: (ms.length / wall) * 1000,
  };
  rows.push(row);
  console.log(JSON.stringify(row, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
}

/** With one client: the commands one call of `fn` sends, and the time in each. */
async function traced(op: string, fn: () => Promise<unknown>): Promise<void> {
  trace.commands = [];
  trace.on = true;
  const t0 = performance.now();
  await fn();
  const total = performance.now() - t0;
  trace.on = false;
  const cmds = trace.commands;
  const inCmds = cmds.reduce((s, c) => s + c.ms, 0);
  console.log(
    `trace ${op}: ${total.toFixed(1)} ms, ${cmds.length} commands (${inCmds.toFixed(1)} ms in them)`,
  );
  for (const c of cmds)
    console.log(`  ${c.ms.toFixed(1).padStart(7)} ms  ${c.name}  ${c.filter.slice(0, 110)}`);
}

/** The i-th number of the inventory: +82 2 62xx xxxx (Seoul). */
const num = (i: number) => `+8226${2_000_000 + i}`;

let label: string = kind;
if (kind === 'embedded') dir = mkdtempSync(join(tmpdir(), 'callx-bench-latency-'));
else server = await startMongo();

try {
  let t0 = performance.now();
  let store = await open();
  await store.ensureSchema(SCHEMA);
  const firstSchemaMs = performance.now() - t0;
  if (store.kind === 'mongodb' && (store as MongoStore).locks) label = 'ferretdb (locks)';
  let svc = services(store);

  // Inventory: STOCK numbers in blocks (+82 2 62xx xxxx).
  t0 = performance.now();
  for (let off = 0; off < STOCK; off += 10_000) {
    const count = Math.min(10_000, STOCK - off);
    await svc.sales.stock(REG, {
      country: 'KR',
      kind: 'pin',
      range: { first: num(off), count },
    });
  }
  console.log(
    `stock ${STOCK} numbers: ${Math.round(performance.now() - t0)} ms; schema at first start ${Math.round(firstSchemaMs)} ms`,
  );

  // Numbers spread over the whole inventory (a stride through it), not the first ones in order:
  // FerretDB finds a document by `_id` with a table scan that stops at the match.
  let next = 0;
  const STRIDE = 7919; // prime, so the stride visits every number once
  const free = () => num((next++ * STRIDE) % STOCK);
  let memberSeq = 0;
  const register = () =>
    svc.members.register(REG, {
      type: 'individual',
      displayName: 'Bench',
      email: `m${memberSeq++}@bench.example`,
      country: 'KR',
    });

  if (TRACE) {
    const m = await register();
    await traced('member create', register);
    let r = await svc.sales.reserve(REG, { number: free(), memberId: m.id });
    await traced('reserve', async () => {
      r = await svc.sales.reserve(REG, { number: free(), memberId: m.id });
    });
    if (!r.approved) throw new Error(`bench: reservation refused: ${r.message}`);
    const order = r;
    await traced('pay', () =>
      svc.sales.pay(REG, { orderId: order.order.id, reference: `t-${order.order.id}`, amount: order.price }),
    );
  }

  for (const clients of CLIENTS) {
    const per = opsPer(clients);
    const members: string[][] = Array.from({ length: clients }, () => []);
    await phase('member create', clients, per, async (c) => {
      members[c]!.push((await register()).id);
    });
    const orders: Array<Array<{ id: string; price: Money }>> = Array.from({ length: clients }, () => []);
    await phase('reserve', clients, per, async (c, i) => {
      const r = await svc.sales.reserve(REG, { number: free(), memberId: members[c]![i]! });
      if (!r.approved) throw new Error(`bench: reservation refused: ${r.message}`);
      orders[c]!.push({ id: r.order.id, price: r.price });
    });
    await phase('pay', clients, per, async (c, i) => {
      const o = orders[c]![i]!;
      const paid = await svc.sales.pay(REG, { orderId: o.id, reference: `ref-${o.id}`, amount: o.price });
      if (!paid.assigned) throw new Error('bench: paid but not assigned');
    });
  }

  // Restarts: a new store on the same data (schema exists), then the first member create.
  // 'idle': the old store closed with nothing running. 'under load': closed while 16 clients
  // create members, as SIGTERM does (the API drops its connections, then the store closes).
  const restart = async (how: 'idle' | 'under load') => {
    let load: Promise<unknown> = Promise.resolve();
    if (how === 'under load') {
      let stop = false;
      load = Promise.allSettled(
        Array.from({ length: 16 }, async () => {
          while (!stop) {
            await register();
            // The embedded store answers in microtasks: let the timer that ends the load run.
            await new Promise((r) => setImmediate(r));
          }
        }),
      ).then(() => {
        stop = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
    }
    await store.close();
    await load;
    let t = performance.now();
    store = await open();
    await store.ensureSchema(SCHEMA);
    const openAndSchemaMs = Math.round(performance.now() - t);
    // Locks the closed store left behind (locks mode): each blocks its document for the lease.
    const locksLeft =
      store.kind === 'mongodb'
        ? await (store as MongoStore).db.collection('storeLocks').countDocuments({})
        : 0;
    svc = services(store);
    t = performance.now();
    await register();
    const firstMemberCreateMs = Math.round(performance.now() - t);
    console.log(
      JSON.stringify({ store: label, restart: how, openAndSchemaMs, locksLeft, firstMemberCreateMs }),
    );
    restarts.push({ how, openAndSchemaMs, locksLeft, firstMemberCreateMs });
  };
  const restarts: Array<{
    how: string;
    openAndSchemaMs: number;
    locksLeft: number;
    firstMemberCreateMs: number;
  }> = [];
  await restart('idle');
  for (let i = 0; i < Number(process.env.BENCH_RESTARTS ?? 1); i++) await restart('under load');
  if (store.kind === 'mongodb') await (store as MongoStore).db.dropDatabase();
  await store.close();

  console.log(`\n| store | operation | clients | n | p50 ms | p99 ms | max ms | ops/s |`);
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.store} | ${r.op} | ${r.clients} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.perSecond.toFixed(0)} |`,
    );
  }
  for (const r of restarts) {
    console.log(
      `| ${label} | restart (${r.how}): open + schema ${r.openAndSchemaMs} ms, ${r.locksLeft} locks left, first member create ${r.firstMemberCreateMs} ms |`,
    );
  }
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
}
