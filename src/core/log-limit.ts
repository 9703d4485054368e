// Repeated log lines, rate-limited as Knot and Kamailio do it: per key, the first line of a
// window is written; the rest are counted, and the count is written once the window ends
// ("... (412 more like this suppressed in 10 s)"). A flood of spoofable packets, or a store
// outage that fails every request, then costs a few lines a minute instead of one per event.
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { Logger } from './log.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogLimiter {
  /** Writes `msg` unless a line with this key was written less than a window ago (then counts it). */
  log(level: Level, key: string, obj: Record<string, unknown>, msg: string): void;
  /** Lines suppressed since start, for metrics and tests. */
  suppressed(): number;
  /** Writes the pending counts now and stops the timer. */
  flush(): void;
}

export interface LogLimiterOptions {
  /** Window per key (ms); default 10 s. */
  windowMs?: number;
  /** Distinct keys remembered at once; past this, unseen keys share one bucket. */
  maxKeys?: number;
  clock?: Clock;
}

interface Bucket {
  since: number;
  count: number;
  level: Level;
  msg: string;
  obj: Record<string, unknown>;
}

export function createLogLimiter(logger: Logger, opts: LogLimiterOptions = {}): LogLimiter {
  const windowMs = opts.windowMs ?? 10_000;
  const maxKeys = opts.maxKeys ?? 1000;
  const clock = opts.clock ?? systemClock;
  const buckets = new Map<string, Bucket>();
  let total = 0;
  let timer: NodeJS.Timeout | null = null;

  function report(key: string, b: Bucket): void {
    if (b.count > 0)
      logger[b.level](
        { ...b.obj, suppressed: b.count, key },
        `${b.msg} (${b.count} more like this suppressed in ${Math.round(windowMs / 1000)} s)`,
      );
  }

  function sweep(): void {
    timer = null;
    const now = clock.now();
    for (const [key, b] of buckets) {
      if (now - b.since < windowMs) continue;
      report(key, b);
      buckets.delete(key);
    }
    if (buckets.size > 0) arm();
  }

  function arm(): void {
    if (timer) return;
    timer = setTimeout(sweep, windowMs);
    timer.unref();
  }

  return {
    log(level, key, obj, msg) {
      const now = clock.now();
      let b = buckets.get(key);
      if (b && now - b.since >= windowMs) {
        report(key, b);
        buckets.delete(key);
        b = undefined;
      }
      if (b) {
        b.count++;
        total++;
        return;
      }
      if (buckets.size >= maxKeys) key = '(other)';
      if (buckets.has(key)) {
        buckets.get(key)!.count++;
        total++;
        return;
      }
      buckets.set(key, { since: now, count: 0, level, msg, obj });
      logger[level](obj, msg);
      arm();
    },
    suppressed: () => total,
    flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const [key, b] of buckets) report(key, b);
      buckets.clear();
    },
  };
}
