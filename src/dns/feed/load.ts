// Loading the registry into the DNS model at start (docs/dns.md, "Registry feed"): the journal
// position first (so no later entry is missed), the stream positions up to it (for serials),
// then every published document, the routing aggregates and the tombstones. Reads only, except
// that a node's journal.head() may close a stale gap as every journal reader does.
//
// What a document publishes is what its writer stored with it (the publisher stores it before
// journaling it): a node never derives it again, so nodes running different derivation code
// serve the same records. Only documents published before derivation versions carry nothing;
// a node of that derivation (LEGACY_DERIVATION) derives them as their writers did, any other
// refuses to load until `callx registry republish` has stored them.
import type { Clock, Logger } from '#core';
import {
  COLLECTIONS,
  type Collection,
  type Counter,
  type Doc,
  DuplicateKeyError,
  documentSource,
  formatSource,
  type JournalEntry,
  type PublishedRRset,
  type Store,
  systemClock,
  type Tombstone,
} from '#core';
import { type Derivation, LEGACY_DERIVATION } from '#publish';
import type { AggregateCounter, Journal } from '#registry';
import {
  AGGREGATE_COUNTERS,
  aggregateOfCounter,
  JOURNAL_HEAD,
  PUBLISHED_COLLECTIONS,
  type PublishedDoc,
} from '#registry';
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
  /** The process's derivation: only for documents published before derivation versions. */
  derivation: Derivation;
  /** The node's journal (head() closes stale gaps); null reads without writing (`callx zone export`). */
  journal: Journal | null;
  logger: Logger;
  clock?: Clock;
  pageSize?: number;
}

export interface LoadResult {
  position: number;
  documents: number;
  tombstones: number;
  /** Documents published before derivation versions, derived here (LEGACY_DERIVATION only). */
  derived: number;
  /** Journal entries read to bring the stream positions from the checkpoint to the position. */
  scanned: number;
  ms: number;
}

/**
 * The registry holds sources published before derivation versions (no stored contribution) and
 * this node's derivation is not the one they were derived with: it cannot serve them as the
 * other nodes do. `callx registry republish` (by a process of LEGACY_DERIVATION, or any later
 * one) stores them; the node's load is retried until then.
 */
export class UnversionedSourcesError extends Error {
  override name = 'UnversionedSourcesError';
  readonly sources: string[];
  constructor(sources: string[], derivation: number) {
    super(
      `dns: registry: ${sources.length} source(s) (${sources.slice(0, 3).join(', ')}${sources.length > 3 ? ', …' : ''}) ` +
        `were published before derivation versions, by derivation ${LEGACY_DERIVATION}; this node derives with ` +
        `${derivation} and cannot serve them as the other nodes do: run \`callx registry republish\``,
    );
    this.sources = sources;
  }
}

/** What a loaded document contributes, at which version; null: nothing to load now. */
interface Loaded {
  version: number;
  rrsets: PublishedRRset[];
  deletedZone?: string;
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
  const clock = deps.clock ?? systemClock;
  const t0 = clock.now();
  const { store, feed, derivation } = deps;
  const size = deps.pageSize ?? 1000;
  const log = deps.logger;
  const counters = store.collection<Counter>(COLLECTIONS.counters);
  const legacy = derivation.version === LEGACY_DERIVATION;
  const unversioned: string[] = [];
  let derived = 0;

  /** A document's contribution: stored by its writer; derived here only when unversioned and legacy. */
  function loaded(collection: string, doc: PublishedDoc, key: string): Loaded | null {
    if (doc.publishRemove) return { version: doc.version, rrsets: [] };
    const p = doc.published;
    if (p) return p.v > 0 ? { version: p.v, rrsets: p.rrsets, ...optZone(p.deletedZone) } : null;
    if (legacy) {
      derived++;
      const c = derivation.derive(collection, doc);
      return { version: doc.version, rrsets: c.rrsets, ...optZone(c.deletedZone) };
    }
    // a write of this code in flight stores its contribution before journaling it: the entry
    // comes after our position. Without a marker, it was published before derivation versions.
    if (doc.publishPendingAt === undefined) unversioned.push(key);
    return null;
  }

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
            const source = documentSource(collection, doc._id);
            const key = formatSource(source);
            try {
              const c = loaded(collection, doc, key);
              if (c) feed.applySource(source, c.version, c.rrsets, c.deletedZone, key);
            } catch (err) {
              log.error({ err, source: key }, `dns: ${key}: not loaded`);
            }
          }
        },
        { record: false },
      );
      documents += page.length;
    }
  }

  // 3. The routing trees, each published as one aggregate source from all its documents: every
  //    tree a writer published, as it stored it on the tree's counter (whatever trees this
  //    node's derivation knows).
  const aggregates = await store
    .collection<AggregateCounter>(COLLECTIONS.counters)
    .find(AGGREGATE_COUNTERS, { sort: { _id: 1 } });
  for (const counter of aggregates) {
    const source = aggregateOfCounter(counter._id);
    const key = formatSource(source);
    const p = counter.published;
    let c: Loaded | null = null;
    if (p) c = p.v > 0 ? { version: p.v, rrsets: p.rrsets } : null;
    else {
      const agg = derivation.aggregates.find((a) => formatSource(a.source) === key);
      if (legacy && agg) {
        derived++;
        const docs = await store
          .collection<PublishedDoc>(agg.collection)
          .find({ publishRemove: { $exists: false } });
        c = { version: counter.seq, rrsets: agg.derive(docs) };
      } else unversioned.push(key);
    }
    if (!c) continue;
    const { version, rrsets } = c;
    feed.zs.batch(
      () => {
        try {
          feed.applySource(source, version, rrsets, undefined, key);
        } catch (err) {
          log.error({ err, source: key }, `dns: ${key}: not loaded`);
        }
      },
      { record: false },
    );
  }
  if (unversioned.length > 0) throw new UnversionedSourcesError(unversioned, derivation.version);

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

  // 5. The longest-prefix fillers, over the files and everything loaded (docs/dns.md, "Routing fillers").
  feed.zs.batch(() => feed.fillers.refresh(), { record: false });

  feed.streams = streams;
  feed.resetSerials();
  return { position: head, documents, tombstones, derived, scanned, ms: clock.now() - t0 };
}

const optZone = (z: string | undefined): { deletedZone?: string } =>
  z !== undefined ? { deletedZone: z } : {};

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
