// The MongoDB store, through the official driver. Works on MongoDB and on FerretDB v1: only
// single-document operations, plain (non-unique, non-partial) indexes, no transactions, no
// change streams. Filters and updates are checked against the supported subset before they
// are sent, so both stores reject the same things (docs/registry.md).
import {
  type Db,
  type Document,
  MongoBulkWriteError,
  MongoClient,
  type Collection as MongoCollection,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  type Sort as MongoSort,
  MongoTopologyClosedError,
} from 'mongodb';
import type { Logger } from '../../log.ts';
import type {
  Collection,
  Doc,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  Id,
  IndexSpec,
  InsertManyResult,
  Sort,
  Store,
  Update,
} from '../store.ts';
import {
  DuplicateKeyError,
  InvalidUpdateError,
  StoreError,
  StoreUnavailableError,
  UnsupportedQueryError,
} from '../store.ts';
import { applyUpdate, upsertSeed } from './apply.ts';
import { DocLocks, type LockDoc } from './mongo-locks.ts';
import {
  parseFilter,
  parsePath,
  upsertId,
  validateCollectionName,
  validateDocument,
  validateId,
  validatePaging,
  validateSort,
  validateUpdate,
} from './query.ts';

export interface MongoStoreOptions {
  uri: string;
  dbName: string;
  logger: Logger;
  /** How long to look for a reachable server before giving up (ms). */
  serverSelectionTimeoutMs?: number;
  /**
   * 'native': the server's findAndModify is atomic (MongoDB). 'locks': it is not (FerretDB v1),
   * so every write to an existing document runs under a per-document lock (mongo-locks.ts) and
   * applies the update in JS. 'auto' (default): 'locks' when the server says it is FerretDB.
   */
  atomicity?: 'auto' | 'native' | 'locks';
  /** Lease of a per-document lock in 'locks' mode (ms). */
  lockLeaseMs?: number;
}

/** Where per-document locks live in 'locks' mode. */
export const LOCKS_COLLECTION = 'storeLocks';

const DUPLICATE_KEY = 11000;
/** Server codes for an update that cannot apply to the document (BadValue, TypeMismatch, PathNotViable, ...). */
const INVALID_UPDATE = new Set([2, 9, 14, 28, 40, 52, 56]);
const IMMUTABLE_FIELD = 66;

