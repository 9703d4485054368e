// Throughput of the embedded store and journal lag, on this machine:
//   node_modules/.bin/node test/registry/bench-embedded.ts
// Not a test (vitest does not pick it up); numbers go into docs/registry.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'callx-bench-'));
const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
await store.ensureSchema(SCHEMA);

async function rate(name: string, n: number, fn: (i: number) => Promise<unknown>) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = performance.now() - t0;
  console.log(
    `${name.padEnd(58)} ${String(Math.round((n / ms) * 1000)).padStart(7)} ops/s  ${(ms / n).toFixed(3)} ms/op`,
  );
}

const docs = store.collection<{ _id: string; n: number }>('registrars');
await rate('insert, one document per commit (fsync each)', 1000, (i) => docs.insert({ _id: `r${i}`, n: 0 }));
await rate('findOneAndUpdate $inc by _id (fsync each)', 1000, (i) =>
  docs.findOneAndUpdate({ _id: `r${i % 100}` }, { $inc: { n: 1 } }),
);
await rate('get by _id', 5000, (i) => docs.get(`r${i % 1000}`));

type Num = {
  _id: string;
  country: string;
  kind: string;
  status: string;
  digits: string;
  registrarId: string;
};
const numbers = store.collection<Num>('numbers');
const N = 50_000;
const batch: Num[] = [];
for (let i = 0; i < N; i++) {
  const digits = String(8_210_000_0000 + i * 7);
  batch.push({
    _id: `pin:+${digits}`,
    country: ['KR', 'US', 'DE', 'JP'][i % 4]!,
    kind: i % 3 ? 'pin' : 'vns',
    status: i % 10 ? 'sold' : 'available',
    digits,
    registrarId: `r${i % 5}`,
  });
}
let t0 = performance.now();
for (let i = 0; i < N; i += 1000) await numbers.insertMany(batch.slice(i, i + 1000));
console.log(`insertMany ${N} numbers in batches of 1000: ${Math.round(performance.now() - t0)} ms`);
await rate(`search page (${N} numbers; country,kind,status; sort digits)`, 200, (i) =>
  numbers.find(
    { country: 'KR', kind: 'pin', status: 'available' },
    { sort: { digits: 1 }, skip: (i % 10) * 20, limit: 20 },
  ),
);
await rate('search with digit prefix regex', 200, () =>
  numbers.find(
    { country: 'KR', kind: 'pin', status: 'available', digits: { $regex: '^821000' } },
    { limit: 20 },
  ),
);
await rate('reserve the first available (findOneAndUpdate, sort digits)', 200, () =>
  numbers.findOneAndUpdate(
    { country: 'US', kind: 'pin', status: 'available' },
    { $set: { status: 'reserved' } },
    { sort: { digits: 1 } },
  ),
);
await rate('reserve one number by _id with precondition', 500, (i) =>
  numbers.findOneAndUpdate(
    { _id: batch[i * 10]!._id, status: 'available' },
    { $set: { status: 'reserved' } },
  ),
);

// Journal: one writer appending as fast as it can, one reader polling every 10 ms, as a DNS node does.
const journal = createJournal({ store, logger: silentLogger });
const reader = createJournal({ store, logger: silentLogger });
let pos = 0;
let maxLag = 0;
let stop = false;
const poll = (async () => {
  while (!stop || pos < 2000) {
    for (const e of await reader.readAfter(pos, 500)) {
      maxLag = Math.max(maxLag, Date.now() - e.at);
      pos = e._id;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
})();
t0 = performance.now();
for (let i = 0; i < 2000; i++) {
  await journal.append({
    source: { kind: 'document', collection: 'members', id: `m${i}` },
    version: 1,
    rrsets: [{ name: 'x.test', type: 'TXT', ttl: 60, rdata: ['"x"'] }],
  });
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
const appendMs = performance.now() - t0;
stop = true;
await poll;
console.log(
  `journal append: ${Math.round((2000 / appendMs) * 1000)} entries/s; reader (10 ms poll) max lag ${maxLag} ms, read ${pos}`,
);

await store.close();
rmSync(dir, { recursive: true, force: true });
