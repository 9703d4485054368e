import { describe, expect, it } from 'vitest';
import type { Filter, Update } from '#core';
import { UnsupportedQueryError } from '#core';
import { filterEqualities, parseFilter, upsertId, validateDocument, validateUpdate } from './query.ts';

describe('parseFilter', () => {
  it('turns operators into a tree', () => {
    expect(
      parseFilter('t', { a: 1, 'b.c': { $ne: null, $in: ['x'] }, $or: [{ d: { $exists: false } }] }),
    ).toEqual({
      kind: 'and',
      items: [
        { kind: 'cmp', path: ['a'], op: '$eq', value: 1 },
        { kind: 'not', item: { kind: 'cmp', path: ['b', 'c'], op: '$eq', value: null } },
        { kind: 'in', path: ['b', 'c'], values: ['x'] },
        {
          kind: 'or',
          items: [{ kind: 'and', items: [{ kind: 'not', item: { kind: 'exists', path: ['d'] } }] }],
        },
      ],
    });
  });
  const BAD: Array<[string, unknown]> = [
    ['$where', { $where: 'x' }],
    ['$not', { a: { $not: { $eq: 1 } } }],
    ['object value', { a: { b: 1 } }],
    ['NaN', { a: Number.NaN }],
    ['undefined', { a: undefined }],
    ['$exists string', { a: { $exists: 'yes' } }],
    ['$and not array', { $and: { a: 1 } }],
    ['unicode path', { ä: 1 }],
  ];
  for (const [name, f] of BAD) {
    it(`rejects ${name} with a message naming the collection`, () => {
      expect(() => parseFilter('numbers', f as Filter)).toThrow(UnsupportedQueryError);
      expect(() => parseFilter('numbers', f as Filter)).toThrow(/registry: numbers: /);
    });
  }
});

describe('upsert seeds', () => {
  it('collects equalities at the top level and in $and, not in $or', () => {
    expect(
      filterEqualities({
        _id: 'x',
        a: 1,
        b: { $eq: 'y' },
        c: { $gt: 1 },
        $and: [{ d: true }],
        $or: [{ e: 1 }],
      }),
    ).toEqual([
      ['_id', 'x'],
      ['a', 1],
      ['b', 'y'],
      ['d', true],
    ]);
  });
  it('needs an _id', () => {
    expect(upsertId('t', { _id: 5 }, { $set: { a: 1 } })).toBe(5);
    expect(upsertId('t', { a: 1 }, { $setOnInsert: { _id: 'k' } })).toBe('k');
    expect(() => upsertId('t', { a: 1 }, { $set: { b: 1 } })).toThrow(/upsert needs an _id/);
  });
});

describe('validateUpdate', () => {
  const BAD: Array<[string, unknown, RegExp]> = [
    ['empty', {}, /empty update/],
    ['unknown op', { $max: { a: 1 } }, /unsupported update operator/],
    ['_id', { $set: { _id: 1 } }, /_id cannot change/],
    ['conflict', { $set: { 'a.b': 1 }, $unset: { a: '' } }, /conflict/],
    ['$inc NaN', { $inc: { a: Number.NaN } }, /needs a number/],
    ['$pull operator', { $pull: { a: { $gt: 1 } } }, /operators inside \$pull/],
    ['nested array', { $set: { a: [[1]] } }, /arrays inside arrays/],
    ['$push array', { $push: { a: [1] } }, /arrays inside arrays/],
    ['bad key', { $set: { a: { 'x.y': 1 } } }, /field name/],
  ];
  for (const [name, u, msg] of BAD) {
    it(`rejects ${name}`, () => expect(() => validateUpdate('t', u as Update)).toThrow(msg));
  }
  it('accepts the supported operators together', () => {
    expect(() =>
      validateUpdate('t', {
        $set: { a: 1 },
        $unset: { b: '' },
        $inc: { c: 1 },
        $push: { d: { e: 1 } },
        $pull: { f: 'x' },
        $setOnInsert: { _id: 1 },
      }),
    ).not.toThrow();
  });
});

describe('validateDocument', () => {
  it('accepts JSON documents and rejects the rest', () => {
    expect(() =>
      validateDocument('t', { _id: 'a', x: [1, { y: null }], z: { w: 'v' }, u: undefined }),
    ).not.toThrow();
    for (const bad of [
      { _id: null },
      { _id: 'a', d: new Date() },
      { _id: 'a', n: Infinity },
      { _id: 'a', l: [[1]] },
      { _id: 'a', $x: 1 },
    ]) {
      expect(() => validateDocument('t', bad), JSON.stringify(bad)).toThrow(UnsupportedQueryError);
    }
  });
});
