import { describe, expect, it } from 'vitest';
import { decide, type RatedCandidate } from './decide.ts';
import { billedSeconds, MICRO, priceMinor } from './money.ts';

const usd = (major: number) => Math.round(major * MICRO * 100); // a rate in µ of a cent
const gw = (rate: number, first = 60, next = 60, fee = 0): RatedCandidate => ({
  party: 'gateway:gw',
  paid: true,
  sell: { rate: usd(rate), fee: usd(fee), first, next },
  cost: { rate: usd(rate / 2), fee: 0, first, next },
});
const base = { currency: 'USD', capSeconds: 14_400, emergency: false };

describe('billing: the authorization decision', () => {
  it('authorizes the longest call the funds pay for, with its hold', () => {
    const d = decide({ ...base, candidates: [gw(0.1)], available: 100 }); // 1.00 USD at 0.10/min
    expect(d).toMatchObject({ outcome: 'authorized', hold: 100, grants: [{ maxSeconds: 600, hold: 100 }] });
    const capped = decide({ ...base, candidates: [gw(0.1)], available: 1_000_000 });
    expect(capped).toMatchObject({ outcome: 'authorized', grants: [{ maxSeconds: 14_400, hold: 2400 }] });
  });

  it('refuses with 402 when not one billing increment is covered, naming the numbers', () => {
    const d = decide({ ...base, candidates: [gw(0.1, 60, 60, 0.05)], available: 14 });
    expect(d).toEqual({
      outcome: 'refused',
      status: 402,
      warning:
        'insufficient funds: 0.14 USD available does not cover the first billing increment (60 s at 0.10 USD/min + 0.05 connection: 0.15)',
    });
    expect(decide({ ...base, candidates: [gw(0.1, 60, 60, 0.05)], available: 15 }).outcome).toBe(
      'authorized',
    );
  });

  it('rates each candidate on its own, and holds the largest', () => {
    const d = decide({ ...base, candidates: [gw(0.1, 1, 1), gw(0.5, 60, 60)], available: 30 });
    if (d.outcome !== 'authorized') throw new Error(d.outcome);
    expect(d.grants.map((g) => [g.maxSeconds, g.hold])).toEqual([[180, 30]]);
    // the 0.50/min candidate cannot pay one minute with 0.30: only the cheap one is granted
    const both = decide({ ...base, candidates: [gw(0.1, 1, 1), gw(0.2, 60, 60)], available: 30 });
    if (both.outcome !== 'authorized') throw new Error(both.outcome);
    expect(both.grants.map((g) => [g.index, g.maxSeconds, g.hold])).toEqual([
      [0, 180, 30],
      [1, 60, 20],
    ]);
    expect(both.hold).toBe(30);
  });

  it('never refuses an emergency number, funds or not', () => {
    const d = decide({ ...base, emergency: true, candidates: [gw(0.1)], available: 0 });
    expect(d).toMatchObject({ outcome: 'authorized', hold: 0, grants: [{ maxSeconds: 14_400, paid: true }] });
    const unrated = decide({
      ...base,
      emergency: true,
      candidates: [{ party: 'gateway:gw', paid: true, sell: null, cost: null }],
      available: 0,
    });
    expect(unrated.outcome).toBe('authorized');
  });

  it('lets free (on-net) routes through, and says 403 when no paid candidate has a rate', () => {
    const free = decide({
      ...base,
      candidates: [{ party: 'center:KR', paid: false, sell: null, cost: null }],
      available: 0,
    });
    expect(free).toMatchObject({ outcome: 'authorized', hold: 0, grants: [{ paid: false, hold: 0 }] });
    const none = decide({
      ...base,
      candidates: [{ party: 'gateway:gw', paid: true, sell: null, cost: null }],
      available: 500,
    });
    expect(none).toMatchObject({ outcome: 'no-rate', status: 403 });
  });

  it('never holds more than is available, whatever the rates', () => {
    for (const rate of [0.0001, 0.0125, 0.3, 1.7, 99])
      for (const [first, next] of [
        [60, 60],
        [30, 6],
        [1, 1],
      ] as const)
        for (const available of [0, 1, 5, 99, 1000, 123_457]) {
          const c = gw(rate, first, next);
          const d = decide({ ...base, candidates: [c], available });
          if (d.outcome !== 'authorized') {
            expect(priceMinor(first, c.sell!)).toBeGreaterThan(available);
            continue;
          }
          expect(d.hold).toBeLessThanOrEqual(available);
          expect(d.hold).toBe(priceMinor(billedSeconds(d.grants[0]!.maxSeconds, c.sell!), c.sell!));
        }
  });
});
