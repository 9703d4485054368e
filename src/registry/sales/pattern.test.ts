import { describe, expect, it } from 'vitest';
import { PatternError, patternRegex } from './pattern.ts';

describe('patternRegex', () => {
  const ok: Array<[string, 'pin' | 'vns', string, string]> = [
    ['6200*', 'vns', 'KR', '^6200[0-9]*$'],
    ['62??6200', 'vns', 'KR', '^62[0-9][0-9]6200$'],
    ['6200-6200', 'vns', 'KR', '^62006200$'],
    ['*00', 'vns', 'KR', '^[0-9]*00$'],
    ['2620062??', 'pin', 'KR', '^822620062[0-9][0-9]$'],
    ['2 6200 *', 'pin', 'KR', '^8226200[0-9]*$'],
    ['+8226*', 'pin', 'KR', '^8226[0-9]*$'],
    ['212**', 'pin', 'US', '^1212[0-9]*$'],
  ];
  it.each(ok)('%s (%s, %s) -> %s', (pattern, kind, country, regex) => {
    expect(patternRegex(pattern, kind, country)).toBe(regex);
  });

  it('matches what people mean', () => {
    const r = new RegExp(patternRegex('62??6200', 'vns', 'KR'));
    expect(r.test('62006200')).toBe(true);
    expect(r.test('62996200')).toBe(true);
    expect(r.test('620006200')).toBe(false);
    const pin = new RegExp(patternRegex('26200*', 'pin', 'KR'));
    expect(pin.test('82262006200')).toBe(true);
    expect(pin.test('8226200')).toBe(true);
    expect(pin.test('82362006200')).toBe(false);
  });

  const bad: Array<[string, 'pin' | 'vns', RegExp]> = [
    ['', 'vns', /empty/],
    ['--', 'vns', /empty/],
    ['62a0', 'vns', /digits, '\?'/],
    ['6.2$', 'vns', /digits/],
    ['^62', 'pin', /digits/],
    ['+62*', 'vns', /PINs only/],
    ['1*2*3*4*5*6', 'vns', /at most 4/],
    ['1'.repeat(33), 'vns', /longer than 32/],
  ];
  it.each(bad)('refuses %j (%s)', (pattern, kind, message) => {
    expect(() => patternRegex(pattern, kind, 'KR')).toThrow(PatternError);
    expect(() => patternRegex(pattern, kind, 'KR')).toThrow(message);
  });
});
