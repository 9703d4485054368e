// The publisher: the one way registry writers change documents that are visible in DNS.
// Every change bumps the document's `version` and sets the `publishPendingAt` marker in the
// same atomic update; the publisher then appends the document's whole contribution at that
// version to the journal and clears the marker (only if the document is still at that
// version). A crash in between leaves the marker, and sweep() publishes such documents later.
// Removal is crash-safe the same way: mark (publishRemove), raise the tombstone, append the
// empty contribution, delete. docs/registry.md, "Publisher".
import type { Clock, Doc, Filter, FindOneAndUpdateOptions, Logger, Store, Update } from '#core';
import {
  COLLECTIONS,
  type Counter,
  createPeriodic,
  DuplicateKeyError,
  type PublishedRRset,
  systemClock,
  type Tombstone,
  UnsupportedQueryError,
} from '#core';
import type { Journal } from './journal.ts';
import { PUBLISHED_COLLECTIONS } from './schema.ts';

/** What a registry document publishes in DNS: a pure function (src/publish). Null: nothing. */
export type Derive = (collection: string, doc: unknown | null) => PublishedRRset[];

/** A document the publisher manages. */
export type PublishedDoc = Doc & { version: number; publishPendingAt?: number; publishRemove?: true };

export interface PublisherOptions {
  store: Store;
  journal: Journal;
  derive: Derive;
  logger: Logger;
  clock?: Clock;
  /** sweep() republishes documents whose marker is older than this (ms). */
  sweepAfterMs?: number;
  /** Collections sweep() scans. */
  collections?: readonly string[];
  /** The zone a document's entry announces as deleted (default: a `zones` document with `deleted`). */
  deletedZone?: (collection: string, doc: PublishedDoc) => string | undefined;
  /**
   * Sources computed from every document of a collection at once (the routing trees: their
   * longest-prefix fillers depend on all routes). After any document of the collection is
   * published, the aggregate is republished from all its documents, before the document's
   * marker is cleared, so sweep() also repairs a crash before the aggregate was appended.
   */
  aggregates?: Record<string, Aggregate>;
}

export interface Aggregate {
  /** Journal source name, e.g. 'routing/pstn'. */
  source: string;
  derive: (docs: unknown[]) => PublishedRRset[];
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
  /** Runs sweep() every intervalMs until stop(). */
  startSweeper(intervalMs?: number): void;
  stop(): void;
}

export const sourceOf = (collection: string, id: Doc['_id']): string => `${collection}/${id}`;

/** What a stored document contributes right now: nothing while it is being removed. */
export function contributionOf(derive: Derive, collection: string, doc: PublishedDoc): PublishedRRset[] {
  return doc.publishRemove ? [] : derive(collection, doc);
}

const RESERVED = ['version', 'publishPendingAt', 'publishRemove'];

function checkUpdate(collection: string, update: Update): void {
  for (const op of Object.values(update) as Array<Record<string, unknown> | undefined>) {
    for (const field of RESERVED) {
      if (op && field in op) {
        throw new UnsupportedQueryError(
          `registry: ${collection}: the publisher manages '${field}'; do not set it`,
        );
      }
    }
  }
}

export function createPublisher(opts: PublisherOptions): Publisher {
  const { store, journal, derive } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger.child({ component: 'publisher' });
  const sweepAfterMs = opts.sweepAfterMs ?? 5_000;
  const collections = opts.collections ?? PUBLISHED_COLLECTIONS;
  const deletedZone =
    opts.deletedZone ??
    ((c: string, d: PublishedDoc) =>
      c === COLLECTIONS.zones && (d as { deleted?: boolean }).deleted ? String(d._id) : undefined);
  const tombstones = store.collection<Tombstone>(COLLECTIONS.tombstones);

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
   * version came earlier: the newest entry is always complete.
   */
  async function publishAggregate(collection: string): Promise<void> {
    const agg = opts.aggregates?.[collection];
    if (!agg) return;
    const c = await store
      .collection<Counter>(COLLECTIONS.counters)
      .findOneAndUpdate({ _id: `aggregate:${agg.source}` }, { $inc: { seq: 1 } }, { upsert: true });
    const docs = await store.collection<PublishedDoc>(collection).find({ publishRemove: { $exists: false } });
    await journal.append({ source: agg.source, version: c!.seq, rrsets: agg.derive(docs) });
  }

  /** Appends the document's contribution at its version and clears its marker. */
  async function publishDoc<T extends PublishedDoc>(collection: string, doc: T): Promise<T | null> {
    const coll = store.collection<T>(collection);
    const source = sourceOf(collection, doc._id);
    if (doc.publishRemove) {
      await raiseTombstone(source, doc.version);
      await journal.append({ source, version: doc.version, rrsets: [] });
      await publishAggregate(collection);
      await coll.findOneAndDelete({ _id: doc._id, version: doc.version });
      return null;
    }
    // A document created again after a removal must publish above the removed version.
    let d: T | null = doc;
    const tomb = await tombstones.get(source);
    while (d && tomb && d.version <= tomb.version) {
      const bump: Update = {
        $inc: { version: tomb.version + 1 - d.version },
        $set: { publishPendingAt: clock.now() },
      };
      d = (await coll.findOneAndUpdate({ _id: d._id, version: d.version }, bump)) ?? (await coll.get(d._id));
    }
    if (!d) return null;
    const zone = deletedZone(collection, d);
    await journal.append({
      source,
      version: d.version,
      rrsets: derive(collection, d),
      ...(zone ? { deletedZone: zone } : {}),
    });
    await publishAggregate(collection);
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
      log.error(
        { err, source: sourceOf(collection, doc._id) },
        'publisher: publish failed; sweep will retry',
      );
      return doc;
    }
  }

  async function insert<T extends PublishedDoc>(collection: string, doc: Omit<T, 'version'>): Promise<T> {
    const stored = { ...doc, version: 1, publishPendingAt: clock.now() } as T;
    checkUpdate(collection, {
      $set: Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'version')),
    });
    await store.collection<T>(collection).insert(stored);
    return (await publishAfterWrite(collection, stored)) ?? stored;
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
    };
    const doc = await store
      .collection<T>(collection)
      .findOneAndUpdate(filter, marked, { ...options, returnDocument: 'after' });
    if (!doc) return null;
    return (await publishAfterWrite(collection, doc)) ?? doc;
  }

  async function remove<T extends PublishedDoc>(collection: string, filter: Filter): Promise<T | null> {
    const doc = await store.collection<T>(collection).findOneAndUpdate(filter, {
      $inc: { version: 1 },
      $set: { publishPendingAt: clock.now(), publishRemove: true },
    });
    if (!doc) return null;
    await publishAfterWrite(collection, doc);
    return doc;
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
            { source: sourceOf(collection, doc._id), version: doc.version },
            'publisher: republished a pending change',
          );
        } catch (err) {
          log.error({ err, source: sourceOf(collection, doc._id) }, 'publisher: sweep could not publish');
        }
      }
    }
    return done;
  }

  const sweeper = createPeriodic(sweep, log, 'publisher: sweep');
  const startSweeper = (intervalMs = 1_000): void => sweeper.start(intervalMs);
  const stop = (): void => sweeper.stop();

  return { insert, update, remove, sweep, startSweeper, stop };
}
