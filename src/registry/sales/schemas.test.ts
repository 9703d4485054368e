// Validation tables for the sales inputs.
import { describe, expect, it } from 'vitest';
import { PayInput, ReserveInput, SearchInput, SetPriceRulesInput, StockInput } from './schemas.ts';

const paths = (
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
  v: unknown,
) => {
  const r = schema.safeParse(v);
  return r.success ? 'ok' : r.error!.issues.map((i) => i.path.map(String).join('.'));
};

describe('sales inputs', () => {
  it.each([
    [{ country: 'kr', kind: 'pin', numbers: ['02-6200-6200'] }, 'ok'],
    [{ country: 'KR', kind: 'vns', range: { first: '6200-6200', count: 10 } }, 'ok'],
    [{ country: 'KR', kind: 'pin' }, ['range']],
    [{ country: 'KR', kind: 'pin', numbers: ['1'], range: { first: '1', count: 1 } }, ['range']],
    [{ country: 'KR', kind: 'pin', range: { first: '1', count: 0 } }, ['range.count']],
    [{ country: 'KR', kind: 'pin', range: { first: '1', count: 1.5 } }, ['range.count']],
    [{ country: 'KR', kind: 'pin', numbers: [] }, ['numbers']],
    [{ country: 'KR', kind: 'pin', numbers: ['x'.repeat(65)] }, ['numbers.0']],
    [{ country: 'KR', kind: 'cheap', numbers: ['1'] }, ['kind']],
    [{ country: 'XX', kind: 'pin', numbers: ['1'] }, ['country']],
    [{ country: 'KR', kind: 'pin', numbers: ['1'], price: 5 }, ['']],
  ] as const)('stock %j', (input, expected) => {
    const got = paths(StockInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  it.each([
    [{ country: 'KR', kind: 'pin', pattern: '62*', minPrice: 0, maxPrice: 100, limit: 200 }, 'ok'],
    [{ country: 'KR', kind: 'pin', minPrice: 100, maxPrice: 1 }, ['minPrice']],
    [{ country: 'KR', kind: 'pin', limit: 201 }, ['limit']],
    [{ country: 'KR', kind: 'pin', minPrice: 1.5 }, ['minPrice']],
    [{ country: 'KR', kind: 'pin', currency: 'usd' }, ['currency']],
    [{ country: 'KR', kind: 'pin', cursor: '' }, ['cursor']],
  ] as const)('search %j', (input, expected) => {
    const got = paths(SearchInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  it.each([
    [{ number: 'pin:+82262006200' }, 'ok'],
    [{ number: '' }, ['number']],
    [{ number: 'x', memberId: 'm/1' }, ['memberId']],
  ] as const)('reserve %j', (input, expected) => {
    const got = paths(ReserveInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  it.each([
    [{ orderId: 'o_1', reference: 'psp:123/abc', amount: { amount: 100, currency: 'USD' } }, 'ok'],
    [{ orderId: 'o_1', reference: 'has space', amount: { amount: 100, currency: 'USD' } }, ['reference']],
    [{ orderId: 'o_1', reference: 'é', amount: { amount: 100, currency: 'USD' } }, ['reference']],
    [{ orderId: 'o_1', reference: 'r', amount: { amount: 1e13, currency: 'USD' } }, ['amount.amount']],
    [{ orderId: 'o_1', reference: 'r', amount: { amount: 1, currency: 'USD', fee: 1 } }, ['amount']],
  ] as const)('pay %j', (input, expected) => {
    const got = paths(PayInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  const rules = { currency: 'EUR', defaultBase: { pin: 1, vns: 2 } };
  it.each([
    [{ rules }, 'ok'],
    [{ rules: { ...rules, premiums: [{ pattern: 'repeated', minRun: 3, amount: 1 }] } }, 'ok'],
    [
      { rules: { ...rules, premiums: [{ pattern: 'lucky', minRun: 3, amount: 1 }] } },
      ['rules.premiums.0.pattern'],
    ],
    [
      { rules: { ...rules, premiums: [{ pattern: 'repeated', minRun: 1, amount: 1 }] } },
      ['rules.premiums.0.minRun'],
    ],
    [
      {
        rules: {
          ...rules,
          base: [
            { country: 'KR', kind: 'pin', amount: 1 },
            { country: 'kr', kind: 'pin', amount: 2 },
          ],
        },
      },
      ['rules.base'],
    ],
    [{ rules, expectedVersion: -1 }, ['expectedVersion']],
  ] as const)('price rules %j', (input, expected) => {
    const got = paths(SetPriceRulesInput, input);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toEqual(expect.arrayContaining([...expected]));
  });

  it('fills defaults of premium rules', () => {
    const v = SetPriceRulesInput.parse({
      rules: { ...rules, premiums: [{ pattern: 'doubled', minRun: 6, amount: 9 }] },
    });
    expect(v.rules).toEqual({
      ...rules,
      base: [],
      premiums: [{ pattern: 'doubled', minRun: 6, amount: 9, perExtraDigit: 0 }],
    });
  });
});
