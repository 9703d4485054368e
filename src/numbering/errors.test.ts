import { describe, expect, it } from 'vitest';
import { fail, isIncomplete, NumberingError, quote } from './errors.ts';

describe('quote', () => {
  it.each([
    ['02-6200-6200-082', "'02-6200-6200-082'"],
    ['a\u0000b', "'a\\u{0}b'"],
    ['\u200f+82', "'\\u{200f}+82'"],
    ['line\nbreak', "'line\\u{a}break'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['x'.repeat(100), `'${'x'.repeat(64)}...'`],
    ['😀'.repeat(70), `'${'😀'.repeat(64)}...'`],
  ])('%j -> %s', (input, quoted) => {
    expect(quote(input)).toBe(quoted);
  });
});

describe('fail', () => {
  it('builds a one-line typed error naming the identifier', () => {
    const err = fail('unknown-country-code', '02-6200-6200-999', 'country code 999 does not exist');
    expect(err).toBeInstanceOf(NumberingError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('unknown-country-code');
    expect(err.detail).toBe('country code 999 does not exist');
    expect(err.message).toBe("numbering: '02-6200-6200-999': country code 999 does not exist");
    expect(err.name).toBe('NumberingError');
  });

  it('never puts a raw control character into the message', () => {
    expect(fail('bad-characters', 'a\r\nb\u202e', 'x').message).not.toMatch(/[\r\n\u202e]/);
  });
});

describe('isIncomplete', () => {
  it.each([
    [fail('too-short', '+82', 'x'), true],
    [fail('invalid-number', '+1555', 'x'), false],
    [fail('too-long-number', '+1', 'x'), false],
    [new Error('too-short'), false],
    [undefined, false],
  ])('%#', (err, expected) => {
    expect(isIncomplete(err)).toBe(expected);
  });
});
