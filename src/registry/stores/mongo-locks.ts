// Per-document write locks for servers whose findAndModify is not atomic. FerretDB v1 reads
// the matching document and writes it back by `_id` in a separate step (FerretDB issue #3040),
// so two concurrent conditional updates can both succeed. The one atomic primitive it has is
// the unique `_id` on insert, so a lock is a document whose `_id` names the locked document
// and a generation: `<collection>/<json id>#<gen>`. Taking the lock inserts the next
// generation; only one inserter wins. A holder that died is replaced after its lease: the
// next taker inserts generation + 1 (again only one wins) and clears the older generations.
import { randomBytes } from 'node:crypto';
import type { Collection as MongoCollection } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Id } from '#core';
import { StoreUnavailableError } from '#core';

export interface LockDoc {
  _id: string;
  key: string;
  gen: number;
  at: number;
  owner: string;
}

export interface DocLocksOptions {
  /** A holder older than this is presumed dead (ms). Far above any single write. */
  leaseMs?: number;
  /** Give up waiting for a lock after this long (ms). */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DocLocks {
  private readonly locks: MongoCollection<LockDoc>;
  private readonly owner = randomBytes(8).toString('hex');
  private readonly leaseMs: number;
  private readonly waitMs: number;

  constructor(locks: MongoCollection<LockDoc>, opts: DocLocksOptions = {}) {
    this.locks = locks;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.waitMs = opts.waitMs ?? this.leaseMs + 5_000;
  }

  /** Runs `fn` while holding the lock of one document. */
  async with<R>(collection: string, id: Id, fn: () => Promise<R>): Promise<R> {
    const key = `${collection}/${JSON.stringify(id)}`;
    const lockId = await this.acquire(key);
    try {
      return await fn();
    } finally {
      await this.locks.deleteOne({ _id: lockId, owner: this.owner }).catch(() => {});
    }
  }

  private async acquire(key: string): Promise<string> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      const top = await this.locks.find({ key }).sort({ gen: -1 }).limit(1).next();
      const stale = top !== null && Date.now() - top.at > this.leaseMs;
      if (top === null || stale) {
        const gen = top === null ? 1 : top.gen + 1;
        const doc: LockDoc = { _id: `${key}#${gen}`, key, gen, at: Date.now(), owner: this.owner };
        try {
          await this.locks.insertOne(doc);
          if (stale) await this.locks.deleteMany({ key, gen: { $lt: gen } });
          return doc._id;
        } catch (err) {
          if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
        }
      }
      if (Date.now() > deadline) {
        throw new StoreUnavailableError(`registry: lock on ${key} not free after ${this.waitMs} ms`);
      }
      // Writes hold a lock for a few milliseconds: poll quickly, back off a little, add jitter.
      await sleep(Math.min(2 ** Math.min(attempt, 5), 25) * (0.5 + Math.random()));
    }
  }
}