/** The URI without its password, for messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@/]*)@/, '//$1:***@');
}

function isUnavailable(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    (err instanceof MongoServerError && (err.hasErrorLabel('RetryableWriteError') || err.code === 91))
  );
}

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly client: MongoClient;
  readonly db: Db;
  readonly where: string;
  /** Set in 'locks' mode (FerretDB). */
  locks: DocLocks | null = null;
  private readonly opts: MongoStoreOptions;

  constructor(opts: MongoStoreOptions) {
    this.opts = opts;
    this.where = `mongodb ${redactUri(opts.uri)}/${opts.dbName}`;
    this.client = new MongoClient(opts.uri, {
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5_000,
      ignoreUndefined: true,
    });
    this.db = this.client.db(opts.dbName);
  }

  /** Maps a driver error to the store's error classes, with where it happened. */
  fail(collection: string, err: unknown, id?: Id): never {
    if (err instanceof StoreError) throw err;
    if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
      throw new DuplicateKeyError(collection, id ?? (err.keyValue?._id as Id | undefined));
    }
    if (isUnavailable(err)) {
      throw new StoreUnavailableError(
        `registry: ${this.where}: ${collection}: server unavailable: ${(err as Error).message}`,
      );
    }
    if (err instanceof MongoServerError && err.code === IMMUTABLE_FIELD) {
      throw new UnsupportedQueryError(`registry: ${collection}: ${err.message}`);
    }
    if (err instanceof MongoServerError && typeof err.code === 'number' && INVALID_UPDATE.has(err.code)) {
      throw new InvalidUpdateError(`registry: ${collection}: ${err.message}`);
    }
    throw new StoreError(`registry: ${this.where}: ${collection}: ${(err as Error).message}`);
  }

  async connect(): Promise<void> {
    try {
      await this.client.connect();
      await this.db.command({ ping: 1 });
      const mode = this.opts.atomicity ?? 'auto';
      const ferret =
        mode === 'auto' && 'ferretdbVersion' in (await this.db.admin().command({ buildInfo: 1 }));
      if (mode === 'locks' || ferret) {
        const locks = this.db.collection<LockDoc>(LOCKS_COLLECTION);
        await locks.createIndex({ key: 1, gen: -1 }, { name: 'ix_key__gen_desc' });
        this.locks = new DocLocks(locks, this.opts.lockLeaseMs ? { leaseMs: this.opts.lockLeaseMs } : {});
      }
    } catch (err) {
      await this.client.close().catch(() => {});
      throw new StoreUnavailableError(`registry: ${this.where}: cannot connect: ${(err as Error).message}`);
    }
  }

  collection<T extends Doc>(name: string): Collection<T> {
    validateCollectionName(name);
    return new MongoStoreCollection<T>(this, name, this.locks);
  }

  async ensureSchema(schema: Record<string, IndexSpec[]>): Promise<void> {
    const existing = new Set(
      await this.db
        .listCollections({}, { nameOnly: true })
        .toArray()
        .then((cs) => cs.map((c) => c.name))
        .catch((err) => this.fail('schema', err)),
    );
    for (const [name, specs] of Object.entries(schema)) {
      validateCollectionName(name);
      if (!existing.has(name)) {
        await this.db.createCollection(name).catch((err) => {
          // NamespaceExists: another process created it first.
          if (!(err instanceof MongoServerError && err.code === 48)) this.fail(name, err);
        });
      }
      if (specs.length === 0) continue;
      const indexes = specs.map((spec) => {
        const entries = Object.entries(spec.fields);
        for (const [p] of entries) parsePath(`${name}: index`, p);
        const ixName = `ix_${entries.map(([p, dir]) => `${p.replaceAll('.', '_')}${dir === -1 ? '_desc' : ''}`).join('__')}`;
        return { key: Object.fromEntries(entries), name: ixName };
      });
      // Only the missing ones: FerretDB v1.24 drops the connection when createIndexes meets
      // indexes that already exist (a second start on the same database).
      const have = new Set(
        await this.db
          .collection(name)
          .listIndexes()
          .toArray()
          .then((ixs) => ixs.map((ix) => String(ix.name)))
          .catch((err) => this.fail(name, err)),
      );
      const missing = indexes.filter((ix) => !have.has(ix.name));
      if (missing.length === 0) continue;
      await this.db
        .collection(name)
        .createIndexes(missing)
        .catch((err) => this.fail(name, err));
    }
  }

  async ping(): Promise<void> {
    try {
      await this.db.command({ ping: 1 });
    } catch (err) {
      throw new StoreUnavailableError(`registry: ${this.where}: ping failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Sort with `_id` as the last key, so ties come out in the same order as in the embedded store. */
function mongoSort(where: string, sort: Sort | undefined): MongoSort {
  validateSort(where, sort);
  const s: Record<string, 1 | -1> = { ...(sort ?? {}) };
  if (!('_id' in s)) s._id = 1;
  return s;
}

class MongoStoreCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  private readonly store: MongoStore;
  private readonly c: MongoCollection<Document>;
  private readonly locks: DocLocks | null;

  constructor(store: MongoStore, name: string, locks: DocLocks | null) {
    this.store = store;
    this.name = name;
    this.c = store.db.collection(name);
    this.locks = locks;
  }

  /** 'locks' mode: the first match's `_id` in sort order, or null. */
  private async candidate(f: Document, sort: MongoSort): Promise<Id | null> {
    const d = await this.c
      .find(f, { projection: { _id: 1 } })
      .sort(sort)
      .limit(1)
      .next();
    return d ? (d._id as unknown as Id) : null;
  }

  /**
   * 'locks' mode: runs `fn` on the first document matching `f`, under its lock, re-reading it
   * there (it may have changed meanwhile); when it no longer matches, tries the next candidate.
   */
  private async locked<R>(
    f: Document,
    sort: MongoSort,
    fn: (doc: T) => Promise<R>,
  ): Promise<{ r: R } | null> {
    const locks = this.locks!;
    for (;;) {
      const id = await this.candidate(f, sort);
      if (id === null) return null;
      const out = await locks.with(this.name, id, async () => {
        const doc = (await this.c.findOne({ $and: [f, { _id: id as never }] })) as T | null;
        return doc ? { r: await fn(doc) } : null;
      });
      if (out) return out;
    }
  }

  private check(filter: Filter): Document {
    parseFilter(this.name, filter);
    return filter as Document;
  }

  async get(id: Id): Promise<T | null> {
    validateId(this.name, id);
    try {
      return (await this.c.findOne({ _id: id as never })) as T | null;
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const rows = await this.find(filter, { ...options, limit: 1 });
    return rows[0] ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const f = this.check(filter);
    validatePaging(this.name, options.limit, options.skip);
    const sort = mongoSort(this.name, options.sort);
    try {
      let cursor = this.c.find(f).sort(sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      return (await cursor.toArray()) as unknown as T[];
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }

  async count(filter: Filter): Promise<number> {
    const f = this.check(filter);
    try {
      return await this.c.countDocuments(f);
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }

  async insert(doc: T): Promise<void> {
    validateDocument(this.name, doc);
    try {
      await this.c.insertOne(doc as unknown as Document);
    } catch (err) {
      this.store.fail(this.name, err, doc._id);
    }
  }

  async insertMany(docs: T[]): Promise<InsertManyResult> {
    for (const d of docs) validateDocument(this.name, d);
    if (docs.length === 0) return { inserted: 0, duplicates: [] };
    try {
      const r = await this.c.insertMany(docs as unknown as Document[], { ordered: false });
      return { inserted: r.insertedCount, duplicates: [] };
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) return this.store.fail(this.name, err);
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const other = errors.find((e) => e.code !== DUPLICATE_KEY);
      if (other)
        throw new StoreError(`registry: ${this.store.where}: ${this.name}: insert failed: ${other.errmsg}`);
      const duplicates = errors.map((e) => docs[e.index]!._id);
      return { inserted: docs.length - duplicates.length, duplicates };
    }
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: FindOneAndUpdateOptions = {},
  ): Promise<T | null> {
    const f = this.check(filter);
    validateUpdate(this.name, update);
    const id = options.upsert ? upsertId(this.name, filter, update) : undefined;
    const sort = mongoSort(this.name, options.sort);
    const returnBefore = options.returnDocument === 'before';
    // A lost upsert race surfaces as a duplicate key: try again, now against the winner's document.
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.locks) {
          return (await this.c.findOneAndUpdate(f, update as Document, {
            returnDocument: returnBefore ? 'before' : 'after',
            upsert: options.upsert ?? false,
            sort,
          })) as T | null;
        }
        const done = await this.locked(f, sort, async (before) => {
          const after = applyUpdate(this.name, before, update, false);
          await this.c.replaceOne({ _id: before._id as never }, after as Document);
          return returnBefore ? before : after;
        });
        if (done) return done.r;
        if (id === undefined) return null;
        const doc = applyUpdate(this.name, upsertSeed<T>(this.name, filter, id), update, true);
        validateDocument(this.name, doc);
        await this.c.insertOne(doc as Document);
        return returnBefore ? null : doc;
      } catch (err) {
        const dup = err instanceof MongoServerError && err.code === DUPLICATE_KEY;
        if (dup && options.upsert && attempt < 2) continue;
        return this.store.fail(this.name, err, id);
      }
    }
  }

  async findOneAndReplace(filter: Filter, doc: T): Promise<T | null> {
    const f = this.check(filter);
    validateDocument(this.name, { ...doc, _id: doc._id ?? 'x' });
    try {
      if (!this.locks) {
        return (await this.c.findOneAndReplace(f, doc as unknown as Document, {
          returnDocument: 'after',
        })) as T | null;
      }
      const done = await this.locked(f, { _id: 1 }, async (existing) => {
        if (doc._id !== undefined && doc._id !== existing._id) {
          throw new UnsupportedQueryError(
            `registry: ${this.name}: replacement changes _id ${JSON.stringify(existing._id)}`,
          );
        }
        const next = { ...doc, _id: existing._id } as T;
        await this.c.replaceOne({ _id: existing._id as never }, next as Document);
        return next;
      });
      return done ? done.r : null;
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }

  async findOneAndDelete(filter: Filter): Promise<T | null> {
    const f = this.check(filter);
    try {
      if (!this.locks) return (await this.c.findOneAndDelete(f, { sort: { _id: 1 } })) as T | null;
      const done = await this.locked(f, { _id: 1 }, async (doc) => {
        await this.c.deleteOne({ _id: doc._id as never });
        return doc;
      });
      return done ? done.r : null;
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    const f = this.check(filter);
    try {
      if (!this.locks) return (await this.c.deleteMany(f)).deletedCount;
      const ids = (await this.c.find(f, { projection: { _id: 1 } }).toArray()).map(
        (d) => d._id as unknown as Id,
      );
      let n = 0;
      for (const id of ids) {
        n += await this.locks.with(
          this.name,
          id,
          async () => (await this.c.deleteOne({ $and: [f, { _id: id as never }] })).deletedCount,
        );
      }
      return n;
    } catch (err) {
      return this.store.fail(this.name, err);
    }
  }
}

/** Connects (and pings) before returning, so a wrong URI fails at start with one clear line. */
export async function createMongoStore(opts: MongoStoreOptions): Promise<MongoStore> {
  const store = new MongoStore(opts);
  await store.connect();
  opts.logger.info({ store: store.where }, 'registry: connected to MongoDB');
  return store;
}
