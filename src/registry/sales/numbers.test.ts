import { describe, expect, it } from 'vitest';
import { NumberingError } from '#numbering';
import { displayOf, parseNumberRef, refOfKey } from './numbers.ts';

describe('number references', () => {
  it.each([
    ['pin:+82262006200', { id: 'pin:+82262006200', kind: 'pin', e164: '+82262006200' }],
    ['02-6200-6200-082', { id: 'pin:+82262006200', kind: 'pin', e164: '+82262006200' }],
    ['+82 2 6200 6200', { id: 'pin:+82262006200', kind: 'pin', e164: '+82262006200' }],
    ['tel:+82-2-6200-6200', { id: 'pin:+82262006200', kind: 'pin', e164: '+82262006200' }],
    ['vns:62006200', { id: 'vns:62006200', kind: 'vns', base: '62006200' }],
    ['6200-6200#082', { id: 'vns:62006200', kind: 'vns', base: '62006200' }],
  ])('%s', (text, ref) => {
    expect(parseNumberRef(text)).toEqual(ref);
  });

  it.each([['alice@example.com'], ['acme.example'], ['pin:62006200'], ['vns:12'], ['02-6200-6200'], ['']])(
    'refuses %j with a NumberingError',
    (text) => {
      expect(() => parseNumberRef(text)).toThrow(NumberingError);
    },
  );

  it('displays a PIN as people in its country know it and a VNS base grouped', () => {
    expect(displayOf('pin:+82262006200')).toBe('02-6200-6200-082');
    expect(displayOf('vns:62006200')).toBe('6200-6200');
    expect(refOfKey('vns:62006200')).toEqual({ id: 'vns:62006200', kind: 'vns', base: '62006200' });
  });
});
