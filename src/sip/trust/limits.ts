// Call-attempt counts in fixed windows (a minute, a day), shared by every redirector of the
// deployment through the registry (docs/trust.md, "Limits across redirectors"). Each
// redirector counts locally and decides at once; every `syncMs` it adds what it counted since
// its last flush to one document per limit and window with a single-document $inc and reads the
// totals back, so it learns what the others counted. The error: a redirector knows the others'
// counts as of at most syncMs plus a store round trip ago, so with R redirectors each seeing r
// attempts a second of one key, at most (R - 1) x r x (syncMs + round trip) attempts beyond the
// limit are admitted in a window.
import { createHash } from 'node:crypto';
import { type Clock, COLLECTIONS, type Logger, type LogLimiter, type RateWindow, type Store } from '#core';

export interface RateLimiterDeps {
  store?: Store | undefined;
  clock: Clock;
  /** How often counts are shared (ms); default 500. */
  syncMs?: number;
  /** Most keys tracked per rule and window in this process (an attack from many addresses). */
  maxKeys?: number;
  log?: Logger;
  limiter?: LogLimiter;
}

export interface LimitVerdict {
  ok: boolean;
  /** Attempts counted in this window, this one included (local and last known of the others). */
  count: number;
  /** Seconds until the window ends (Retry-After). */
  retryAfterS: number;
}

export interface RateLimiter {
  /**
   * Counts one attempt of `key` under `rule` (windows of `windowMs`) and says whether it stays
   * within `limit` (0: no limit, nothing counted).
   */
  hit(rule: string, key: string, limit: number, windowMs: number): LimitVerdict;
  /** Shares the counts now (the timer does it every syncMs). */
  sync(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** Keys tracked in every window (metrics, tests). */
  readonly size: number;
}

interface KeyCount {
  /** The key's field name in the shared document (hashed once per window). */
  h: string;
  /** Counted here in this window. */
  local: number;
  /** Of `local`, what was added to the shared document. */
  flushed: number;
}

interface Window {
  rule: string;
  w: number;
  windowMs: number;
  /** By key as given (hashed only when first seen in the window). */
  keys: Map<string, KeyCount>;
  /** The shared totals by hashed key, as last read. */
  totals: Record<string, number>;
  /** Something was counted here since the last flush. */
  dirty: boolean;
}

/** Field names of the shared document: a short hash (store field names are letters, digits, - and _). */
export const hashKey = (key: string): string =>
  createHash('sha256').update(key).digest('base64url').slice(0, 16);

export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  const syncMs = deps.syncMs ?? 500;
  const maxKeys = deps.maxKeys ?? 100_000;
  const windows = new Map<string, Window>();
  const coll = deps.store?.collection<RateWindow>(COLLECTIONS.rateWindows);
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> | undefined;
  let lastCleanup = 0;

  function windowOf(rule: string, windowMs: number, now: number): Window {
    const w = Math.floor(now / windowMs);
    const id = `${rule}|${w}`;
    let win = windows.get(id);
    if (!win) {
      win = { rule, w, windowMs, keys: new Map(), totals: {}, dirty: false };
      windows.set(id, win);
    }
    return win;
  }

  async function flush(id: string, win: Window): Promise<void> {
    if (!coll) return;
    const inc: Record<string, number> = {};
    const sent = new Map<string, number>();
    for (const k of win.keys.values()) {
      const d = k.local - k.flushed;
      if (d > 0) {
        inc[`c.${k.h}`] = d;
        sent.set(k.h, d);
      }
    }
    win.dirty = false;
    const doc =
      sent.size > 0
        ? await coll.findOneAndUpdate(
            { _id: id },
            { $inc: inc, $setOnInsert: { rule: win.rule, w: win.w } },
            { upsert: true },
          )
        : await coll.get(id);
    for (const k of win.keys.values()) {
      const d = sent.get(k.h);
      if (d) k.flushed += d;
    }
    if (doc) win.totals = doc.c ?? {};
  }

  async function syncNow(): Promise<void> {
    const now = deps.clock.now();
    for (const [id, win] of windows) {
      const ended = (win.w + 1) * win.windowMs <= now;
      try {
        // a window that ended is flushed once more (what was counted late in it), then forgotten
        if (!ended || win.dirty) await flush(id, win);
      } catch (err) {
        deps.limiter?.log(
          'warn',
          'limits:sync',
          { err: (err as Error).message },
          'sip: limits: sharing call counts failed; counting locally',
        );
      }
      if (ended) windows.delete(id);
    }
    if (coll && now - lastCleanup > 60_000) {
      lastCleanup = now;
      // windows that ended before the previous one are of no use to anyone
      for (const rule of new Set([...windows.values()].map((x) => x.rule))) {
        const win = [...windows.values()].find((x) => x.rule === rule)!;
        await coll.deleteMany({ rule, w: { $lt: win.w - 1 } }).catch(() => {});
      }
    }
  }

  return {
    hit(rule, key, limit, windowMs) {
      if (!(limit > 0)) return { ok: true, count: 0, retryAfterS: 0 };
      const now = deps.clock.now();
      const win = windowOf(rule, windowMs, now);
      let k = win.keys.get(key);
      if (!k) {
        if (win.keys.size >= maxKeys) {
          // the table is full (an attack from very many sources): the oldest key is dropped
          const oldest = win.keys.keys().next().value;
          if (oldest !== undefined) win.keys.delete(oldest);
        }
        k = { h: hashKey(key), local: 0, flushed: 0 };
        win.keys.set(key, k);
      }
      k.local++;
      win.dirty = true;
      // the others' attempts: the shared total as last read, less what we had flushed into it
      const others = Math.max(0, (win.totals[k.h] ?? 0) - k.flushed);
      const count = k.local + others;
      const retryAfterS = Math.max(1, Math.ceil(((win.w + 1) * windowMs - now) / 1000));
      return { ok: count <= limit, count, retryAfterS };
    },
    sync() {
      if (!syncing)
        syncing = syncNow().finally(() => {
          syncing = undefined;
        });
      return syncing;
    },
    start() {
      if (timer || !coll) return;
      timer = setInterval(() => {
        void this.sync();
      }, syncMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await this.sync().catch(() => {});
    },
    get size() {
      let n = 0;
      for (const w of windows.values()) n += w.keys.size;
      return n;
    },
  };
}
