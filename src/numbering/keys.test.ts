import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseIdentifier } from './classify.ts';
import { numberKey, parseNumberKey } from './keys.ts';

describe('numberKey', () => {
  it.each([
    ['02-6200-6200-082', 'pin:+82262006200'],
    ['+82 2 6200 6200', 'pin:+82262006200'], // the same subscriber as the PIN
    ['0082262006200', 'pin:+82262006200'],
    ['6200-6200#082', 'vns:62006200'],
    ['6200-6200#001', 'vns:62006200'], // one base, sold once worldwide
  ])('%s -> %s', (input, key) => {
    const id = parseIdentifier(input);
    if (id.kind !== 'pin' && id.kind !== 'e164' && id.kind !== 'vns') throw new Error('not a number');
    expect(numberKey(id)).toBe(key);
    expect(parseNumberKey(key)).toEqual(
      key.startsWith('pin:') ? { kind: 'pin', e164: key.slice(4) } : { kind: 'vns', base: key.slice(4) },
    );
  });

  it('takes registry MemberNumber shapes', () => {
    expect(numberKey({ kind: 'pin', e164: '+12025550123' })).toBe('pin:+12025550123');
    expect(numberKey({ kind: 'vns', base: '1588' })).toBe('vns:1588');
  });

  it.each([
    [{ kind: 'pin', e164: '82262006200' }, 'invalid-number'],
    [{ kind: 'e164', e164: '' }, 'invalid-number'],
    [{ kind: 'vns', base: '123' }, 'bad-vns'],
    [{ kind: 'vns', base: '6200-6200' }, 'bad-vns'],
  ] as const)('refuses %j', (n, code) => {
    expect(errorOf(() => numberKey(n))?.code).toBe(code);
  });

  it.each(['pin:82262006200', 'vns:12', 'vns:', 'e164:+82262006200', '', 'pin:+82262006200 '])(
    'parseNumberKey refuses %j',
    (key) => {
      expect(errorOf(() => parseNumberKey(key))?.code).toBe('invalid-number');
    },
  );
});
