import { describe, expect, it } from 'vitest';
import { createNonceCounts } from './nonce-counts.ts';

describe('nonce counts: each count once, out of order when it was skipped', () => {
  it.each([
    ['in order', [1, 2, 3], [true, true, true]],
    ['the same count twice', [1, 1], [true, false]],
    ['a lost request retransmitted after later ones', [1, 3, 4, 2, 2], [true, true, true, true, false]],
    ['a UA whose first requests were lost', [7, 5, 6, 7, 5], [true, true, true, false, false]],
    ['a count far behind that was skipped', [1, 5000, 4000, 4000], [true, true, true, false]],
    ['a count far behind that was used', [1, 2, 5000, 2], [true, true, true, false]],
  ] as const)('%s', (_what, counts, want) => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    expect(counts.map((c) => t.use('n', c))).toEqual(want);
  });

  it('nonces are counted apart', () => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    expect([t.use('a', 1), t.use('b', 1), t.use('a', 1)]).toEqual([true, true, false]);
  });

  it('every count of a shuffled run passes once, a second pass none, and no gap is left', () => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    const counts = Array.from({ length: 20_000 }, (_, i) => i + 1);
    // reordered within blocks of 2,000 (a busy UA's retransmissions come seconds later)
    for (let b = 0; b < counts.length; b += 2000)
      counts.splice(b, 2000, ...counts.slice(b, b + 2000).reverse());
    expect(counts.every((c) => t.use('n', c))).toBe(true);
    expect(t.gaps).toBe(0);
    expect(counts.some((c) => t.use('n', c))).toBe(false);
  });

  it('memory is bounded: per nonce (the oldest skipped counts go) and in all, and freed with the nonce', () => {
    const t = createNonceCounts({ max: 2, ttlMs: 60_000, maxGaps: 100, maxGapsTotal: 150 });
    expect(t.use('a', 1000)).toBe(true);
    expect(t.gaps).toBe(100);
    expect([t.use('a', 899), t.use('a', 900), t.use('a', 999)]).toEqual([false, true, true]);
    expect(t.use('b', 1000)).toBe(true);
    expect(t.gaps).toBe(150); // b kept what the budget left: 52 (a holds 98)
    expect([t.use('b', 947), t.use('b', 948)]).toEqual([false, true]);
    t.use('c', 1); // evicts a (the least recently used): its gaps are freed
    expect(t.gaps).toBe(51);
  });
});
