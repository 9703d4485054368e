// Per-token rate limit: a token bucket of `perMinute` requests that refills continuously, so a
// client may burst up to a minute's allowance and then goes at the steady rate. Kept in memory,
// per process (several API processes each allow the rate: docs/api.md).
import { LRUCache } from 'lru-cache';
import type { Clock } from '#core';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the bucket after this one. */
  remaining: number;
  /** Seconds until a request will be allowed again (0 when allowed). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
}

export interface RateLimiter {
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(perMinute: number, clock: Clock, maxKeys = 100_000): RateLimiter {
  const ratePerMs = perMinute / 60_000;
  const buckets = new LRUCache<string, Bucket>({ max: maxKeys });
  return {
    take(key) {
      const now = clock.now();
      const b = buckets.get(key) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.at) * ratePerMs);
      b.at = now;
      const allowed = b.tokens >= 1;
      if (allowed) b.tokens -= 1;
      buckets.set(key, b);
      return {
        allowed,
        limit: perMinute,
        remaining: Math.floor(b.tokens),
        retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)),
        reset: Math.ceil((perMinute - b.tokens) / ratePerMs / 1000),
      };
    },
  };
}
