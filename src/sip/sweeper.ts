// Expired entries stay in an LRU until asked for or pushed out. Under load that is fine: the
// bounds hold, and new entries push old ones out. Once traffic stops they would stay, so the
// sweeper drops them and memory returns. A sweep walks whole tables (lru-cache's purgeStale,
// ~0.2 us an entry: tens of milliseconds for full ones), so it runs when the redirector is quiet,
// and under steady load only every few minutes.

export interface SweeperOptions {
  /** How often to look, ms. */
  everyMs: number;
  /** An interval with fewer answers a second than this is quiet. */
  quietRate: number;
  /** Answers so far (a counter that only grows). */
  answered: () => number;
  sweep: () => void;
  /** Under steady load, sweep at least this often (default 5 minutes). */
  forcedMs?: number;
  now?: () => number;
}

export interface Sweeper {
  start(): void;
  stop(): void;
}

export function createSweeper(opts: SweeperOptions): Sweeper {
  const now = opts.now ?? Date.now;
  const forcedMs = opts.forcedMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      if (timer) return;
      let seen = opts.answered();
      let last = now();
      timer = setInterval(() => {
        const n = opts.answered();
        const rate = (n - seen) / (opts.everyMs / 1000);
        seen = n;
        const t = now();
        if (rate < opts.quietRate || t - last >= forcedMs) {
          opts.sweep();
          last = t;
        }
      }, opts.everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
