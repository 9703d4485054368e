// One MongoDB collection behind the Collection interface: native single-document operations on
// MongoDB, per-document locks on FerretDB v1 (mongo-locks.ts; docs/registry.md).
//
// On FerretDB (locks mode) a filter that pins `_id` is never sent as it is: FerretDB v1.24
// pushes only a filter of exactly `{_id: <string>}` down to its storage and decodes every
// document of the collection in Go for anything else (a precondition `{_id, status}` on 5,000
// numbers took ~0.7 s). The store reads such a document by `_id` alone and checks the rest of
// the filter itself (match.ts, the embedded store's semantics).
import {
  type Document,
  MongoBulkWriteError,
  type Collection as MongoCollection,
  MongoServerError,
  type Sort as MongoSort,
} from 'mongodb';
import type {
  Collection,
  Doc,
  EachResult,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  Id,
  InsertManyResult,
  Sort,
  Update,
  UpdateEachOp,
} from '#core';
import { StoreError, UnsupportedQueryError } from '#core';
import { applyUpdate, upsertSeed } from './apply.ts';
import { EACH_CONCURRENCY, EACH_CONCURRENCY_LOCKS, updateEach } from './each.ts';
import { matches } from './match.ts';
import { DUPLICATE_KEY, type MongoStore } from './mongo.ts';
import type { DocLocks, LeaseCheck } from './mongo-locks.ts';
import {
  type FilterNode,
  filterEqualities,
  parseFilter,
  upsertId,
  validateDocument,
  validateId,
  validatePaging,
  validateSort,
  validateUpdate,
} from './query.ts';

/** Sort with `_id` as the last key, so ties come out in the same order as in the embedded store. */
function mongoSort(where: string, sort: Sort | undefined): MongoSort {
  validateSort(where, sort);
  const s: Record<string, 1 | -1> = { ...(sort ?? {}) };
  if (!('_id' in s)) s._id = 1;
  return s;
}

/** The `_id` a filter pins by an equality (top level or inside $and), if any. */
function pinnedId(filter: Filter): Id | undefined {
  const eq = filterEqualities(filter).find(([path]) => path === '_id');
  return eq && (typeof eq[1] === 'string' || typeof eq[1] === 'number') ? eq[1] : undefined;
}

interface Checked {
  /** The filter as sent to the server. */
  f: Document;
  node: FilterNode;
  /** Set when the filter pins one `_id`. */
  id: Id | undefined;
}

export class MongoStoreCollection<T extends Doc> implements Collection<T> {
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

  private check(filter: Filter): Checked {
    const node = parseFilter(this.name, filter);
    return { f: filter as Document, node, id: pinnedId(filter) };
  }

  /** One operation, bounded and watched by the store's health (mongo-health.ts); driver errors mapped. */
  private op<R>(what: string, fn: (signal: AbortSignal) => Promise<R>, id?: Id): Promise<R> {
    return this.store.run(`${this.name}: ${what}`, async (signal) => {
      try {
        return await fn(signal);
      } catch (err) {
        return this.store.fail(this.name, err, id);
      }
    });
  }

  private async byId(id: Id): Promise<T | null> {
    return (await this.c.findOne({ _id: id as never })) as T | null;
  }

  /** Locks mode, reads: the one document a pinned filter can match, read by `_id` and checked here. */
  private async pinnedMatch(q: Checked): Promise<T | null> {
    const doc = await this.byId(q.id!);
    return doc && matches(q.node, doc) ? doc : null;
  }

  /** Locks mode: the first match's `_id` in sort order, skipping `tried`, or null. */
  private async candidate(f: Document, sort: MongoSort, tried: Id[]): Promise<Id | null> {
    const d = await this.c
      .find(tried.length ? { $and: [f, { _id: { $nin: tried } }] } : f, { projection: { _id: 1 } })
      .sort(sort)
      .limit(1)
      .next();
    return d ? (d._id as unknown as Id) : null;
  }

  /**
   * Locks mode: runs `write` on the first document matching the filter (in `sort` order) under
   * its lock, after reading it again there by `_id` and checking the filter. A pinned `_id` is
   * locked at once; otherwise the server finds a candidate, and when the candidate no longer
   * matches under its lock (changed meanwhile), the next one is tried.
   */
  private async locked<R>(
    q: Checked,
    sort: MongoSort,
    signal: AbortSignal,
    write: (doc: T, check: LeaseCheck) => Promise<R>,
  ): Promise<{ r: R } | null> {
    const locks = this.locks!;
    const under = (id: Id) =>
      locks.with(
        this.name,
        id,
        async (check) => {
          const doc = await this.byId(id);
          return doc && matches(q.node, doc) ? { r: await write(doc, check) } : null;
        },
        signal,
      );
    if (q.id !== undefined) return under(q.id);
    const tried: Id[] = [];
    for (;;) {
      const id = await this.candidate(q.f, sort, tried);
      if (id === null) return null;
      const out = await under(id);
      if (out) return out;
      tried.push(id);
    }
  }

