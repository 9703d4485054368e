// What one journal poll of a DNS node (journal.readAfter(head), nothing new) costs the store, by
// journal size: on FerretDB v1 a filter on a numeric `_id` is not pushed down, so each poll
// reads and decodes the whole journal; every DNS node polls every CALLX_DNS_JOURNAL_POLL_MS.
//
//   node bench/registry/journal-poll.ts embedded|mongodb   # MONGODB_URI, else a FerretDB started here
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import type { JournalEntry } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createMongoStore, type MongoStore } from '../../src/registry/stores/mongo.ts';
import { type MongoServer, startMongo } from '../../test/setup/mongo.ts';

const kind = process.argv[2] ?? 'embedded';
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,20000').split(',').map(Number);
let server: MongoServer | null = null;
let dir = '';
let store: Store;
if (kind === 'embedded') {
  dir = mkdtempSync(join(tmpdir(), 'callx-bench-journal-'));
  store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
} else {
  server = await startMongo();
  store = await createMongoStore({
    uri: server.uri,
    dbName: `bench_journal_${process.pid}`,
    logger: silentLogger,
  });
}
try {
  await store.ensureSchema(SCHEMA);
  const journal = createJournal({ store, logger: silentLogger });
  const entries = store.collection<JournalEntry>('journal');
  let have = 0;
  for (const size of SIZES) {
    const batch: JournalEntry[] = [];
    for (let seq = have + 1; seq <= size; seq++) {
      const rdata = '100 10 "u" "E2U+sip" "!^.*$!sip:x@callx.test!" .';
      const rrsets = [{ name: `${seq}.e164.callx.test`, type: 'NAPTR', ttl: 300, rdata: [rdata] }];
      batch.push({ _id: seq, at: Date.now(), source: `members/m${seq}`, version: 1, rrsets });
    }
    for (let i = 0; i < batch.length; i += 1000) await entries.insertMany(batch.slice(i, i + 1000));
    have = size;
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const got = await journal.readAfter(size);
      ms.push(performance.now() - t0);
      if (got.length !== 0) throw new Error('bench: expected nothing after the head');
    }
    ms.sort((a, b) => a - b);
    console.log(
      JSON.stringify({ store: store.kind, journalEntries: size, pollMsMedian: Math.round(ms[5]! * 10) / 10 }),
    );
  }
  if (store.kind === 'mongodb') await (store as MongoStore).db.dropDatabase();
} finally {
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
}
