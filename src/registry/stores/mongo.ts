// The MongoDB store, through the official driver. Works on MongoDB and on FerretDB v1: only
// single-document operations, plain (non-unique, non-partial) indexes, no transactions, no
// change streams. Filters and updates are checked against the supported subset before they
// are sent, so both stores reject the same things (docs/registry.md).
import {
  type Db,
  MongoClient,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import type { Collection, Doc, Id, IndexSpec, Logger, Store } from '#core';
import {
  DuplicateKeyError,
  InvalidUpdateError,
  StoreError,
  StoreUnavailableError,
  UnsupportedQueryError,
} from '#core';
import { MongoStoreCollection } from './mongo-collection.ts';
import { type HealthOptions, StoreHealth } from './mongo-health.ts';
import { DocLocks, type LockDoc } from './mongo-locks.ts';
import { parsePath, validateCollectionName } from './query.ts';

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
  /** When the store checks that the server answers, and how it bounds operations (mongo-health.ts). */
  health?: Pick<HealthOptions, 'stallMs' | 'pingTimeoutMs' | 'probeEveryMs' | 'opTimeoutMs'>;
}

/** Where per-document locks live in 'locks' mode. */
export const LOCKS_COLLECTION = 'storeLocks';

export const DUPLICATE_KEY = 11000;
/** Server codes for an update that cannot apply to the document (BadValue, TypeMismatch, PathNotViable, ...). */
const INVALID_UPDATE = new Set([2, 9, 14, 28, 40, 52, 56]);
const IMMUTABLE_FIELD = 66;

/** The URI without its password, for messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@/]*)@/, '//$1:***@');
}

/** Errors of the connection itself, which the driver sometimes passes on as they are. */
const SOCKET_ERRORS = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isUnavailable(err: unknown): boolean {
  return (
    SOCKET_ERRORS.has((err as { code?: unknown })?.code as string) ||
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoClientClosedError ||
    err instanceof MongoServerClosedError ||
    err instanceof MongoOperationTimeoutError ||
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
  private readonly health: StoreHealth;

  constructor(opts: MongoStoreOptions) {
    this.opts = opts;
    this.where = `mongodb ${redactUri(opts.uri).replace(/\/+$/, '')}/${opts.dbName}`;
    this.client = new MongoClient(opts.uri, {
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5_000,
      ignoreUndefined: true,
    });
    this.db = this.client.db(opts.dbName);
    this.health = new StoreHealth({
      ...opts.health,
      where: this.where,
      logger: opts.logger,
      ping: async () => {
        await this.db.command({ ping: 1 });
      },
      onRecover: async () => {
        await this.locks?.releasePending();
      },
    });
  }

  /** False while the server is known not to answer: operations fail at once with StoreUnavailableError. */
  available(): boolean {
    return this.health.available();
  }

  /** Runs one operation under the store's health rules (bounded, failing fast while unavailable). */
  run<R>(what: string, fn: (signal: AbortSignal) => Promise<R>): Promise<R> {
    return this.health.run(what, fn);
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
        // No index on storeLocks: FerretDB v1 answers every filter but `{_id}` by reading the whole
        // collection anyway, and this one holds only the locks held right now.
        const locks = this.db.collection<LockDoc>(LOCKS_COLLECTION);
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

  ensureSchema(schema: Record<string, IndexSpec[]>): Promise<void> {
    return this.run('schema', () => this.createSchema(schema));
  }

  private async createSchema(schema: Record<string, IndexSpec[]>): Promise<void> {
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
    await this.run('ping', async () => {
      try {
        await this.db.command({ ping: 1 });
      } catch (err) {
        throw new StoreUnavailableError(`registry: ${this.where}: ping failed: ${(err as Error).message}`);
      }
    });
  }

  /** Lets running locked writes finish and release their locks (up to 2 s), then disconnects. */
  async close(): Promise<void> {
    this.health.close();
    await this.locks?.drain(2_000);
    await this.client.close();
  }
}

/** Connects (and pings) before returning, so a wrong URI fails at start with one clear line. */
export async function createMongoStore(opts: MongoStoreOptions): Promise<MongoStore> {
  const store = new MongoStore(opts);
  await store.connect();
  opts.logger.info({ store: store.where }, 'registry: connected to MongoDB');
  return store;
}
