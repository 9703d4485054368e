// Prices of numbers: a base price per country and kind, plus premiums for memorable digit
// patterns. Pure functions; the price is computed when a number is stocked (or re-priced) and
// stored on it, so a search by price range is an index range. docs/sales.md, "Price rules".
import type { Money, NumberKind, PremiumRule, PriceRules } from '#core';

export type PatternKind = PremiumRule['pattern'];
export const PATTERN_KINDS = [
  'repeated',
  'ascending',
  'descending',
  'doubled',
  'palindrome',
  'trailing-zeros',
] as const satisfies readonly PatternKind[];

/** The values of a PriceRules document that pricing reads. */
export type PriceRuleValues = Pick<PriceRules, 'currency' | 'defaultBase' | 'base' | 'premiums'>;

/** Used until a registrar stores its own rules. Amounts in minor units (cents). */
export const DEFAULT_PRICE_RULES: PriceRuleValues = {
  currency: 'USD',
  defaultBase: { pin: 1_000, vns: 5_000 },
  base: [],
  premiums: [
    { pattern: 'repeated', minRun: 4, amount: 5_000, perExtraDigit: 5_000 },
    { pattern: 'ascending', minRun: 4, amount: 3_000, perExtraDigit: 2_000 },
    { pattern: 'descending', minRun: 4, amount: 2_000, perExtraDigit: 2_000 },
    { pattern: 'doubled', minRun: 6, amount: 8_000, perExtraDigit: 2_000 },
    { pattern: 'palindrome', minRun: 6, amount: 3_000, perExtraDigit: 1_000 },
    { pattern: 'trailing-zeros', minRun: 3, amount: 2_000, perExtraDigit: 2_000 },
  ],
};

/** Longest run of digits where each follows the previous by `step` (0: same digit, 1: up, 9: down, mod 10). */
function longestStepRun(d: string, step: number): number {
  if (d === '') return 0;
  let best = 1;
  let run = 1;
  for (let i = 1; i < d.length; i++) {
    run = (Number(d[i - 1]) + step) % 10 === Number(d[i]) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** Digits covered by the longest tail that is one block written twice (6200-6200: 8). */
function doubledTail(d: string): number {
  for (let k = Math.floor(d.length / 2); k > 0; k--) {
    const tail = d.slice(d.length - 2 * k);
    if (tail.slice(0, k) === tail.slice(k)) return 2 * k;
  }
  return 0;
}

/** Length of the longest tail that reads the same backwards (…12321: 5). */
function palindromeTail(d: string): number {
  for (let n = d.length; n > 0; n--) {
    const tail = d.slice(d.length - n);
    if (tail === [...tail].reverse().join('')) return n;
  }
  return 0;
}

/** How many digits of `digits` the pattern covers (its longest occurrence). */
export function patternLength(pattern: PatternKind, digits: string): number {
  switch (pattern) {
    case 'repeated':
      return longestStepRun(digits, 0);
    case 'ascending':
      return longestStepRun(digits, 1);
    case 'descending':
      return longestStepRun(digits, 9);
    case 'doubled':
      return doubledTail(digits);
    case 'palindrome':
      return palindromeTail(digits);
    case 'trailing-zeros':
      return digits.length - digits.replace(/0+$/, '').length;
  }
}

export interface Premium {
  pattern: PatternKind;
  /** Digits the pattern covers. */
  length: number;
  amount: number;
}

/** The premiums `digits` earns: each rule at most once, for its pattern's longest occurrence. */
export function premiumsOf(rules: PriceRuleValues, kind: NumberKind, digits: string): Premium[] {
  const out: Premium[] = [];
  for (const r of rules.premiums) {
    if (r.kinds && !r.kinds.includes(kind)) continue;
    const length = patternLength(r.pattern, digits);
    if (length >= r.minRun) {
      out.push({ pattern: r.pattern, length, amount: r.amount + (length - r.minRun) * r.perExtraDigit });
    }
  }
  return out;
}

export function basePrice(rules: PriceRuleValues, country: string, kind: NumberKind): number {
  return rules.base.find((b) => b.country === country && b.kind === kind)?.amount ?? rules.defaultBase[kind];
}

/**
 * The price of a number. `memorable` is what people remember and what premiums look at: the
 * national significant number of a PIN (no country code, no trunk prefix), the base of a VNS.
 */
export function priceOf(
  rules: PriceRuleValues,
  country: string,
  kind: NumberKind,
  memorable: string,
): { price: Money; premiums: Premium[] } {
  const premiums = premiumsOf(rules, kind, memorable);
  const amount = premiums.reduce((sum, p) => sum + p.amount, basePrice(rules, country, kind));
  return { price: { amount, currency: rules.currency }, premiums };
}
