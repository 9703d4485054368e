// One MongoDB collection behind the Collection interface: native single-document operations on
// MongoDB, per-document locks on FerretDB v1 (mongo-locks.ts; docs/registry.md).
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
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  Id,
  InsertManyResult,
  Sort,
  Update,
} from '#core';
import { StoreError, UnsupportedQueryError } from '#core';
import { applyUpdate, upsertSeed } from './apply.ts';
import { DUPLICATE_KEY, type MongoStore } from './mongo.ts';
import type { DocLocks } from './mongo-locks.ts';
import {
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
