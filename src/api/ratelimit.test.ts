import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './ratelimit.ts';

function clock(start = 0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('api: rate limiter (token bucket per key)', () => {
  it('allows a burst of one minute’s allowance, then the steady rate', () => {
    const c = clock();
    const rl = createRateLimiter(60, c);
    for (let i = 0; i < 60; i++) expect(rl.take('t').allowed).toBe(true);
    const denied = rl.take('t');
    expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1, limit: 60 });
    c.advance(999);
    expect(rl.take('t').allowed).toBe(false);
    c.advance(1);
    expect(rl.take('t').allowed).toBe(true);
  });

  it('keeps keys apart and refills fully after a quiet minute', () => {
    const c = clock();
    const rl = createRateLimiter(2, c);
    rl.take('a');
    rl.take('a');
    expect(rl.take('a')).toMatchObject({ allowed: false, retryAfter: 30 });
    expect(rl.take('b').allowed).toBe(true);
    c.advance(60_000);
    expect(rl.take('a')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('does not grow buckets beyond the limit, nor break when the clock steps back', () => {
    const c = clock(1_000_000);
    const rl = createRateLimiter(3, c);
    c.advance(10 * 60_000);
    expect(rl.take('x').remaining).toBe(2);
    c.advance(-30_000);
    expect(rl.take('x').allowed).toBe(true);
  });
});
