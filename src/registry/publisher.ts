// The publisher: the one way registry writers change documents that are visible in DNS.
// Every change bumps the document's `version` and sets the `publishPendingAt` marker in the
// same atomic update. The publisher then derives the document's whole contribution at that
// version (src/publish, the process's one derivation), stores it with the document
// (`published`, conditionally on the version), appends it to the journal, and clears the marker
// (only if the document is still at that version). A crash in between leaves the marker, and
// sweep() finishes such documents later. Removal is crash-safe the same way: mark
// (publishRemove), raise the tombstone, append the empty contribution, delete.
// docs/registry.md, "Publisher".
//
// Stored before journaled: a DNS node that loads the registry takes each document's stored
// contribution, never derives it again, so nodes of any derivation version serve what the
// writers derived; and a contribution it did not find stored has its journal entry still to
// come, after the position the node started from.
import type { Clock, Doc, Filter, FindOneAndUpdateOptions, Logger, Store, Update } from '#core';
import {
  type AggregateSource,
  COLLECTIONS,
  type Counter,
  createPeriodic,
  DuplicateKeyError,
  documentSource,
  formatSource,
  parseSource,
  type Source,
  systemClock,
  type Tombstone,
  UnsupportedQueryError,
} from '#core';
import {
  type AggregateDerivation,
  aggregateOf,
  type Contribution,
  type Derivation,
  LEGACY_DERIVATION,
  sameContribution,
} from '#publish';
import type { Journal } from './journal.ts';
import { PUBLISHED_COLLECTIONS } from './schema.ts';

/** A contribution as the publisher stores it with its document (or an aggregate's counter). */
export interface StoredContribution extends Contribution {
  /** The source version it belongs to: the document's `version`, the aggregate counter's `seq`. */
  v: number;
  /** The derivation version that computed it (src/publish DERIVATION_VERSION). */
  d: number;
}

/** A document the publisher manages. */
export type PublishedDoc = Doc & {
  version: number;
  publishPendingAt?: number;
  publishRemove?: true;
  /** What the document publishes, stored before it is journaled (absent: published before versions). */
  published?: StoredContribution;
};

/** counters/aggregate:<source>: the aggregate's version (`seq`) and its last stored contribution. */
export interface AggregateCounter extends Counter {
  published?: StoredContribution;
}

const AGGREGATE_PREFIX = 'aggregate:';
export const aggregateCounterId = (source: AggregateSource): string =>
  `${AGGREGATE_PREFIX}${formatSource(source)}`;
/** The source an aggregate counter (counters/aggregate:<source>) belongs to. */
export const aggregateOfCounter = (id: string): Source => parseSource(id.slice(AGGREGATE_PREFIX.length));
/** A filter on `counters` for every aggregate counter. */
export const AGGREGATE_COUNTERS: Filter = { _id: { $gt: AGGREGATE_PREFIX, $lt: 'aggregate;' } };

export interface PublisherOptions {
  store: Store;
  journal: Journal;
  /** The process's derivation (src/publish `derivationFor(config)`): documents and aggregates. */
  derivation: Derivation;
  logger: Logger;
  clock?: Clock;
  /** sweep() republishes documents whose marker is older than this (ms). */
  sweepAfterMs?: number;
  /** Collections sweep() and republish() scan. */
  collections?: readonly string[];
}

export interface RepublishCounts {
  /** Documents and aggregates looked at. */
  sources: number;
  /** Published at a new version: the derivation gives other records than those published. */
  changed: number;
  /** The same records: only the stored derivation version was updated, nothing journaled. */
  stamped: number;
  /** The same records from the same derivation version: nothing done. */
  unchanged: number;
  /** Documents being removed (their removal publishes itself): left alone. */
  removing: number;
}

export interface RepublishProgress extends RepublishCounts {
  /** The collection being scanned ('aggregates' for the routing trees). */
  collection: string;
  /** Documents of it done so far, and how many it had when the scan began. */
  done: number;
  total: number;
}

