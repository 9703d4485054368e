// One collection of the embedded store: a table of (id, JSON document). Filters become SQL over
// JSON expressions (sql.ts) behind an index prefilter (plan.ts); writes are read-apply-write in
// one BEGIN IMMEDIATE transaction (docs/registry.md, "The embedded store").
import type {
  Collection,
  Doc,
  EachResult,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  Id,
  InsertManyResult,
  Update,
  UpdateEachOp,
} from '#core';
import { DuplicateKeyError, InvalidUpdateError, UnsupportedQueryError } from '#core';
import { applyUpdate, upsertSeed } from '../apply.ts';
import { matches } from '../match.ts';
import {
  filterEqualities,
  parseFilter,
  pinnedIdOf,
  upsertId,
  validateDocument,
  validateId,
  validatePaging,
  validateSort,
  validateUpdate,
} from '../query.ts';
import { type EmbeddedStore, SQLITE_CONSTRAINT_PRIMARYKEY, type SqliteError } from './index.ts';
import { orderedPrefilter, prefilter } from './plan.ts';
import { Builder, compileSort, type Param } from './sql.ts';

export function tableName(collection: string): string {
  return `"c_${collection}"`;
}

type Row = { id: Id; doc: string };

export class EmbeddedCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  private readonly table: string;
  private readonly store: EmbeddedStore;

  constructor(store: EmbeddedStore, name: string) {
    this.store = store;
    this.name = name;
    this.table = tableName(name);
  }

  /** WHERE clause (with index prefilter) and its parameters. */
  private where(filter: Filter): { text: string; params: Param[] } {
    const node = parseFilter(this.name, filter);
    const b = new Builder();
    const exact = b.compile(node);
    const pre = prefilter(b, this.table, node, this.store.indexes.get(this.name) ?? []);
    return { text: pre ? `${pre} AND ${exact}` : exact, params: b.params };
  }

  /** The WHERE clause of a sorted, limited read that an index can answer in order (plan.ts). */
  private orderedWhere(
    filter: Filter,
    sort: [string[], 1 | -1],
    n: number,
  ): { text: string; params: Param[] } {
    const node = parseFilter(this.name, filter);
    const b = new Builder();
    const exact = b.compile(node);
    const pre = orderedPrefilter(
      b,
      this.table,
      node,
      this.store.indexes.get(this.name) ?? [],
      sort,
      exact,
      n,
    );
    return pre ? { text: `${pre} AND ${exact}`, params: b.params } : this.where(filter);
  }

  private select(filter: Filter, opts: FindOptions = {}): Row[] {
    validatePaging(this.name, opts.limit, opts.skip);
    const sortSpec = validateSort(this.name, opts.sort);
    const sort = compileSort(sortSpec);
    const w =
      sortSpec.length === 1 && opts.limit
        ? this.orderedWhere(filter, sortSpec[0]!, opts.limit + (opts.skip ?? 0))
        : this.where(filter);
    const limit = opts.limit ? opts.limit : -1;
    const sql = `SELECT id, doc FROM ${this.table} WHERE ${w.text} ORDER BY ${sort} LIMIT ${limit} OFFSET ${opts.skip ?? 0}`;
    return this.store.run(() => this.store.stmt(sql).all(...w.params) as Row[]);
  }

  explain(filter: Filter): string[] {
    const w = this.where(filter);
    const sql = `EXPLAIN QUERY PLAN SELECT id, doc FROM ${this.table} WHERE ${w.text}`;
    return (this.store.stmt(sql).all(...w.params) as Array<{ detail: string }>).map((r) => r.detail);
  }

  async get(id: Id): Promise<T | null> {
    validateId(this.name, id);
    const row = this.store.run(() => this.store.stmt(`SELECT doc FROM ${this.table} WHERE id = ?`).get(id)) as
      | Row
      | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const rows = this.select(filter, { ...options, limit: 1 });
    return rows[0] ? (JSON.parse(rows[0].doc) as T) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.select(filter, options).map((r) => JSON.parse(r.doc) as T);
  }

  async count(filter: Filter): Promise<number> {
    const w = this.where(filter);
    const row = this.store.run(() =>
      this.store.stmt(`SELECT count(*) AS n FROM ${this.table} WHERE ${w.text}`).get(...w.params),
    ) as {
      n: number;
    };
    return row.n;
  }

  private insertRow(doc: T, checked = false): void {
    if (!checked) validateDocument(this.name, doc);
    try {
      this.store.stmt(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?)`).run(doc._id, JSON.stringify(doc));
    } catch (err) {
      if ((err as SqliteError).errcode === SQLITE_CONSTRAINT_PRIMARYKEY)
        throw new DuplicateKeyError(this.name, doc._id);
      throw err;
    }
  }

  private writeRow(doc: T): void {
    this.store.stmt(`UPDATE ${this.table} SET doc = ? WHERE id = ?`).run(JSON.stringify(doc), doc._id);
  }

  async insert(doc: T): Promise<void> {
    this.store.tx(() => this.insertRow(doc));
  }

  async insertMany(docs: T[]): Promise<InsertManyResult> {
    for (const d of docs) validateDocument(this.name, d);
    return this.store.tx(() => {
      const duplicates: Id[] = [];
      for (const d of docs) {
        try {
          this.insertRow(d, true);
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
          duplicates.push(d._id);
        }
      }
      return { inserted: docs.length - duplicates.length, duplicates };
    });
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: FindOneAndUpdateOptions = {},
  ): Promise<T | null> {
    validateUpdate(this.name, update);
    const newId = options.upsert ? upsertId(this.name, filter, update) : undefined;
    return this.store.tx(() => this.updateRow(filter, update, options, newId));
  }

  /**
   * The document a filter that pins one `_id` matches, read by `_id` and checked in JS (match.ts,
   * proven equal to the SQL in match-vs-embedded.test.ts): null when it does not match, undefined
   * when the filter pins no `_id`. One prepared statement for every filter shape (a write's
   * precondition often names a field of its own, such as a lease id).
   */
  private pinned(filter: Filter): T | null | undefined {
    const eq = filterEqualities(filter).find(([k]) => k === '_id');
    if (!eq || !(typeof eq[1] === 'string' || typeof eq[1] === 'number')) return undefined;
    const node = parseFilter(this.name, filter);
    const id = eq[1];
    const row = this.store.run(() => this.store.stmt(`SELECT doc FROM ${this.table} WHERE id = ?`).get(id)) as
      | Row
      | undefined;
    const doc = row ? (JSON.parse(row.doc) as T) : null;
    return doc && matches(node, doc) ? doc : null;
  }

  private first(filter: Filter, sort: FindOneAndUpdateOptions['sort']): T | null {
    const row = this.select(filter, { limit: 1, ...(sort ? { sort } : {}) })[0];
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  /** Read, apply, write back (or insert for an upsert): the body of a findOneAndUpdate, inside a transaction. */
  private updateRow(filter: Filter, update: Update, options: FindOneAndUpdateOptions, newId: Id | undefined) {
    const pinned = this.pinned(filter);
    const before = pinned === undefined ? this.first(filter, options.sort) : pinned;
    if (before) {
      // `before` was just parsed: changed in place unless it is returned
      const after = applyUpdate(this.name, before, update, false, options.returnDocument === 'before');
      this.writeRow(after);
      return options.returnDocument === 'before' ? before : after;
    }
    if (newId === undefined) return null;
    const doc = applyUpdate(this.name, upsertSeed<T>(this.name, filter, newId), update, true, false);
    this.insertRow(doc);
    return options.returnDocument === 'before' ? null : doc;
  }

  /**
   * Every write in one transaction, so one commit (one sync of the WAL) for the batch. Each
   * write is still a single-document read-apply-write; one the document refuses (a failed write
   * changes nothing: the update is applied in JS before the row is written, and SQLite undoes a
   * refused insert by itself) leaves the others.
   */
  async findOneAndUpdateEach(ops: readonly UpdateEachOp[]): Promise<EachResult<T>[]> {
    const planned = ops.map((op) => {
      parseFilter(this.name, op.filter);
      pinnedIdOf(this.name, op.filter);
      validateUpdate(this.name, op.update);
      return op.options?.upsert ? upsertId(this.name, op.filter, op.update) : undefined;
    });
    if (ops.length === 0) return [];
    return this.store.tx(() =>
      ops.map((op, i): EachResult<T> => {
        try {
          return { ok: true, doc: this.updateRow(op.filter, op.update, op.options ?? {}, planned[i]) };
        } catch (err) {
          // the document's own refusals; anything else (I/O) fails the batch and rolls it back
          if (!(err instanceof DuplicateKeyError || err instanceof InvalidUpdateError)) throw err;
          return { ok: false, error: err };
        }
      }),
    );
  }

  async findOneAndReplace(filter: Filter, doc: T): Promise<T | null> {
    validateDocument(this.name, { ...doc, _id: doc._id ?? 'x' });
    return this.store.tx(() => {
      const row = this.select(filter, { limit: 1 })[0];
      if (!row) return null;
      const existing = JSON.parse(row.doc) as T;
      if (doc._id !== undefined && doc._id !== existing._id) {
        throw new UnsupportedQueryError(
          `registry: ${this.name}: replacement changes _id ${JSON.stringify(existing._id)}`,
        );
      }
      // Keep _id first, as MongoDB does.
      const { _id: _ignored, ...rest } = doc;
      const ordered = { _id: existing._id, ...rest } as T;
      this.writeRow(ordered);
      return ordered;
    });
  }

  async findOneAndDelete(filter: Filter): Promise<T | null> {
    return this.store.tx(() => {
      const row = this.select(filter, { limit: 1 })[0];
      if (!row) return null;
      this.store.stmt(`DELETE FROM ${this.table} WHERE id = ?`).run(row.id);
      return JSON.parse(row.doc) as T;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    const w = this.where(filter);
    return this.store.tx(() => {
      const r = this.store.stmt(`DELETE FROM ${this.table} WHERE ${w.text}`).run(...w.params);
      return Number(r.changes);
    });
  }
}
