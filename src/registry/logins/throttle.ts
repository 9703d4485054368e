// Login throttling: failed attempts counted per key (the client address, and the login named)
// in fixed windows, with one atomic upsert per failure, in the registry so every process counts
// together. Over the limit, logins for that key are refused until the window ends, whether the
// password is right or not. A success clears the login's own counter (not the address's).
import { type Clock, COLLECTIONS, DuplicateKeyError, type Store, type Throttle } from '#core';

export interface ThrottleLimits {
  windowMs: number;
  /** Failures per login name in a window. */
  perLogin: number;
  /** Failures per client address in a window. */
  perAddress: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 15 * 60_000, perLogin: 5, perAddress: 50 };

export interface Throttler {
  /** ms until the keys may try again; 0 when they may now. */
  blockedFor(keys: ThrottleKeys): Promise<number>;
  fail(keys: ThrottleKeys): Promise<void>;
  succeed(keys: ThrottleKeys): Promise<void>;
  /** Deletes windows that ended. */
  sweep(): Promise<number>;
}

export interface ThrottleKeys {
  login: string;
  address: string;
}

export function createThrottler(
  store: Store,
  clock: Clock,
  limits: ThrottleLimits = DEFAULT_THROTTLE,
): Throttler {
  const coll = store.collection<Throttle>(COLLECTIONS.throttles);
  const windowOf = (now: number) => now - (now % limits.windowMs);
  const id = (key: string, start: number) => `${key}|${start}`;
  const pairs = (k: ThrottleKeys): [string, number][] => [
    [`login:${k.login}`, limits.perLogin],
    [`ip:${k.address}`, limits.perAddress],
  ];
  return {
    async blockedFor(k) {
      const now = clock.now();
      const start = windowOf(now);
      for (const [key, limit] of pairs(k)) {
        const t = await coll.get(id(key, start));
        if (t && t.failures >= limit) return t.windowEnd - now;
      }
      return 0;
    },
    async fail(k) {
      const start = windowOf(clock.now());
      for (const [key] of pairs(k)) {
        const _id = id(key, start);
        const up = () =>
          coll.findOneAndUpdate(
            { _id },
            {
              $inc: { failures: 1 },
              $setOnInsert: { key, windowStart: start, windowEnd: start + limits.windowMs },
            },
            { upsert: true },
          );
        try {
          await up();
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
          await up(); // a concurrent first failure inserted it
        }
      }
    },
    async succeed(k) {
      await coll.deleteMany({ key: `login:${k.login}` });
    },
    sweep: () => coll.deleteMany({ windowEnd: { $lte: clock.now() } }),
  };
}