export interface RepublishOptions {
  /** Count what would change, write nothing. */
  dryRun?: boolean;
  pageSize?: number;
  /** Called after each page. */
  onProgress?: (p: RepublishProgress) => void;
}

export interface Publisher {
  /** Inserts a new document at version 1 (or above a removed predecessor's) and publishes it. */
  insert<T extends PublishedDoc>(collection: string, doc: Omit<T, 'version'>): Promise<T>;
  /**
   * findOneAndUpdate that also increments `version`, sets the marker and publishes. Returns
   * the document after the update, or null when nothing matched. Publishing failures after
   * the write are logged and left to sweep(): the write itself has happened.
   */
  update<T extends PublishedDoc>(
    collection: string,
    filter: Filter,
    update: Update,
    options?: Pick<FindOneAndUpdateOptions, 'upsert' | 'sort'>,
  ): Promise<T | null>;
  /** Removes one matching document and publishes its empty contribution. Returns it, or null. */
  remove<T extends PublishedDoc>(collection: string, filter: Filter): Promise<T | null>;
  /** Publishes documents whose marker is older than sweepAfterMs; returns how many. */
  sweep(): Promise<number>;
  /**
   * Derives every published document and aggregate again with this publisher's derivation and
   * journals only those whose records differ from what was published (`callx registry republish`).
   */
  republish(opts?: RepublishOptions): Promise<RepublishCounts>;
  /** Runs sweep() every intervalMs until stop(). */
  startSweeper(intervalMs?: number): void;
  stop(): void;
}

const RESERVED = ['version', 'publishPendingAt', 'publishRemove', 'published'];

function checkUpdate(collection: string, update: Update): void {
  for (const op of Object.values(update) as Array<Record<string, unknown> | undefined>) {
    for (const field of RESERVED) {
      if (op && Object.keys(op).some((k) => k === field || k.startsWith(`${field}.`))) {
        throw new UnsupportedQueryError(
          `registry: ${collection}: the publisher manages '${field}'; do not set it`,
        );
      }
    }
  }
}

/** The document as callers see it: the stored contribution is the publisher's business. */
function view<T extends PublishedDoc>(doc: T): T;
function view<T extends PublishedDoc>(doc: T | null): T | null;
function view<T extends PublishedDoc>(doc: T | null): T | null {
  if (!doc || doc.published === undefined) return doc;
  const { published: _, ...rest } = doc;
  return rest as T;
}

const notRemoving: Filter = { publishRemove: { $exists: false } };

/** A routing tree to publish: one of the derivation's, or one it no longer has (no collection). */
type Tree = Pick<AggregateDerivation, 'source' | 'derive'> & { collection: string | null };

/** The stored contribution of a source this code created and has not published yet. */
const NOTHING_YET = (d: Derivation): StoredContribution => ({ v: 0, d: d.version, rrsets: [] });

