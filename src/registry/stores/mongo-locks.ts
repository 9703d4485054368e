// Per-document write locks for servers whose findAndModify is not atomic. FerretDB v1 reads
// the matching document and writes it back by `_id` in a separate step (FerretDB issue #3040),
// so two concurrent conditional updates can both succeed. The one atomic primitive it has is
// the unique `_id` on insert, so a lock is a document whose `_id` names the locked document
// and a generation: `<collection>/<json id>#<gen>`. Taking the lock inserts the next
// generation; only one inserter wins. A holder that died is replaced after its lease: the
// next taker inserts generation + 1 (again only one wins) and clears the older generations.
//
// Callers in one process queue for a key in memory first, so they never poll the server for a
// lock their own process holds: the server lock is only contended between processes.
import { randomBytes } from 'node:crypto';
import type { Collection as MongoCollection } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Clock, Id } from '#core';
import { StoreUnavailableError, systemClock } from '#core';

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
  /** How long this process may pass a lock from one of its writes to the next before releasing it (ms). */
  handoffMs?: number;
  /** Wall clock of the lock documents' `at` (compared across processes). */
  clock?: Clock;
}

/**
 * Called inside a locked section right before its write: throws if the lease may have run out,
 * or if the caller gave up on the operation (the store was found unavailable meanwhile).
 */
export type LeaseCheck = () => void;

/** A server lock this process holds; `since`: start of its lease (performance.now()). */
interface Held {
  lockId: string;
  since: number;
}

interface Queue {
  sections: number;
  /** Settles when the last section queued so far is done. */
  tail: Promise<void>;
  /** Handed over by the section that just finished, for the next one. */
  held: Held | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DocLocks {
  private readonly locks: MongoCollection<LockDoc>;
  readonly owner = randomBytes(8).toString('hex');
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly handoffMs: number;
  private readonly clock: Clock;
  /** Per key, this process's sections for it (queued or running) and a lock handed between them. */
  private readonly queues = new Map<string, Queue>();
  /** Locks whose release failed (store unreachable): released again by releasePending(). */
  private readonly unreleased = new Set<string>();
  /** Sections running now, so close() can let them finish and release. */
  private readonly running = new Set<Promise<unknown>>();
  /** Set by drain(): the store is closing. */
  private closing = false;

  constructor(locks: MongoCollection<LockDoc>, opts: DocLocksOptions = {}) {
    this.locks = locks;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.waitMs = opts.waitMs ?? this.leaseMs + 5_000;
    this.handoffMs = Math.min(opts.handoffMs ?? 100, this.leaseMs / 4);
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Runs `fn` while holding the lock of one document. `fn` must call the check it is given
   * right before its write: a holder stalled past half its lease (a paused process, a slow
   * server) gives up instead of writing over a taker that presumed it dead. `signal` aborts a
   * section whose caller gave up: it then neither waits for the lock nor writes.
   *
   * Sections of this process queue in memory; a section hands the server lock to the next one
   * of the queue while the lock is younger than `handoffMs`, so a busy document (the journal
   * counter) costs one lock insert and delete per burst instead of per write, and another
   * process waits for it at most that long (plus its polling).
   */
  async with<R>(
    collection: string,
    id: Id,
    fn: (check: LeaseCheck) => Promise<R>,
    signal?: AbortSignal,
  ): Promise<R> {
    const key = `${collection}/${JSON.stringify(id)}`;
    if (this.closing) throw new StoreUnavailableError(`registry: lock on ${key}: the store is closing`);
    let q = this.queues.get(key);
    if (!q) {
      q = { sections: 0, tail: Promise.resolve(), held: null };
      this.queues.set(key, q);
    }
    const queue = q;
    queue.sections++;
    const before = queue.tail;
    let done!: () => void;
    queue.tail = new Promise<void>((r) => {
      done = r;
    });
    const section = (async () => {
      await before;
      let held = queue.held;
      queue.held = null;
      try {
        signal?.throwIfAborted();
        if (this.closing && !held)
          throw new StoreUnavailableError(`registry: lock on ${key}: the store is closing`);
        held ??= await this.acquire(key, signal);
        const since = held.since;
        return await fn(() => {
          signal?.throwIfAborted();
          const ms = performance.now() - since;
          if (ms > this.leaseMs / 2) {
            throw new StoreUnavailableError(
              `registry: lock on ${key}: held ${Math.round(ms)} ms, past half its lease (${this.leaseMs} ms); not writing`,
            );
          }
        });
      } finally {
        queue.sections--;
        if (held) {
          if (queue.sections > 0 && performance.now() - held.since < this.handoffMs) queue.held = held;
          else await this.release(held.lockId);
        }
      }
    })();
    this.running.add(section);
    try {
      return await section;
    } finally {
      this.running.delete(section);
      done();
      if (queue.sections === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    }
  }

  /** Takes the server lock; `since` is when its lease started, by this process's monotonic clock. */
  private async acquire(key: string, signal: AbortSignal | undefined): Promise<Held> {
    const deadline = performance.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const top = await this.locks.find({ key }).sort({ gen: -1 }).limit(1).next();
      const stale = top !== null && this.clock.now() - top.at > this.leaseMs;
      if (top === null || stale) {
        const gen = top === null ? 1 : top.gen + 1;
        const since = performance.now();
        const doc: LockDoc = { _id: `${key}#${gen}`, key, gen, at: this.clock.now(), owner: this.owner };
        try {
          await this.locks.insertOne(doc);
          if (stale) await this.locks.deleteMany({ key, gen: { $lt: gen } });
          return { lockId: doc._id, since };
        } catch (err) {
          if (!(err instanceof MongoServerError && err.code === 11000)) {
            // The insert may have reached the server: release it with the others when it answers.
            this.unreleased.add(doc._id);
            throw err;
          }
        }
      }
      if (performance.now() > deadline) {
        throw new StoreUnavailableError(`registry: lock on ${key} not free after ${this.waitMs} ms`);
      }
      // Another process holds it for a few milliseconds: poll quickly, back off a little, add jitter.
      await sleep(Math.min(2 ** Math.min(attempt, 5), 25) * (0.5 + Math.random()));
    }
  }

  private async release(lockId: string): Promise<void> {
    try {
      await this.locks.deleteOne({ _id: lockId, owner: this.owner });
    } catch {
      // The store is unreachable: the lock would block its document for the whole lease.
      this.unreleased.add(lockId);
    }
  }

  /** Releases the locks whose release failed; run when the store answers again. */
  async releasePending(): Promise<void> {
    for (const lockId of [...this.unreleased]) {
      try {
        await this.locks.deleteOne({ _id: lockId, owner: this.owner });
        this.unreleased.delete(lockId);
      } catch {
        return;
      }
    }
  }

  /**
   * For close(): admits no new section and takes no new lock, lets the sections that hold one
   * finish and release it (at most `ms`), then releases what could not be released before.
   */
  async drain(ms: number): Promise<void> {
    this.closing = true;
    const deadline = performance.now() + ms;
    while (this.running.size > 0 && performance.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((r) => {
          timer = setTimeout(r, deadline - performance.now());
        }),
      ]);
      clearTimeout(timer);
    }
    await this.releasePending();
  }
}
