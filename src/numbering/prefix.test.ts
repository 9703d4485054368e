import { describe, expect, it } from 'vitest';
import { prefixProblem } from './prefix.ts';

describe('prefixProblem: can a valid number start with this prefix?', () => {
  it.each([
    ['', 'everything'],
    ['8', 'a calling code starts with it'],
    ['82', 'Korea'],
    ['8210', 'Korean mobiles'],
    ['821', 'Korea, +821…'],
    ['1202555', 'Washington DC, 555 exchange'],
    ['12025550', 'a partner range the demo uses'],
    ['4420794600', 'London (Ofcom drama range)'],
    ['44', 'GB, GG, IM, JE'],
    ['800', 'international freephone (non-geographic)'],
  ])('+%s is reachable (%s)', (p) => {
    expect(prefixProblem(p)).toBeNull();
  });

  it.each([
    ['155501', /no valid number starts with \+155501 \(\+1 is US, AG, AI, AS, …/],
    ['1555', /no valid number starts with \+1555/],
    ['8201', /no valid number starts with \+8201 \(\+82 is KR;/],
    ['999', /no valid number starts with \+999|no calling code/],
    ['4420794600000000', /not a digit prefix|no valid number/],
  ])('+%s is not: %s', (p, why) => {
    expect(prefixProblem(p)).toMatch(why);
  });

  it('compiles every pattern of the metadata (no construct it does not read)', () => {
    for (let cc = 1; cc < 1000; cc++) expect(() => prefixProblem(String(cc))).not.toThrow();
  });
});
