import { describe, expect, it } from 'vitest';
import type { PriceRules } from '#core';
import {
  basePrice,
  DEFAULT_PRICE_RULES,
  type PatternKind,
  patternLength,
  premiumsOf,
  priceOf,
} from './pricing.ts';

describe('patternLength', () => {
  const cases: Array<[PatternKind, string, number]> = [
    ['repeated', '262007777', 4],
    ['repeated', '1', 1],
    ['repeated', '', 0],
    ['repeated', '99999999', 8],
    ['ascending', '212345678', 8],
    ['ascending', '7890123', 7], // wraps 9 -> 0
    ['ascending', '135', 1],
    ['descending', '298765', 5],
    ['descending', '3210987', 7],
    ['doubled', '62006200', 8],
    ['doubled', '262006200', 8],
    ['doubled', '21231234', 0],
    ['doubled', '2123123', 6],
    ['doubled', '11', 2],
    ['palindrome', '2612321', 5],
    ['palindrome', '123454321', 9],
    ['palindrome', '12', 1],
    ['trailing-zeros', '262001000', 3],
    ['trailing-zeros', '26200', 2],
    ['trailing-zeros', '1234', 0],
  ];
  it.each(cases)('%s in %s covers %i digits', (pattern, digits, length) => {
    expect(patternLength(pattern, digits)).toBe(length);
  });
});

describe('prices', () => {
  const rules: Pick<PriceRules, 'currency' | 'defaultBase' | 'base' | 'premiums'> = {
    currency: 'EUR',
    defaultBase: { pin: 500, vns: 2000 },
    base: [{ country: 'KR', kind: 'pin', amount: 700 }],
    premiums: [
      { pattern: 'repeated', minRun: 3, amount: 100, perExtraDigit: 50 },
      { pattern: 'doubled', minRun: 6, amount: 1000, perExtraDigit: 0, kinds: ['vns'] },
    ],
  };

  it('takes the country base price, else the default of the kind', () => {
    expect(basePrice(rules, 'KR', 'pin')).toBe(700);
    expect(basePrice(rules, 'KR', 'vns')).toBe(2000);
    expect(basePrice(rules, 'US', 'pin')).toBe(500);
  });

  it('adds each premium once, for its longest occurrence, with the per-digit extra', () => {
    expect(priceOf(rules, 'KR', 'pin', '21111234')).toEqual({
      price: { amount: 700 + 100 + 50, currency: 'EUR' },
      premiums: [{ pattern: 'repeated', length: 4, amount: 150 }],
    });
    // Two runs of three: one premium.
    expect(premiumsOf(rules, 'pin', '2111333').map((p) => p.amount)).toEqual([100]);
  });

  it('applies a rule only to its kinds', () => {
    expect(premiumsOf(rules, 'pin', '62006200')).toEqual([]);
    expect(premiumsOf(rules, 'vns', '62006200')).toEqual([{ pattern: 'doubled', length: 8, amount: 1000 }]);
  });

  it('prices an ordinary number at the base price', () => {
    expect(priceOf(rules, 'US', 'pin', '2125830147').price).toEqual({ amount: 500, currency: 'EUR' });
  });

  it('makes memorable numbers dearer by default', () => {
    const plain = priceOf(DEFAULT_PRICE_RULES, 'KR', 'vns', '61385027').price.amount;
    const doubled = priceOf(DEFAULT_PRICE_RULES, 'KR', 'vns', '62006200').price.amount;
    const repeated = priceOf(DEFAULT_PRICE_RULES, 'KR', 'vns', '77777777').price.amount;
    expect(plain).toBe(DEFAULT_PRICE_RULES.defaultBase.vns);
    expect(doubled).toBeGreaterThan(plain);
    expect(repeated).toBeGreaterThan(doubled);
  });
});
