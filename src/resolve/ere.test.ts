import { describe, expect, it } from 'vitest';
import { compileEre, EreError, ereToJs } from './ere.ts';

describe('ERE -> JS translation', () => {
  it.each([
    // [ERE, input, expected full match or null, groups]
    ['^.*$', '+8226200001', '+8226200001'],
    ['^\\+(.*)$', '+8226200001', '+8226200001', ['8226200001']],
    ['^\\+82([0-9]{8,10})$', '+8226200001', '+8226200001', ['26200001']],
    ['^\\+1([[:digit:]]{3})', '+12125550100', '+1212', ['212']],
    ['[^\\.]+', 'a\\b.c', 'a'], // backslash is literal inside brackets: stops at the backslash
    ['[]x]+', ']x]y', ']x]'], // ']' first in a bracket is literal
    ['[^]x]+', 'ab]x', 'ab'],
    ['[a-]+', 'a-a-b', 'a-a-'], // '-' last is literal
    ['a{2}', 'caab', 'aa'],
    ['a{,2}', 'a{,2}', 'a{,2}'], // not an interval: literal brace
    ['^.$', '\n', '\n'], // '.' matches newline without REG_NEWLINE
    ['x/y', 'x/y', 'x/y'],
    ['a)b', 'a)b', 'a)b'], // unmatched ')' is ordinary
    ['[[:upper:]][[:lower:]]+', 'xHello', 'Hello'],
    ['[[=e=]]', 'e', 'e'],
  ] as const)('%s on %s', (ere, input, match, groups?: readonly string[]) => {
    const m = compileEre(ere, false).exec(input);
    expect(m?.[0] ?? null).toBe(match);
    if (groups) expect(m?.slice(1)).toEqual(groups);
  });

  it('case-insensitive with the i flag only', () => {
    expect(compileEre('^sip$', true).test('SIP')).toBe(true);
    expect(compileEre('^sip$', false).test('SIP')).toBe(false);
  });

  it.each([
    ['\\d+', /unsupported escape \\d/],
    ['[[:foo:]]', /unknown character class/],
    ['(ab', /unbalanced parenthesis/],
    ['[abc', /unterminated bracket/],
    ['a{3,2}', /invalid interval/],
    ['z-a', null],
    ['[z-a]', /invalid range/],
    ['*a', /invalid regular expression/],
    ['abc\\', /trailing backslash/],
  ] as const)('rejects %s with a reason', (ere, reason) => {
    if (reason === null) {
      expect(() => compileEre(ere, false)).not.toThrow();
      return;
    }
    expect(() => compileEre(ere, false)).toThrow(EreError);
    expect(() => compileEre(ere, false)).toThrow(reason);
  });

  it('escapes JS-only specials so they stay literal', () => {
    expect(ereToJs('a}b]c')).toBe('a\\}b\\]c');
  });
});
