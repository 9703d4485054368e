// The embedded store: one SQLite database (node:sqlite) in the data directory, one table per
// collection holding `id` (primary key) and the document as JSON. Writes run inside
// BEGIN IMMEDIATE transactions (read, apply the update in JS, write back), so a
// read-modify-write is atomic even between processes sharing the directory; WAL with
// synchronous=FULL makes every acknowledged commit durable (docs/registry.md, "Embedded store").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '../../../log.ts';
import type {
  Collection,
  Doc,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  Id,
  IndexSpec,
  InsertManyResult,
  Store,
  Update,
} from '../../store.ts';
import { DuplicateKeyError, StoreError, StoreUnavailableError, UnsupportedQueryError } from '../../store.ts';
import { applyUpdate, upsertSeed } from '../apply.ts';
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
} from '../query.ts';
import { prefilter } from './plan.ts';
import { arrayOnPath, Builder, compileSort, fieldExpr, type Param } from './sql.ts';

export interface EmbeddedStoreOptions {
  /** Directory of the database (CALLX_DATA_DIR); created when missing. */
  dataDir: string;
  logger: Logger;
  /** How long a write waits for another process's transaction (ms). */
  busyTimeoutMs?: number;
  /** File name inside dataDir. */
  fileName?: string;
}

const STATEMENT_CACHE = 256;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_BUSY = 5;

interface SqliteError extends Error {
  errcode?: number;
}

