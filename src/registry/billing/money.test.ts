import { describe, expect, it } from 'vitest';
import {
  billedSeconds,
  exponentOf,
  formatDecimal,
  formatMicro,
  formatMinor,
  isCurrency,
  MICRO,
  maxSeconds,
  microOf,
  minorOf,
  parseDecimal,
  priceMinor,
  rateCall,
} from './money.ts';

describe('billing: money', () => {
  it('knows ISO 4217 exponents (not CLDR display digits) and refuses non-money codes', () => {
    expect([exponentOf('USD'), exponentOf('EUR'), exponentOf('KRW'), exponentOf('JPY')]).toEqual([
      2, 2, 0, 0,
    ]);
    expect([exponentOf('KWD'), exponentOf('BHD'), exponentOf('CLF')]).toEqual([3, 3, 4]);
    // CLDR shows these without decimals; ISO 4217 gives them two
    expect([exponentOf('HUF'), exponentOf('IDR'), exponentOf('COP')]).toEqual([2, 2, 2]);
    for (const bad of ['XAU', 'XXX', 'XTS', 'ABC', 'usd', 'US']) expect(isCurrency(bad), bad).toBe(false);
    expect(() => exponentOf('XAU')).toThrow(/not an ISO 4217 currency/);
  });

  it('reads and writes decimal strings exactly, never through floats', () => {
    expect(parseDecimal('12.5', 2)).toBe(1250n);
    expect(parseDecimal('0.1', 2) + parseDecimal('0.2', 2)).toBe(parseDecimal('0.3', 2));
    expect(parseDecimal('-3.10', 2, { negative: true })).toBe(-310n);
    expect(parseDecimal('7.000', 2)).toBe(700n);
    expect(() => parseDecimal('1.005', 2)).toThrow(/more than 2 decimal places/);
    expect(() => parseDecimal('-1', 2)).toThrow(/negative/);
    for (const bad of ['1e3', '0x10', '1,000.00', '', ' ', '.5', '5.', 'NaN', 'Infinity'])
      expect(() => parseDecimal(bad, 2), bad).toThrow();
    expect(formatDecimal(1250n, 2)).toBe('12.50');
    expect(formatDecimal(-5, 2)).toBe('-0.05');
    expect(formatDecimal(1234, 0)).toBe('1234');
    expect(formatMinor(123456, 'KWD')).toBe('123.456');
    expect(minorOf('1000', 'KRW')).toBe(1000);
    expect(() => minorOf('10.5', 'KRW')).toThrow(/more than 0 decimal places/);
    expect(() => minorOf('99999999999999', 'USD')).toThrow(/more than/);
  });

  it('keeps rates to six places beyond the minor unit', () => {
    expect(microOf('0.0125', 'USD')).toBe(1_250_000);
    expect(microOf('0.00000001', 'USD')).toBe(1);
    expect(() => microOf('0.000000001', 'USD')).toThrow();
    expect(microOf('12.345678', 'KRW')).toBe(12_345_678);
    expect(formatMicro(1_250_000, 'USD')).toBe('0.0125');
    expect(formatMicro(100 * MICRO, 'USD')).toBe('1.00');
    expect(formatMicro(0, 'KRW')).toBe('0');
    expect(() => microOf('1000.01', 'USD')).toThrow(/more than 1000/);
  });

  it('bills in increments: 60/60, 30/6, 1/1', () => {
    const b = (s: number, first: number, next: number) => billedSeconds(s, { first, next });
    expect([b(0, 60, 60), b(1, 60, 60), b(60, 60, 60), b(61, 60, 60)]).toEqual([0, 60, 60, 120]);
    expect([b(1, 30, 6), b(30, 30, 6), b(31, 30, 6), b(37, 30, 6)]).toEqual([30, 30, 36, 42]);
    expect([b(1, 1, 1), b(59, 1, 1)]).toEqual([1, 59]);
  });

  it('prices a call once, rounding up to a whole minor unit', () => {
    const p = { rate: 1_250_000, fee: 0, first: 60, next: 60 }; // 0.0125 USD a minute
    expect(priceMinor(60, p)).toBe(2); // 1.25 cents -> 2
    expect(priceMinor(120, p)).toBe(3); // 2.5 cents -> 3
    expect(priceMinor(0, { ...p, fee: 5 * MICRO })).toBe(0); // unanswered: no connection fee
    expect(rateCall(61, { rate: 6 * MICRO, fee: MICRO, first: 30, next: 6 })).toEqual({
      billed: 66,
      amount: 8,
    }); // 1 + 6.6 -> 8
    // a KRW deck: no minor unit; 33.333333 KRW a minute for 90 s = 49.9999995 -> 50
    expect(priceMinor(90, { rate: 33_333_333, fee: 0, first: 1, next: 1 })).toBe(50);
  });

  it('finds the longest call the funds pay for, never more, on increment boundaries', () => {
    const prices = [
      { rate: 1_250_000, fee: 0, first: 60, next: 60 },
      { rate: 6 * MICRO, fee: MICRO, first: 30, next: 6 },
      { rate: 33_333_333, fee: 0, first: 1, next: 1 },
      { rate: 0, fee: 2 * MICRO, first: 60, next: 60 },
      { rate: 999 * MICRO * 100, fee: 999 * MICRO * 100, first: 1, next: 1 },
    ];
    for (const p of prices)
      for (const available of [0, 1, 2, 3, 7, 99, 100, 1234, 10_000, 987_654_321]) {
        const d = maxSeconds(available, p, 14_400);
        if (d > 0) {
          expect(priceMinor(billedSeconds(d, p), p), `${JSON.stringify(p)} ${available}`).toBeLessThanOrEqual(
            available,
          );
          if (d < 14_400 && p.rate > 0)
            expect(
              priceMinor(billedSeconds(d + 1, p), p),
              `${JSON.stringify(p)} ${available}: one more second`,
            ).toBeGreaterThan(available);
        } else expect(priceMinor(p.first, p)).toBeGreaterThan(available);
      }
    // beyond 2^53 in the intermediate products: the exact path gives the same answer
    expect(maxSeconds(9_000_000_000_000, { rate: 1, fee: 0, first: 1, next: 1 }, 86_400)).toBe(86_400);
  });
});
