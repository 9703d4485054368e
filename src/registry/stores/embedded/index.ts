// The embedded store: one SQLite database (node:sqlite) in the data directory, one table per
// collection holding `id` (primary key) and the document as JSON. Writes run inside
// BEGIN IMMEDIATE transactions (read, apply the update in JS, write back), so a
// read-modify-write is atomic even between processes sharing the directory; WAL with
// synchronous=FULL makes every acknowledged commit durable (docs/registry.md, "The embedded store").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Collection, Doc, Filter, IndexSpec, Logger, Store } from '#core';
import { StoreError, StoreUnavailableError, UnsupportedQueryError } from '#core';
import { parsePath, validateCollectionName } from '../query.ts';
import { EmbeddedCollection, tableName } from './collection.ts';
import { arrayOnPath, fieldExpr } from './sql.ts';

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
export const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_BUSY = 5;

export interface SqliteError extends Error {
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

export function createEmbeddedStore(opts: EmbeddedStoreOptions): EmbeddedStore {
  return new EmbeddedStore(opts);
}