export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly collections = new Map<string, EmbeddedCollection<Doc>>();
  /** Index field paths per collection, known from ensureSchema, used to plan prefilters. */
  readonly indexes = new Map<string, string[][][]>();
  private readonly regexCache = new Map<string, RegExp>();
  private readonly logger: Logger;

  constructor(opts: EmbeddedStoreOptions) {
    this.logger = opts.logger;
    this.path = join(opts.dataDir, opts.fileName ?? 'callx.sqlite');
    try {
      mkdirSync(opts.dataDir, { recursive: true });
      this.db = new DatabaseSync(this.path, { timeout: opts.busyTimeoutMs ?? 10_000 });
      // WAL: readers never block the writer; FULL: the WAL is fsynced at every commit.
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec('PRAGMA synchronous = FULL');
    } catch (err) {
      throw new StoreUnavailableError(
        `registry: embedded store ${this.path}: cannot open: ${(err as Error).message}`,
      );
    }
    this.db.function('callx_regexp', { deterministic: true }, (pattern, value) => {
      if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
      let re = this.regexCache.get(pattern);
      if (!re) {
        re = new RegExp(pattern);
        if (this.regexCache.size > 256) this.regexCache.clear();
        this.regexCache.set(pattern, re);
      }
      return re.test(value) ? 1 : 0;
    });
  }

  /** A prepared statement, cached by its text (filters of the same shape share one). */
  stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (s) {
      this.statements.delete(sql);
      this.statements.set(sql, s);
      return s;
    }
    s = this.run(() => this.db.prepare(sql));
    this.statements.set(sql, s);
    if (this.statements.size > STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    return s;
  }

  /** Runs SQLite work, turning lock time-outs and I/O failures into StoreUnavailableError. */
  run<R>(fn: () => R): R {
    try {
      return fn();
    } catch (err) {
      const e = err as SqliteError;
      if (e instanceof StoreError) throw e;
      if (e.errcode === SQLITE_BUSY) {
        throw new StoreUnavailableError(
          `registry: embedded store ${this.path}: database is locked by another process`,
        );
      }
      if (typeof e.errcode === 'number')
        throw new StoreError(`registry: embedded store ${this.path}: ${e.message}`);
      throw err;
    }
  }

  /** One write transaction; BEGIN IMMEDIATE takes the write lock first, so no upgrade deadlock. */
  tx<R>(fn: () => R): R {
    return this.run(() => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = fn();
        this.db.exec('COMMIT');
        return r;
      } catch (err) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  collection<T extends Doc>(name: string): Collection<T> {
    let c = this.collections.get(name);
    if (!c) {
      validateCollectionName(name);
      this.createTable(name);
      c = new EmbeddedCollection<Doc>(this, name);
      this.collections.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  private createTable(name: string): void {
    this.run(() =>
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${tableName(name)} (id NOT NULL PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`,
      ),
    );
  }

  async ensureSchema(schema: Record<string, IndexSpec[]>): Promise<void> {
    for (const [name, specs] of Object.entries(schema)) {
      this.collection(name);
      const table = tableName(name);
      const known: string[][][] = [];
      for (const spec of specs) {
        const fields = Object.entries(spec.fields).map(
          ([p, dir]) => [parsePath(`${name}: index`, p), dir] as const,
        );
        if (fields.length === 0) throw new UnsupportedQueryError(`registry: ${name}: index without fields`);
        const ixName = `"ix_${name}__${fields.map(([segs, dir]) => `${segs.join('_')}${dir === -1 ? '_desc' : ''}`).join('__')}"`;
        const cols = fields.map(([segs, dir]) => `${fieldExpr(segs)}${dir === -1 ? ' DESC' : ''}`).join(', ');
        this.run(() => this.db.exec(`CREATE INDEX IF NOT EXISTS ${ixName} ON ${table} (${cols})`));
        for (const [segs] of fields) {
          // Rows where the path crosses an array: the prefilter's second branch reads them by this index.
          const arrName = `"ixa_${name}__${segs.join('_')}"`;
          this.run(() =>
            this.db.exec(`CREATE INDEX IF NOT EXISTS ${arrName} ON ${table} (id) WHERE ${arrayOnPath(segs)}`),
          );
        }
        known.push(fields.map(([segs]) => segs));
      }
      this.indexes.set(name, known);
    }
    // Statistics for the planner; analysis_limit bounds the cost on a large database.
    this.run(() => this.db.exec('PRAGMA analysis_limit = 1000; ANALYZE'));
  }

  async ping(): Promise<void> {
    this.run(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (!this.db.isOpen) return;
    this.statements.clear();
    this.db.close();
    this.logger.debug({ path: this.path }, 'registry: embedded store closed');
  }

  /** The plan SQLite chooses for a find (diagnostics, and tests that indexes are used). */
  explain(collection: string, filter: Filter): string[] {
    return (this.collection(collection) as unknown as EmbeddedCollection<Doc>).explain(filter);
  }

  /** For tests and `callx` diagnostics: SQLite's own consistency check ("ok" when sound). */
  integrityCheck(): string {
    const rows = this.db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  }
}

function tableName(collection: string): string {
  return `"c_${collection}"`;
}

type Row = { id: Id; doc: string };

class EmbeddedCollection<T extends Doc> implements Collection<T> {
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

  private select(filter: Filter, opts: FindOptions = {}): Row[] {
    validatePaging(this.name, opts.limit, opts.skip);
    const sort = compileSort(validateSort(this.name, opts.sort));
    const w = this.where(filter);
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

  private insertRow(doc: T): void {
    validateDocument(this.name, doc);
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
          this.insertRow(d);
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
    const sort = options.sort;
    return this.store.tx(() => {
      const row = this.select(filter, { limit: 1, ...(sort ? { sort } : {}) })[0];
      if (row) {
        const before = JSON.parse(row.doc) as T;
        const after = applyUpdate(this.name, before, update, false);
        this.writeRow(after);
        return options.returnDocument === 'before' ? before : after;
      }
      if (newId === undefined) return null;
      const doc = applyUpdate(this.name, upsertSeed<T>(this.name, filter, newId), update, true);
      this.insertRow(doc);
      return options.returnDocument === 'before' ? null : doc;
    });
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

export function createEmbeddedStore(opts: EmbeddedStoreOptions): EmbeddedStore {
  return new EmbeddedStore(opts);
}
