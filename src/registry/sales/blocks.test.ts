import { describe, expect, it } from 'vitest';
import { expandBlock } from './blocks.ts';

describe('expandBlock', () => {
  it('counts a PIN range up from its first number, in any written form', () => {
    for (const first of ['02-6200-6198', '+82 2 6200 6198', '02-6200-6198-082', 'tel:+82-2-6200-6198']) {
      const r = expandBlock({ country: 'KR', kind: 'pin', range: { first, count: 3 } });
      expect(r.invalid).toEqual([]);
      expect(r.entries.map((e) => [e.id, e.digits, e.memorable])).toEqual([
        ['pin:+82262006198', '82262006198', '262006198'],
        ['pin:+82262006199', '82262006199', '262006199'],
        ['pin:+82262006200', '82262006200', '262006200'],
      ]);
    }
  });

  it('reads a PIN list in the block country and keeps duplicates once', () => {
    const r = expandBlock({
      country: 'KR',
      kind: 'pin',
      numbers: ['02-6200-6200', '+82262006200', '031-123-4567'],
    });
    expect(r.invalid).toEqual([]);
    expect(r.entries.map((e) => e.id)).toEqual(['pin:+82262006200', 'pin:+82311234567']);
  });

  it.each([
    ['+1 212 555 0100', /a number of US, not of KR/],
    ['alice@example.com', /not a telephone number/],
    ['abc', /not a telephone number/],
    ['02-6200', /too short|invalid|not a valid/],
    ['6200-6200#082', /not a telephone number|VNS/],
    ['', /nothing|empty/],
  ])('refuses %j in a KR PIN block', (number, reason) => {
    const r = expandBlock({ country: 'KR', kind: 'pin', numbers: [number] });
    expect(r.entries).toEqual([]);
    expect(r.invalid).toHaveLength(1);
    expect(r.invalid[0]!.reason).toMatch(reason);
  });

  it('refuses a whole range whose first number is invalid', () => {
    const r = expandBlock({ country: 'KR', kind: 'pin', range: { first: '+1 212 555 0100', count: 100 } });
    expect(r.entries).toEqual([]);
    expect(r.invalid).toHaveLength(1);
  });

  it('reports numbers of a range that are not valid numbers', () => {
    // Counting past Seoul's 02-999-9999 reaches +82 30..., which is no number range.
    const r = expandBlock({ country: 'KR', kind: 'pin', range: { first: '02-999-9998', count: 3 } });
    expect(r.entries.map((e) => e.id)).toEqual(['pin:+8229999998', 'pin:+8229999999']);
    expect(r.invalid).toHaveLength(1);
  });

  it('stocks VNS bases as digits, keeping their length', () => {
    const r = expandBlock({ country: 'KR', kind: 'vns', range: { first: '6200-6198', count: 3 } });
    expect(r.entries.map((e) => [e.id, e.digits, e.memorable])).toEqual([
      ['vns:62006198', '62006198', '62006198'],
      ['vns:62006199', '62006199', '62006199'],
      ['vns:62006200', '62006200', '62006200'],
    ]);
    expect(
      expandBlock({ country: 'KR', kind: 'vns', numbers: ['0007', '0007'] }).entries.map((e) => e.id),
    ).toEqual(['vns:0007']);
  });

  it('stops a VNS range at the last base of its length', () => {
    const r = expandBlock({ country: 'KR', kind: 'vns', range: { first: '9998', count: 4 } });
    expect(r.entries.map((e) => e.id)).toEqual(['vns:9998', 'vns:9999']);
    expect(r.invalid[0]!.reason).toMatch(/run past the last number of that length/);
  });

  it.each([['123'], ['1234567890123'], ['62a0'], ['62-00-#']])('refuses the VNS base %j', (base) => {
    const r = expandBlock({ country: 'KR', kind: 'vns', numbers: [base] });
    expect(r.entries).toEqual([]);
    expect(r.invalid).toHaveLength(1);
  });
});
