// Loading the registry into the DNS model at start (docs/dns.md, "Registry feed"): the journal
// position first (so no later entry is missed), the stream positions up to it (for serials),
// then every published document, the routing aggregates and the tombstones. Reads only, except
// that a node's journal.head() may close a stale gap as every journal reader does.
import type { Logger } from '#core';
import {
  COLLECTIONS,
  type Collection,
  type Counter,
  type Doc,
  DuplicateKeyError,
  type JournalEntry,
  type Store,
  type Tombstone,
} from '#core';
import { AGGREGATES, createDerive, deriveAggregate, type PublishContext } from '#publish';
import type { Journal } from '#registry';
import { contributionOf, JOURNAL_HEAD, PUBLISHED_COLLECTIONS, type PublishedDoc, sourceOf } from '#registry';
import { StreamPositions } from './scope.ts';
import type { RegistryFeed } from './state.ts';

/** counters/_id of the stream positions DNS nodes share (so a node starting need not scan the whole journal). */
export const SERIALS_CHECKPOINT = 'dns.serials';

interface SerialsCheckpoint {
  _id: string;
  seq: number;
  streams: { s: string; p: number }[];
}

export interface LoadDeps {
  store: Store;
  feed: RegistryFeed;
  ctx: PublishContext;
  /** The node's journal (head() closes stale gaps); null reads without writing (`callx zone export`). */
  journal: Journal | null;
  logger: Logger;
  pageSize?: number;
}

export interface LoadResult {
  position: number;
  documents: number;
  tombstones: number;
  /** Journal entries read to bring the stream positions from the checkpoint to the position. */
  scanned: number;
  ms: number;
}

/** Entries after `after`, in order, stopping before the first missing number (no writes). */
export async function readContiguous(store: Store, after: number, limit: number): Promise<JournalEntry[]> {
  const rows = await store
    .collection<JournalEntry>(COLLECTIONS.journal)
    .find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit });
  const out: JournalEntry[] = [];
  let expect = after + 1;
  for (const r of rows) {
    if (r._id !== expect) break;
    out.push(r);
    expect++;
  }
  return out;
}

/** The contiguous head without closing gaps (read-only readers). */
async function contiguousHead(store: Store): Promise<number> {
  let pos = (await store.collection<Counter>(COLLECTIONS.counters).get(JOURNAL_HEAD))?.seq ?? 0;
  for (;;) {
    const batch = await readContiguous(store, pos, 1000);
    if (batch.length > 0) pos = batch.at(-1)!._id;
    if (batch.length < 1000) return pos;
  }
}

/** Every document of a collection, a page at a time in `_id` order. */
async function* pages<T extends Doc>(coll: Collection<T>, size: number): AsyncGenerator<T[]> {
  let last: T['_id'] | undefined;
  for (;;) {
    const page = await coll.find(last === undefined ? {} : { _id: { $gt: last } }, {
      sort: { _id: 1 },
      limit: size,
    });
    if (page.length > 0) yield page;
    if (page.length < size) return;
    last = page.at(-1)!._id;
  }
}

export async function loadRegistry(deps: LoadDeps): Promise<LoadResult> {
  const t0 = Date.now();
  const { store, feed } = deps;
  const size = deps.pageSize ?? 1000;
  const log = deps.logger;
  const counters = store.collection<Counter>(COLLECTIONS.counters);

  // 1. Stream positions: the shared checkpoint, then the journal up to the head noted now. The
  //    head is taken before any document is read, so every later change arrives as an entry.
  const cp = (await counters.get(SERIALS_CHECKPOINT)) as SerialsCheckpoint | null;
  const head = deps.journal ? await deps.journal.head() : await contiguousHead(store);
  const streams =
    cp && cp.seq <= head && Array.isArray(cp.streams)
      ? StreamPositions.from(cp.seq, cp.streams)
      : new StreamPositions();
  let scanned = 0;
  while (streams.position < head) {
    const batch = await readContiguous(store, streams.position, size);
    if (batch.length === 0) break;
    for (const e of batch) if (e._id <= head) streams.note(e._id, e.source);
    scanned += batch.length;
    if (batch.at(-1)!._id >= head) break;
  }
  streams.position = head;

  // 2. Documents: zones first (record sets need their zone), then record sets, then the rest.
  const derive = createDerive(deps.ctx);
  const order = [
    COLLECTIONS.zones,
    COLLECTIONS.rrsets,
    ...PUBLISHED_COLLECTIONS.filter((c) => c !== COLLECTIONS.zones && c !== COLLECTIONS.rrsets),
  ];
  let documents = 0;
  for (const collection of order) {
    for await (const page of pages(store.collection<PublishedDoc>(collection), size)) {
      feed.zs.batch(
        () => {
          for (const doc of page) {
            const source = sourceOf(collection, doc._id);
            try {
              const deleted = collection === COLLECTIONS.zones && (doc as { deleted?: boolean }).deleted;
              feed.applySource(
                source,
                doc.version,
                contributionOf(derive, collection, doc),
                deleted && !doc.publishRemove ? String(doc._id) : undefined,
              );
            } catch (err) {
              log.error({ err, source }, `dns: ${source}: not loaded`);
            }
          }
        },
        { record: false },
      );
      documents += page.length;
    }
  }

  // 3. The routing trees, each published as one aggregate source from all its documents. The
  //    version counter is read before the documents, as the publisher takes it before reading.
  for (const [collection, source] of Object.entries(AGGREGATES) as [keyof typeof AGGREGATES, string][]) {
    const version = (await counters.get(`aggregate:${source}`))?.seq;
    if (version === undefined) continue;
    const docs = await store.collection<PublishedDoc>(collection).find({ publishRemove: { $exists: false } });
    feed.zs.batch(
      () => {
        try {
          feed.applySource(source, version, deriveAggregate(collection, docs, deps.ctx));
        } catch (err) {
          log.error({ err, source }, `dns: ${source}: not loaded`);
        }
      },
      { record: false },
    );
  }

  // 4. Tombstones: a removed source's late journal entries must not bring it back.
  let tombstones = 0;
  for await (const page of pages(store.collection<Tombstone>(COLLECTIONS.tombstones), size)) {
    feed.zs.batch(
      () => {
        for (const t of page) feed.applyTombstone(t._id, t.version);
      },
      { record: false },
    );
    tombstones += page.length;
  }

  feed.streams = streams;
  feed.resetSerials();
  return { position: head, documents, tombstones, scanned, ms: Date.now() - t0 };
}

/** Shares this node's stream positions (only ever moved forward); failures are harmless. */
export async function writeCheckpoint(store: Store, streams: StreamPositions): Promise<boolean> {
  const counters = store.collection<SerialsCheckpoint>(COLLECTIONS.counters);
  try {
    const r = await counters.findOneAndUpdate(
      { _id: SERIALS_CHECKPOINT, seq: { $lt: streams.position } },
      { $set: { seq: streams.position, streams: streams.toJSON() } },
      { upsert: true },
    );
    return r !== null;
  } catch (err) {
    if (err instanceof DuplicateKeyError) return false; // another node is further along
    throw err;
  }
}
