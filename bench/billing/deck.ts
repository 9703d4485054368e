// Rate deck import and matching (docs/billing.md, "Rate decks"): a 100,000-prefix deck as CSV,
// read and checked, imported through the service (chunks, then the switch) into the embedded
// store and into FerretDB, compiled into the in-memory trie, and longest-prefix matches per
// second on one core. Prints JSON.
//   node bench/billing/deck.ts [prefixes] [--mongo]   (pin it: taskset -c 1 node ...)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { compileDeck } from '../../src/registry/billing/compile.ts';
import { readDeckCsv } from '../../src/registry/billing/deck-csv.ts';
import { createDeckService } from '../../src/registry/billing/decks.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { startMongo } from '../../test/setup/mongo.ts';
import { deckCsv, numbersUnder } from './data.ts';

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const withMongo = process.argv.includes('--mongo');
const ms = (t: number) => Math.round((performance.now() - t) * 10) / 10;
const out: Record<string, unknown> = { prefixes: N };

const { csv, prefixes } = deckCsv(N);
out.csvBytes = csv.length;
let t = performance.now();
const read = readDeckCsv(csv, { currency: 'USD', defaults: { first: 60, next: 60 } });
out.readAndCheckMs = ms(t);
if (read.issues.length) throw new Error(JSON.stringify(read.issues.slice(0, 3)));

t = performance.now();
const deck = compileDeck(
  { id: 'd', kind: 'sell', party: 'registrar:a', currency: 'USD', revision: 1 },
  read.rows,
);
out.compileMs = ms(t);
const numbers = numbersUnder(prefixes, 200_000);
const at = Date.UTC(2026, 0, 31);
let hits = 0;
for (const n of numbers.slice(0, 20_000)) hits += deck.matchIndex(n, at) >= 0 ? 1 : 0; // warm up
t = performance.now();
for (let round = 0; round < 5; round++) for (const n of numbers) hits += deck.matchIndex(n, at) >= 0 ? 1 : 0;
out.matchesPerSecond = Math.round((5 * numbers.length) / ((performance.now() - t) / 1000));
out.matched = hits / (5 * numbers.length + 20_000); // every number lies under a prefix: 1
out.heapMiB = Math.round(process.memoryUsage().heapUsed / 1048576);

async function importInto(label: string, store: Store) {
  process.stderr.write(`${label}...\n`);
  await store.ensureSchema(SCHEMA);
  await store
    .collection('registrars')
    .insert({ _id: 'a', name: 'A', version: 1, createdAt: 0, updatedAt: 0 } as never);
  const decks = createDeckService({ store, clock: { now: () => Date.now() } });
  await decks.create({ role: 'admin' }, { party: 'registrar:a', currency: 'USD' });
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    await decks.importCsv({ role: 'admin' }, { deckId: 'registrar.a.USD', csv });
    runs.push(ms(s));
  }
  const s = performance.now();
  const d = await decks.decks.get('registrar.a.USD');
  const c = await decks.compiled(d!);
  out[label] = { importMs: runs, loadAndCompileMs: ms(s), rows: c.size };
}

const dir = mkdtempSync(join(tmpdir(), 'callx-bench-deck-'));
const embedded = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
await importInto('embedded', embedded);
await embedded.close();
rmSync(dir, { recursive: true, force: true });

if (withMongo) {
  const srv = await startMongo();
  const mongo = await createMongoStore({ uri: srv.uri, dbName: 'benchdeck', logger: silentLogger });
  await importInto(srv.source === 'ferretdb' ? 'ferretdb' : 'mongodb', mongo);
  await mongo.close();
  await srv.stop();
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
