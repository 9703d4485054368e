import { describe, expect, it } from 'vitest';
import { DATA, FILTER_CASES } from '#test/registry/fixtures/filters';
import { compareStrings, matches } from './match.ts';
import { parseFilter } from './query.ts';

const ids = (filter: Parameters<typeof parseFilter>[1]) => {
  const node = parseFilter('t', filter);
  return DATA.filter((d) => matches(node, d)).map((d) => d._id);
};
const byId = (a: string | number, b: string | number) =>
  typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1;

describe('matches: the store contract filter cases', () => {
  for (const [name, filter, expected] of FILTER_CASES) {
    it(name, () => {
      expect(ids(filter).sort(byId)).toEqual(expected);
    });
  }
});

describe('matches: edge cases of paths through arrays', () => {
  const m = (filter: Parameters<typeof parseFilter>[1], doc: object) =>
    matches(parseFilter('t', filter), { _id: 'x', ...doc });

  it('an element of an array of objects without the field equals null', () => {
    expect(m({ 'arr.m': null }, { arr: [{ m: 1 }, { k: 2 }] })).toBe(true);
    expect(m({ 'arr.m': null }, { arr: [{ m: 1 }] })).toBe(false);
    // An empty array has no element to look into; scalars inside are skipped.
    expect(m({ 'arr.m': null }, { arr: [] })).toBe(false);
    expect(m({ 'arr.m': null }, { arr: ['s', 3] })).toBe(false);
  });
  it('looks through nested arrays of objects', () => {
    const doc = { a: [{ b: [{ c: 'x' }, { c: 'y' }] }, { b: { c: 'z' } }] };
    expect(m({ 'a.b.c': 'y' }, doc)).toBe(true);
    expect(m({ 'a.b.c': 'z' }, doc)).toBe(true);
    expect(m({ 'a.b.c': { $in: ['q', 'x'] } }, doc)).toBe(true);
    expect(m({ 'a.b.c': { $ne: 'x' } }, doc)).toBe(false);
    expect(m({ 'a.b.c': { $gt: 'y' } }, doc)).toBe(true);
    expect(m({ 'a.b.d': { $exists: true } }, doc)).toBe(false);
  });
  it('an array never equals a scalar, an object never equals anything', () => {
    expect(m({ o: 'x' }, { o: { a: 'x' } })).toBe(false);
    expect(m({ o: { $exists: true } }, { o: {} })).toBe(true);
    expect(m({ t: { $gte: 0 } }, { t: [] })).toBe(false);
  });
  it('a regex tests strings only, unanchored unless the pattern anchors', () => {
    expect(m({ s: { $regex: 'b.d' } }, { s: 'abcde' })).toBe(true);
    expect(m({ s: { $regex: '^b' } }, { s: 'abc' })).toBe(false);
    expect(m({ s: { $regex: '1' } }, { s: 1 })).toBe(false);
  });
  it('$nin and $ne with null exclude missing fields', () => {
    expect(m({ s: { $nin: [null] } }, {})).toBe(false);
    expect(m({ s: { $ne: null } }, { s: 0 })).toBe(true);
  });
});

describe('compareStrings: code point order, as MongoDB and SQLite compare UTF-8', () => {
  it('orders a character above U+FFFF after the private use area', () => {
    // In UTF-16 code units '\u{1F600}' (D83D DE00) sorts before '\uE000'; in code points after.
    expect('\u{1F600}' < '\uE000').toBe(true);
    expect(compareStrings('\u{1F600}', '\uE000')).toBeGreaterThan(0);
    expect(compareStrings('\uE000', '\u{1F600}')).toBeLessThan(0);
  });
  it('orders prefixes first and equal strings equal', () => {
    expect(compareStrings('ab', 'abc')).toBeLessThan(0);
    expect(compareStrings('abc', 'abc')).toBe(0);
    expect(compareStrings('b', 'abc')).toBeGreaterThan(0);
    expect(compareStrings('Z', 'a')).toBeLessThan(0);
  });
  it('compares in a range condition', () => {
    const node = parseFilter('t', { s: { $gt: '\uE000' } });
    expect(matches(node, { _id: 1, s: '\u{1F600}' })).toBe(true);
  });
});
