import { describe, expect, it } from 'vitest';
import { createNonceCounts, NC_WINDOW } from './nonce-counts.ts';

describe('nonce counts: each count once, out of order within the window', () => {
  it.each([
    ['in order', [1, 2, 3], [true, true, true]],
    ['the same count twice', [1, 1], [true, false]],
    ['a lost request retransmitted after later ones', [1, 3, 4, 2, 2], [true, true, true, true, false]],
    ['a UA that starts above 1', [7, 5, 6, 7], [true, true, true, false]],
    ['just inside the window', [NC_WINDOW + 1, 2, 2], [true, true, false]],
    ['older than the window', [NC_WINDOW + 1, 1], [true, false]],
    [
      'a jump past the window forgets what it held',
      [5, 5 + NC_WINDOW * 2, 5 + NC_WINDOW + 1, 5],
      [true, true, true, false],
    ],
    [
      'slots reused after the window moved',
      [3, 3 + NC_WINDOW, 3 + NC_WINDOW, 4 + NC_WINDOW],
      [true, true, false, true],
    ],
  ] as const)('%s', (_what, counts, want) => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    expect(counts.map((c) => t.use('n', c))).toEqual(want);
  });

  it('nonces are counted apart', () => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    expect([t.use('a', 1), t.use('b', 1), t.use('a', 1)]).toEqual([true, true, false]);
  });

  it('every count of a shuffled run passes once, a second pass none', () => {
    const t = createNonceCounts({ max: 10, ttlMs: 60_000 });
    const counts = Array.from({ length: 5000 }, (_, i) => i + 1);
    // shuffled within blocks of 64 (reordering, as UDP and a busy UA make it)
    for (let b = 0; b < counts.length; b += 64) counts.splice(b, 64, ...counts.slice(b, b + 64).reverse());
    expect(counts.every((c) => t.use('n', c))).toBe(true);
    expect(counts.slice(-NC_WINDOW).some((c) => t.use('n', c))).toBe(false);
  });
});