  async get(id: Id): Promise<T | null> {
    validateId(this.name, id);
    return this.op('get', () => this.byId(id));
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const rows = await this.find(filter, { ...options, limit: 1 });
    return rows[0] ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const q = this.check(filter);
    validatePaging(this.name, options.limit, options.skip);
    const sort = mongoSort(this.name, options.sort);
    return this.op('find', async () => {
      if (this.locks && q.id !== undefined) {
        const doc = await this.pinnedMatch(q);
        return doc && !options.skip ? [doc] : [];
      }
      let cursor = this.c.find(q.f).sort(sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      return (await cursor.toArray()) as unknown as T[];
    });
  }

  async count(filter: Filter): Promise<number> {
    const q = this.check(filter);
    return this.op('count', async () => {
      if (this.locks && q.id !== undefined) return (await this.pinnedMatch(q)) ? 1 : 0;
      return this.c.countDocuments(q.f);
    });
  }

  async insert(doc: T): Promise<void> {
    validateDocument(this.name, doc);
    return this.op(
      'insert',
      async () => {
        await this.c.insertOne(doc as unknown as Document);
      },
      doc._id,
    );
  }

  async insertMany(docs: T[]): Promise<InsertManyResult> {
    for (const d of docs) validateDocument(this.name, d);
    if (docs.length === 0) return { inserted: 0, duplicates: [] };
    return this.op('insertMany', async () => {
      try {
        const r = await this.c.insertMany(docs as unknown as Document[], { ordered: false });
        return { inserted: r.insertedCount, duplicates: [] };
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError)) throw err;
        const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
        const other = errors.find((e) => e.code !== DUPLICATE_KEY);
        if (other)
          throw new StoreError(`registry: ${this.store.where}: ${this.name}: insert failed: ${other.errmsg}`);
        const duplicates = errors.map((e) => docs[e.index]!._id);
        return { inserted: docs.length - duplicates.length, duplicates };
      }
    });
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: FindOneAndUpdateOptions = {},
  ): Promise<T | null> {
    const q = this.check(filter);
    validateUpdate(this.name, update);
    const id = options.upsert ? upsertId(this.name, filter, update) : undefined;
    const sort = mongoSort(this.name, options.sort);
    const returnBefore = options.returnDocument === 'before';
    return this.op(
      'findOneAndUpdate',
      async (signal) => {
        // A lost upsert race surfaces as a duplicate key: try again, now against the winner's document.
        for (let attempt = 0; ; attempt++) {
          try {
            if (!this.locks) {
              return (await this.c.findOneAndUpdate(q.f, update as Document, {
                returnDocument: returnBefore ? 'before' : 'after',
                upsert: options.upsert ?? false,
                sort,
              })) as T | null;
            }
            const done = await this.locked(q, sort, signal, async (before, check) => {
              const after = applyUpdate(this.name, before, update, false);
              check();
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
            throw err;
          }
        }
      },
      id,
    );
  }

  /** Concurrently, the writes to one `_id` in order (each.ts); each under its document's lock on FerretDB (fewer at once). */
  async findOneAndUpdateEach(ops: readonly UpdateEachOp[]): Promise<EachResult<T>[]> {
    for (const op of ops) this.check(op.filter);
    return updateEach(
      this.name,
      ops,
      (op) => this.findOneAndUpdate(op.filter, op.update, op.options ?? {}),
      this.locks ? EACH_CONCURRENCY_LOCKS : EACH_CONCURRENCY,
    );
  }

  async findOneAndReplace(filter: Filter, doc: T): Promise<T | null> {
    const q = this.check(filter);
    validateDocument(this.name, { ...doc, _id: doc._id ?? 'x' });
    return this.op('findOneAndReplace', async (signal) => {
      if (!this.locks) {
        return (await this.c.findOneAndReplace(q.f, doc as unknown as Document, {
          returnDocument: 'after',
        })) as T | null;
      }
      const done = await this.locked(q, { _id: 1 }, signal, async (existing, check) => {
        if (doc._id !== undefined && doc._id !== existing._id) {
          throw new UnsupportedQueryError(
            `registry: ${this.name}: replacement changes _id ${JSON.stringify(existing._id)}`,
          );
        }
        const next = { ...doc, _id: existing._id } as T;
        check();
        await this.c.replaceOne({ _id: existing._id as never }, next as Document);
        return next;
      });
      return done ? done.r : null;
    });
  }

  async findOneAndDelete(filter: Filter): Promise<T | null> {
    const q = this.check(filter);
    return this.op('findOneAndDelete', async (signal) => {
      if (!this.locks) return (await this.c.findOneAndDelete(q.f, { sort: { _id: 1 } })) as T | null;
      const done = await this.locked(q, { _id: 1 }, signal, async (doc, check) => {
        check();
        await this.c.deleteOne({ _id: doc._id as never });
        return doc;
      });
      return done ? done.r : null;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    const q = this.check(filter);
    return this.op('deleteMany', async (signal) => {
      const locks = this.locks;
      if (!locks) return (await this.c.deleteMany(q.f)).deletedCount;
      const ids =
        q.id !== undefined
          ? [q.id]
          : (await this.c.find(q.f, { projection: { _id: 1 } }).toArray()).map((d) => d._id as unknown as Id);
      let n = 0;
      for (const id of ids) {
        const one: Checked = { ...q, id };
        const done = await this.locked(one, { _id: 1 }, signal, async (doc, check) => {
          check();
          return (await this.c.deleteOne({ _id: doc._id as never })).deletedCount;
        });
        n += done?.r ?? 0;
      }
      return n;
    });
  }
}