export function createPublisher(opts: PublisherOptions): Publisher {
  const { store, journal, derivation } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger.child({ component: 'publisher' });
  const sweepAfterMs = opts.sweepAfterMs ?? 5_000;
  const collections = opts.collections ?? PUBLISHED_COLLECTIONS;
  const tombstones = store.collection<Tombstone>(COLLECTIONS.tombstones);
  const counters = store.collection<AggregateCounter>(COLLECTIONS.counters);
  const keyOf = (collection: string, id: Doc['_id']): string => formatSource(documentSource(collection, id));

  const contributionAt = (v: number, c: Contribution): StoredContribution => ({
    v,
    d: derivation.version,
    rrsets: c.rrsets,
    ...(c.deletedZone !== undefined ? { deletedZone: c.deletedZone } : {}),
  });

  /** Raises the tombstone of `source` to `version` (never lowers it). */
  async function raiseTombstone(source: string, version: number): Promise<void> {
    try {
      await tombstones.findOneAndUpdate(
        { _id: source, version: { $lt: version } },
        { $set: { version, at: clock.now() } },
        { upsert: true },
      );
    } catch (err) {
      // It exists at this version or above already.
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }

  /**
   * Republishes an aggregate. Its version is taken after the triggering write and the documents
   * are read after that, so the entry with the highest version has seen every write whose
   * version came earlier: the newest entry is always complete. Its contribution is stored on the
   * counter (unless a newer one is stored already) before it is journaled, as documents' are.
   */
  async function publishAggregate(agg: Tree): Promise<void> {
    const id = aggregateCounterId(agg.source);
    // a counter made by this code always has `published` (at 0 before the first): one without is
    // older than derivation versions (docs/dns.md, "Registry feed")
    const c = await counters.findOneAndUpdate(
      { _id: id },
      { $inc: { seq: 1 }, $setOnInsert: { published: NOTHING_YET(derivation) } },
      { upsert: true },
    );
    const v = c!.seq;
    const docs = agg.collection ? await store.collection<PublishedDoc>(agg.collection).find(notRemoving) : [];
    const stored = contributionAt(v, { rrsets: agg.derive(docs) });
    await counters.findOneAndUpdate(
      { _id: id, $or: [{ 'published.v': { $lt: v } }, { published: { $exists: false } }] },
      { $set: { published: stored } },
    );
    await journal.append({ source: agg.source, version: v, rrsets: stored.rrsets, derivation: stored.d });
  }

  async function publishAggregateOf(collection: string): Promise<void> {
    const agg = aggregateOf(derivation, collection);
    if (agg) await publishAggregate(agg);
  }

  /** Stores the document's contribution at its version (if not yet), journals it, clears its marker. */
  async function publishDoc<T extends PublishedDoc>(collection: string, doc: T): Promise<T | null> {
    const coll = store.collection<T>(collection);
    const source = documentSource(collection, doc._id);
    const key = formatSource(source);
    if (doc.publishRemove) {
      await raiseTombstone(key, doc.version);
      await journal.append({ source, version: doc.version, rrsets: [] });
      await publishAggregateOf(collection);
      await coll.findOneAndDelete({ _id: doc._id, version: doc.version });
      return null;
    }
    // A document created again after a removal must publish above the removed version.
    let d: T | null = doc;
    const tomb = await tombstones.get(key);
    while (d && tomb && d.version <= tomb.version) {
      const bump: Update = {
        $inc: { version: tomb.version + 1 - d.version },
        $set: { publishPendingAt: clock.now() },
      };
      d = (await coll.findOneAndUpdate({ _id: d._id, version: d.version }, bump)) ?? (await coll.get(d._id));
    }
    if (!d) return null;
    let stored = d.published;
    if (!stored || stored.v !== d.version) {
      stored = contributionAt(d.version, derivation.derive(collection, d));
      const at = await coll.findOneAndUpdate(
        { _id: d._id, version: d.version },
        { $set: { published: stored } },
      );
      // changed again (or removed) meanwhile: that newer version is published by its own writer
      if (!at) return d;
      d = at;
    }
    await journal.append({
      source,
      version: stored.v,
      rrsets: stored.rrsets,
      ...(stored.deletedZone !== undefined ? { deletedZone: stored.deletedZone } : {}),
      derivation: stored.d,
    });
    await publishAggregateOf(collection);
    const cleared = await coll.findOneAndUpdate(
      { _id: d._id, version: d.version, publishPendingAt: { $exists: true } },
      { $unset: { publishPendingAt: '' } },
    );
    return cleared ?? d;
  }

  /** Publishes after a committed write; failures are the sweep's job, not the caller's. */
  async function publishAfterWrite<T extends PublishedDoc>(collection: string, doc: T): Promise<T | null> {
    try {
      return await publishDoc(collection, doc);
    } catch (err) {
      log.error({ err, source: keyOf(collection, doc._id) }, 'publisher: publish failed; sweep will retry');
      return doc;
    }
  }

  async function insert<T extends PublishedDoc>(collection: string, doc: Omit<T, 'version'>): Promise<T> {
    checkUpdate(collection, {
      $set: Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'version')),
    });
    const fresh = { ...doc, version: 1 } as T;
    // derived before the insert: the contribution goes in with the document, in one write (a
    // derivation that throws fails the publish, not the write: it is derived again, and logged)
    let published: StoredContribution;
    try {
      published = contributionAt(1, derivation.derive(collection, fresh));
    } catch {
      published = NOTHING_YET(derivation);
    }
    const stored = { ...fresh, publishPendingAt: clock.now(), published } as T;
    await store.collection<T>(collection).insert(stored);
    return view((await publishAfterWrite(collection, stored)) ?? stored);
  }

  async function update<T extends PublishedDoc>(
    collection: string,
    filter: Filter,
    change: Update,
    options: Pick<FindOneAndUpdateOptions, 'upsert' | 'sort'> = {},
  ): Promise<T | null> {
    checkUpdate(collection, change);
    const marked: Update = {
      ...change,
      $inc: { ...change.$inc, version: 1 },
      $set: { ...change.$set, publishPendingAt: clock.now() },
      // an upsert's new document says "nothing published yet" rather than look older than
      // derivation versions (a DNS node would derive it itself: docs/dns.md, "Registry feed")
      ...(options.upsert
        ? { $setOnInsert: { ...change.$setOnInsert, published: NOTHING_YET(derivation) } }
        : {}),
    };
    const doc = await store
      .collection<T>(collection)
      .findOneAndUpdate(filter, marked, { ...options, returnDocument: 'after' });
    if (!doc) return null;
    return view((await publishAfterWrite(collection, doc)) ?? doc);
  }

  async function remove<T extends PublishedDoc>(collection: string, filter: Filter): Promise<T | null> {
    const doc = await store.collection<T>(collection).findOneAndUpdate(filter, {
      $inc: { version: 1 },
      $set: { publishPendingAt: clock.now(), publishRemove: true },
    });
    if (!doc) return null;
    await publishAfterWrite(collection, doc);
    return view(doc);
  }

  async function sweep(): Promise<number> {
    const cutoff = clock.now() - sweepAfterMs;
    let done = 0;
    for (const collection of collections) {
      const stale = await store
        .collection<PublishedDoc>(collection)
        .find({ publishPendingAt: { $lt: cutoff } }, { sort: { publishPendingAt: 1 }, limit: 100 });
      for (const doc of stale) {
        try {
          await publishDoc(collection, doc);
          done++;
          log.warn(
            { source: keyOf(collection, doc._id), version: doc.version },
            'publisher: republished a pending change',
          );
        } catch (err) {
          log.error({ err, source: keyOf(collection, doc._id) }, 'publisher: sweep could not publish');
        }
      }
    }
    return done;
  }

  type Outcome = 'changed' | 'stamped' | 'unchanged' | 'removing';

  /** One document of republish(): compare, then stamp or publish at a new version. */
  async function republishDoc(collection: string, first: PublishedDoc, dryRun: boolean): Promise<Outcome> {
    const coll = store.collection<PublishedDoc>(collection);
    let doc: PublishedDoc | null = first;
    // a stamp asserts the records of one version; a writer that moves the document on in
    // between makes us look again (a few times, then publish it anew, which is always right)
    for (let attempt = 0; attempt < 3 && doc; attempt++) {
      if (doc.publishRemove) return 'removing';
      const fresh = derivation.derive(collection, doc);
      const stored = doc.published;
      if (stored && stored.v === doc.version && sameContribution(stored, fresh)) {
        if (stored.d === derivation.version) return 'unchanged';
        if (dryRun) return 'stamped';
        const ok = await coll.findOneAndUpdate(
          { _id: doc._id, version: doc.version, 'published.v': doc.version },
          { $set: { 'published.d': derivation.version } },
        );
        if (ok) return 'stamped';
      } else if (!stored && derivation.version === LEGACY_DERIVATION && doc.publishPendingAt === undefined) {
        // published before derivation versions by code that derived exactly what this version
        // derives: DNS nodes hold these very records at this version (they derived them too)
        if (dryRun) return 'stamped';
        const ok = await coll.findOneAndUpdate(
          {
            _id: doc._id,
            version: doc.version,
            published: { $exists: false },
            publishPendingAt: { $exists: false },
          },
          { $set: { published: contributionAt(doc.version, fresh) } },
        );
        if (ok) return 'stamped';
      } else break;
      doc = await coll.get(doc._id);
    }
    if (!doc) return 'unchanged'; // removed meanwhile: its removal published it
    if (dryRun) return 'changed';
    // other records (or none known): a new version, published the usual way
    const bumped = await update(collection, { _id: doc._id, ...notRemoving }, {});
    return bumped ? 'changed' : 'removing';
  }

  /** One aggregate of republish(). */
  async function republishAggregate(agg: Tree, dryRun: boolean): Promise<Outcome | null> {
    const id = aggregateCounterId(agg.source);
    const c = await counters.get(id);
    const docs = agg.collection ? await store.collection<PublishedDoc>(agg.collection).find(notRemoving) : [];
    if (!c && docs.length === 0) return null; // never published, nothing to publish
    const stored = c?.published;
    const fresh: Contribution = { rrsets: agg.derive(docs) };
    if (c && stored && stored.v === c.seq && sameContribution(stored, fresh)) {
      if (stored.d === derivation.version) return 'unchanged';
      if (dryRun) return 'stamped';
      const ok = await counters.findOneAndUpdate(
        { _id: id, seq: c.seq, 'published.v': c.seq },
        { $set: { 'published.d': derivation.version } },
      );
      if (ok) return 'stamped';
    }
    if (dryRun) return 'changed';
    await publishAggregate(agg);
    return 'changed';
  }

  async function republish(ro: RepublishOptions = {}): Promise<RepublishCounts> {
    const dryRun = ro.dryRun ?? false;
    const size = ro.pageSize ?? 500;
    const counts: RepublishCounts = { sources: 0, changed: 0, stamped: 0, unchanged: 0, removing: 0 };
    const note = (o: Outcome): void => {
      counts.sources++;
      counts[o]++;
    };
    for (const collection of collections) {
      const coll = store.collection<PublishedDoc>(collection);
      const total = await coll.count({});
      let done = 0;
      let last: Doc['_id'] | undefined;
      for (;;) {
        const page = await coll.find(last === undefined ? {} : { _id: { $gt: last } }, {
          sort: { _id: 1 },
          limit: size,
        });
        for (const doc of page) {
          try {
            note(await republishDoc(collection, doc, dryRun));
          } catch (err) {
            throw new Error(`registry: republish: ${keyOf(collection, doc._id)}: ${(err as Error).message}`, {
              cause: err,
            });
          }
        }
        done += page.length;
        if (page.length > 0) ro.onProgress?.({ ...counts, collection, done, total });
        if (page.length < size) break;
        last = page.at(-1)!._id;
      }
    }
    const aggs: Tree[] = derivation.aggregates.filter((a) => collections.includes(a.collection));
    // trees a writer published that this derivation no longer has: they publish nothing now
    const known = new Set(derivation.aggregates.map((a) => aggregateCounterId(a.source)));
    for (const c of await counters.find(AGGREGATE_COUNTERS, { sort: { _id: 1 } })) {
      const source = aggregateOfCounter(c._id);
      if (!known.has(c._id) && source.kind === 'aggregate')
        aggs.push({ source, collection: null, derive: () => [] });
    }
    let done = 0;
    for (const agg of aggs) {
      const o = await republishAggregate(agg, dryRun);
      if (o) note(o);
      done++;
    }
    ro.onProgress?.({ ...counts, collection: 'aggregates', done, total: aggs.length });
    log.info({ ...counts, derivation: derivation.version, dryRun }, 'publisher: republished');
    return counts;
  }

  const sweeper = createPeriodic(sweep, log, 'publisher: sweep');
  const startSweeper = (intervalMs = 1_000): void => sweeper.start(intervalMs);
  const stop = (): void => sweeper.stop();

  return { insert, update, remove, sweep, republish, startSweeper, stop };
}
