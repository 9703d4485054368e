// The store contract: what business code may rely on, run unchanged against every store
// (embedded.contract.test.ts, mongo.contract.test.ts). Expected results follow MongoDB's
// semantics; a case belongs here only if MongoDB itself gives that answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Doc, Filter, Id, Store } from '../../src/core/store.ts';
import {
  DuplicateKeyError,
  InvalidUpdateError,
  StoreError,
  UnsupportedQueryError,
} from '../../src/core/store.ts';
import { defineEachContract } from './contract-each.ts';
import { DATA, FILTER_CASES, type FilterDoc } from './fixtures/filters.ts';

export interface StoreHandle {
  store: Store;
  close(): Promise<void>;
}

type AnyDoc = FilterDoc;

export function defineStoreContract(label: string, open: () => Promise<StoreHandle>): void {
  describe(`store contract: ${label}`, () => {
    let h: StoreHandle;
    let store: Store;
    let seq = 0;
    /** A fresh collection per test, so tests never see each other's documents. */
    const fresh = <T extends Doc = AnyDoc>() => store.collection<T>(`t${++seq}`);

    beforeAll(async () => {
      h = await open();
      store = h.store;
      await store.ensureSchema({ q: [{ fields: { s: 1 } }, { fields: { n: 1, s: 1 } }], qi: [] });
      await store.collection('q').insertMany(DATA);
      await store.collection('qi').insertMany(DATA);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('answers ping and names its kind', async () => {
      await store.ping();
      expect(['embedded', 'mongodb']).toContain(store.kind);
    });

    describe('filters (with and without indexes)', () => {
      for (const [name, filter, expected] of FILTER_CASES) {
        it(name, async () => {
          for (const c of ['q', 'qi']) {
            const docs = await store.collection<AnyDoc>(c).find(filter);
            expect(
              docs.map((d) => d._id),
              `${c} ${JSON.stringify(filter)}`,
            ).toEqual(expected);
            expect(await store.collection(c).count(filter)).toBe(expected.length);
          }
        });
      }

      it('findOne returns the first match by _id, or null', async () => {
        const q = store.collection<AnyDoc>('q');
        expect((await q.findOne({ n: { $gt: 0 } }))?._id).toBe('a');
        expect(await q.findOne({ s: 'nope' })).toBeNull();
      });

      it('get distinguishes number and string ids and returns whole documents', async () => {
        const q = store.collection<AnyDoc>('q');
        expect(await q.get(5)).toEqual(DATA[4]);
        expect(await q.get('5')).toBeNull();
        expect(await q.get('a')).toEqual(DATA[0]);
      });

      // A filter that pins `_id` is what every write precondition looks like; the MongoDB store
      // reads such a document by `_id` alone on FerretDB and checks the rest itself.
      it('a filter pinned to one _id means the same in find, count and as a write precondition', async () => {
        const c = fresh();
        await c.insertMany(DATA);
        const wrong: string[] = [];
        for (const [name, filter, expected] of FILTER_CASES) {
          for (const d of DATA) {
            const pinned: Filter = { $and: [{ _id: d._id }, filter] };
            const want = expected.includes(d._id);
            const found = (await c.find(pinned)).map((x) => x._id);
            const counted = await c.count(pinned);
            const byOne = await c.findOne({ _id: d._id, $and: [filter] });
            const updated = await c.findOneAndUpdate(pinned, { $inc: { hits: 1 } });
            if (
              JSON.stringify(found) !== JSON.stringify(want ? [d._id] : []) ||
              counted !== (want ? 1 : 0) ||
              (byOne !== null) !== want ||
              (updated !== null) !== want
            ) {
              wrong.push(`${name} on ${JSON.stringify(d._id)}: expected ${want ? 'a match' : 'none'}`);
            }
          }
        }
        expect(wrong).toEqual([]);
        // The writes went to the documents that matched, once per matching case, nowhere else.
        for (const d of DATA) {
          const hits = FILTER_CASES.filter(([, , expected]) => expected.includes(d._id)).length;
          expect((await c.get(d._id))?.hits, JSON.stringify(d._id)).toBe(hits || undefined);
        }
      });
    });

    describe('sort, limit, skip', () => {
      const ids = async (opts: Parameters<ReturnType<Store['collection']>['find']>[1]) =>
        (await store.collection<AnyDoc>('q').find({}, opts)).map((d) => d._id);

      it('numbers sort before strings', async () => {
        expect(await ids({ sort: { n: 1 } })).toEqual([5, 'a', 'b', 'd', 'c']);
        expect(await ids({ sort: { n: -1 } })).toEqual(['c', 'd', 'b', 'a', 5]);
      });
      it('missing sorts first ascending, last descending', async () => {
        expect(await ids({ sort: { s: 1 } })).toEqual(['d', 'c', 'a', 'b', 5]);
        expect(await ids({ sort: { s: -1 } })).toEqual([5, 'b', 'a', 'c', 'd']);
      });
      it('skip and limit apply after the sort', async () => {
        expect(await ids({ sort: { s: -1 }, skip: 1, limit: 2 })).toEqual(['b', 'a']);
        expect(await ids({ sort: { s: -1 }, skip: 4, limit: 2 })).toEqual(['d']);
        expect(await ids({ sort: { s: -1 }, skip: 9 })).toEqual([]);
        expect(await ids({ limit: 0 })).toEqual([5, 'a', 'b', 'c', 'd']);
      });
      it('ties break by _id ascending; null and missing before booleans', async () => {
        expect(await ids({ sort: { b: 1 } })).toEqual([5, 'c', 'd', 'b', 'a']);
        expect(await ids({ sort: { b: -1 } })).toEqual(['a', 'b', 5, 'c', 'd']);
      });
      it('sorts by a nested field and by _id descending', async () => {
        expect(await ids({ sort: { 'o.q': -1, _id: -1 }, limit: 2 })).toEqual(['a', 'd']);
        expect(await ids({ sort: { _id: -1 } })).toEqual(['d', 'c', 'b', 'a', 5]);
      });
      it('paginates a larger set through an index without losing or repeating', async () => {
        const c = fresh();
        await store.ensureSchema({ [c.name]: [{ fields: { g: 1, v: 1 } }] });
        const docs = Array.from({ length: 95 }, (_, i) => ({
          _id: `p${String(i).padStart(3, '0')}`,
          g: i % 2,
          v: i % 7,
        }));
        expect((await c.insertMany(docs)).inserted).toBe(95);
        const seen: Id[] = [];
        for (let page = 0; ; page++) {
          const got = await c.find({ g: 1 }, { sort: { v: 1 }, skip: page * 10, limit: 10 });
          if (got.length === 0) break;
          seen.push(...got.map((d) => d._id));
        }
        const expected = docs
          .filter((d) => d.g === 1)
          .sort((x, y) => x.v - y.v || (x._id < y._id ? -1 : 1))
          .map((d) => d._id);
        expect(seen).toEqual(expected);
      });
    });

    describe('insert, insertMany, delete, replace', () => {
      it('insert rejects a duplicate _id with DuplicateKeyError naming it', async () => {
        const c = fresh();
        await c.insert({ _id: 'k', v: 1 });
        const err = await c.insert({ _id: 'k', v: 2 }).catch((e) => e);
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect(err.id).toBe('k');
        expect(err.message).toContain(c.name);
        expect(await c.get('k')).toEqual({ _id: 'k', v: 1 });
      });
      it('number and string ids are distinct keys', async () => {
        const c = fresh();
        await c.insert({ _id: 1, v: 'n' });
        await c.insert({ _id: '1', v: 's' });
        expect(await c.count({})).toBe(2);
      });
      it('insertMany inserts what it can and reports duplicates (existing and in the batch)', async () => {
        const c = fresh();
        await c.insert({ _id: 'x', v: 0 });
        const r = await c.insertMany([
          { _id: 'w', v: 1 },
          { _id: 'x', v: 1 },
          { _id: 'y', v: 1 },
          { _id: 'w', v: 2 },
          { _id: 'z', v: 1 },
        ]);
        expect(r.inserted).toBe(3);
        expect([...r.duplicates].sort()).toEqual(['w', 'x']);
        expect((await c.find({})).map((d) => [d._id, d.v])).toEqual([
          ['w', 1],
          ['x', 0],
          ['y', 1],
          ['z', 1],
        ]);
        expect(await c.insertMany([])).toEqual({ inserted: 0, duplicates: [] });
      });
      it('drops undefined properties like JSON', async () => {
        const c = fresh();
        await c.insert({ _id: 'u', a: 1, gone: undefined });
        expect(await c.get('u')).toEqual({ _id: 'u', a: 1 });
        expect(await c.count({ gone: { $exists: true } })).toBe(0);
      });
      it('keeps strings, numbers, nested objects and unicode exactly', async () => {
        const c = fresh();
        const doc = {
          _id: 'é✓',
          s: 'line\n"quoted"\\ ünïcödé 𝄞',
          big: 2 ** 52,
          neg: -0.125,
          deep: { a: [1, { b: null, c: [true, 'x'] }] },
        };
        await c.insert(doc);
        expect(await c.get('é✓')).toEqual(doc);
        expect((await c.find({ s: doc.s })).length).toBe(1);
      });
      it('findOneAndDelete returns the deleted document', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', v: 1 },
          { _id: 'b', v: 1 },
        ]);
        expect(await c.findOneAndDelete({ v: 1 })).toEqual({ _id: 'a', v: 1 });
        expect(await c.get('a')).toBeNull();
        expect(await c.findOneAndDelete({ v: 2 })).toBeNull();
      });
      it('deleteMany returns the count', async () => {
        const c = fresh();
        await c.insertMany([1, 2, 3, 4].map((i) => ({ _id: i, odd: i % 2 === 1 })));
        expect(await c.deleteMany({ odd: true })).toBe(2);
        expect(await c.deleteMany({ odd: true })).toBe(0);
        expect((await c.find({})).map((d) => d._id)).toEqual([2, 4]);
      });
      it('findOneAndReplace replaces the whole document', async () => {
        const c = fresh();
        await c.insert({ _id: 'r', a: 1, b: 2 });
        expect(await c.findOneAndReplace({ _id: 'r', a: 1 }, { _id: 'r', c: 3 })).toEqual({ _id: 'r', c: 3 });
        expect(await c.get('r')).toEqual({ _id: 'r', c: 3 });
        expect(await c.findOneAndReplace({ _id: 'r', a: 1 }, { _id: 'r', d: 4 })).toBeNull();
        await expect(c.findOneAndReplace({ _id: 'r' }, { _id: 'other', d: 4 })).rejects.toBeInstanceOf(
          StoreError,
        );
        expect(await c.get('r')).toEqual({ _id: 'r', c: 3 });
      });
    });

    describe('update operators', () => {
      const run = async (
        before: AnyDoc,
        update: Parameters<ReturnType<Store['collection']>['findOneAndUpdate']>[1],
      ) => {
        const c = fresh();
        await c.insert(before);
        return c.findOneAndUpdate({ _id: before._id }, update);
      };
      const CASES: Array<
        [string, AnyDoc, Parameters<ReturnType<Store['collection']>['findOneAndUpdate']>[1], AnyDoc]
      > = [
        ['$set replaces and adds', { _id: 1, a: 1 }, { $set: { a: 2, b: 'x' } }, { _id: 1, a: 2, b: 'x' }],
        ['$set creates nested objects', { _id: 1 }, { $set: { 'x.y.z': 1 } }, { _id: 1, x: { y: { z: 1 } } }],
        [
          '$set into an existing object',
          { _id: 1, o: { a: 1 } },
          { $set: { 'o.b': [1, { c: null }] } },
          { _id: 1, o: { a: 1, b: [1, { c: null }] } },
        ],
        ['$set null', { _id: 1, a: 1 }, { $set: { a: null } }, { _id: 1, a: null }],
        [
          '$unset existing, nested and missing',
          { _id: 1, a: 1, o: { b: 1, c: 2 } },
          { $unset: { a: '', 'o.b': 1, nope: true } },
          { _id: 1, o: { c: 2 } },
        ],
        ['$inc existing', { _id: 1, n: 5 }, { $inc: { n: -2 } }, { _id: 1, n: 3 }],
        ['$inc missing creates', { _id: 1 }, { $inc: { n: 1.5, 'o.m': 2 } }, { _id: 1, n: 1.5, o: { m: 2 } }],
        ['$push existing', { _id: 1, l: ['a'] }, { $push: { l: 'b' } }, { _id: 1, l: ['a', 'b'] }],
        ['$push missing creates', { _id: 1 }, { $push: { l: { k: 1 } } }, { _id: 1, l: [{ k: 1 }] }],
        [
          '$pull every equal scalar',
          { _id: 1, l: ['a', 'b', 'a', 1] },
          { $pull: { l: 'a' } },
          { _id: 1, l: ['b', 1] },
        ],
        [
          '$pull number does not pull a string',
          { _id: 1, l: [1, '1'] },
          { $pull: { l: 1 } },
          { _id: 1, l: ['1'] },
        ],
        [
          '$pull with an object is a query on the elements',
          { _id: 1, l: [{ k: 1, x: 'a' }, { k: 2 }, { k: 1 }] },
          { $pull: { l: { k: 1 } } },
          { _id: 1, l: [{ k: 2 }] },
        ],
        ['$pull on a missing field does nothing', { _id: 1, a: 1 }, { $pull: { l: 'x' } }, { _id: 1, a: 1 }],
        [
          '$setOnInsert ignored on update',
          { _id: 1, a: 1 },
          { $set: { a: 2 }, $setOnInsert: { b: 1 } },
          { _id: 1, a: 2 },
        ],
        [
          'several operators at once',
          { _id: 1, n: 1, l: [] },
          { $inc: { n: 1 }, $push: { l: 1 }, $set: { s: 'x' } },
          { _id: 1, n: 2, l: [1], s: 'x' },
        ],
      ];
      for (const [name, before, update, after] of CASES) {
        it(name, async () => {
          expect(await run(before, update)).toEqual(after);
        });
      }

      const INVALID: Array<
        [string, AnyDoc, Parameters<ReturnType<Store['collection']>['findOneAndUpdate']>[1]]
      > = [
        ['$inc on a string', { _id: 1, n: 'x' }, { $inc: { n: 1 } }],
        ['$push on a non-array', { _id: 1, l: 'x' }, { $push: { l: 1 } }],
        ['$pull on a non-array', { _id: 1, l: 3 }, { $pull: { l: 1 } }],
        ['$set through a scalar', { _id: 1, a: 5 }, { $set: { 'a.b': 1 } }],
      ];
      for (const [name, before, update] of INVALID) {
        it(`rejects ${name} with InvalidUpdateError and changes nothing`, async () => {
          const c = fresh();
          await c.insert(before);
          await expect(c.findOneAndUpdate({ _id: before._id }, update)).rejects.toBeInstanceOf(
            InvalidUpdateError,
          );
          expect(await c.get(before._id)).toEqual(before);
        });
      }

      it('returns the document before or after', async () => {
        const c = fresh();
        await c.insert({ _id: 'v', n: 1 });
        expect(
          await c.findOneAndUpdate({ _id: 'v' }, { $inc: { n: 1 } }, { returnDocument: 'before' }),
        ).toEqual({ _id: 'v', n: 1 });
        expect(
          await c.findOneAndUpdate({ _id: 'v' }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
        ).toEqual({ _id: 'v', n: 3 });
        expect(await c.findOneAndUpdate({ _id: 'v' }, { $inc: { n: 1 } })).toEqual({ _id: 'v', n: 4 });
      });
      it('returns null and changes nothing when the precondition fails', async () => {
        const c = fresh();
        await c.insert({ _id: 'v', status: 'sold' });
        expect(
          await c.findOneAndUpdate({ _id: 'v', status: 'available' }, { $set: { status: 'reserved' } }),
        ).toBeNull();
        expect(await c.findOneAndUpdate({ _id: 'nope' }, { $set: { status: 'reserved' } })).toBeNull();
        expect(await c.get('v')).toEqual({ _id: 'v', status: 'sold' });
      });
      it('updates the first document in sort order', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'a', p: 3, st: 'free' },
          { _id: 'b', p: 1, st: 'free' },
          { _id: 'c', p: 2, st: 'free' },
        ]);
        const got = await c.findOneAndUpdate({ st: 'free' }, { $set: { st: 'taken' } }, { sort: { p: 1 } });
        expect(got?._id).toBe('b');
        const next = await c.findOneAndUpdate({ st: 'free' }, { $set: { st: 'taken' } }, { sort: { p: -1 } });
        expect(next?._id).toBe('a');
      });
    });

    describe('upsert', () => {
      it('inserts from the filter equalities, $setOnInsert and the update', async () => {
        const c = fresh();
        const doc = await c.findOneAndUpdate(
          { _id: 'u', kind: 'pin', 'o.cc': 'KR', n: { $eq: 7 }, $and: [{ z: true }], range: { $gt: 1 } },
          { $set: { s: 1 }, $setOnInsert: { created: 5 }, $inc: { cnt: 1 } },
          { upsert: true },
        );
        expect(doc).toEqual({
          _id: 'u',
          kind: 'pin',
          o: { cc: 'KR' },
          n: 7,
          z: true,
          s: 1,
          created: 5,
          cnt: 1,
        });
        expect(await c.get('u')).toEqual(doc);
      });
      it('updates instead when the document matches', async () => {
        const c = fresh();
        await c.insert({ _id: 'u', cnt: 4 });
        expect(
          await c.findOneAndUpdate(
            { _id: 'u' },
            { $inc: { cnt: 1 }, $setOnInsert: { x: 1 } },
            { upsert: true },
          ),
        ).toEqual({
          _id: 'u',
          cnt: 5,
        });
      });
      it('returns null for returnDocument before when it inserted', async () => {
        const c = fresh();
        expect(
          await c.findOneAndUpdate(
            { _id: 'u' },
            { $set: { a: 1 } },
            { upsert: true, returnDocument: 'before' },
          ),
        ).toBeNull();
        expect(await c.get('u')).toEqual({ _id: 'u', a: 1 });
      });
      it('takes _id from $setOnInsert', async () => {
        const c = fresh();
        const doc = await c.findOneAndUpdate(
          { key: 'k' },
          { $setOnInsert: { _id: 'from-insert' }, $set: { a: 1 } },
          { upsert: true },
        );
        expect(doc).toEqual({ _id: 'from-insert', key: 'k', a: 1 });
      });
      it('refuses to invent an _id', async () => {
        const c = fresh();
        await expect(
          c.findOneAndUpdate({ key: 'k' }, { $set: { a: 1 } }, { upsert: true }),
        ).rejects.toBeInstanceOf(UnsupportedQueryError);
        expect(await c.count({})).toBe(0);
      });
      it('raises DuplicateKeyError when the _id exists but does not match', async () => {
        const c = fresh();
        await c.insert({ _id: 'u', status: 'sold' });
        const err = await c
          .findOneAndUpdate(
            { _id: 'u', status: 'available' },
            { $set: { status: 'reserved' } },
            { upsert: true },
          )
          .catch((e) => e);
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect(await c.get('u')).toEqual({ _id: 'u', status: 'sold' });
      });
      it('concurrent upserts of one new _id all count (the upsert race)', async () => {
        const c = fresh();
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            c.findOneAndUpdate({ _id: 'ctr' }, { $inc: { seq: 1 } }, { upsert: true }),
          ),
        );
        expect(results.map((r) => r?.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        expect(await c.get('ctr')).toEqual({ _id: 'ctr', seq: 20 });
      });
    });

    defineEachContract(() => fresh());

    describe('concurrency', () => {
      it('50 concurrent conditional updates of one document have exactly one winner', async () => {
        const c = fresh();
        await c.insert({ _id: 'num', status: 'available' });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            c.findOneAndUpdate({ _id: 'num', status: 'available' }, { $set: { status: 'reserved', by: i } }),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await c.get('num')).toEqual({ _id: 'num', status: 'reserved', by: winners[0]!.by });
      });
      it('concurrent $inc lose no increment', async () => {
        const c = fresh();
        await c.insert({ _id: 'n', v: 0 });
        await Promise.all(
          Array.from({ length: 40 }, () => c.findOneAndUpdate({ _id: 'n' }, { $inc: { v: 1 } })),
        );
        expect((await c.get('n'))?.v).toBe(40);
      });
      it('concurrent inserts of one _id: exactly one succeeds', async () => {
        const c = fresh();
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => c.insert({ _id: 'once', i })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateKeyError);
      });
    });

    describe('outside the supported subset: UnsupportedQueryError before anything happens', () => {
      const BAD_FILTERS: Array<[string, unknown]> = [
        ['unknown top-level operator', { $where: 'true' }],
        ['unknown field operator', { a: { $elemMatch: { b: 1 } } }],
        ['embedded document equality', { a: { b: 1 } }],
        ['array value', { a: [1, 2] }],
        ['empty $or', { $or: [] }],
        ['path with $', { 'a.$b': 1 }],
        ['empty path segment', { 'a..b': 1 }],
        ['array position', { 'a.0': 1 }],
        ['$in without array', { a: { $in: 'x' } }],
        ['$gt with null', { a: { $gt: null } }],
        ['bad regex', { a: { $regex: '(' } }],
      ];
      for (const [name, filter] of BAD_FILTERS) {
        it(`filter: ${name}`, async () => {
          const q = store.collection('q');
          await expect(q.find(filter as Filter)).rejects.toBeInstanceOf(UnsupportedQueryError);
          await expect(q.findOneAndUpdate(filter as Filter, { $set: { x: 1 } })).rejects.toBeInstanceOf(
            UnsupportedQueryError,
          );
        });
      }
      const BAD_UPDATES: Array<[string, unknown]> = [
        ['empty update', {}],
        ['unknown operator', { $rename: { a: 'b' } }],
        ['changing _id', { $set: { _id: 'x' } }],
        ['conflicting paths', { $set: { a: 1 }, $inc: { 'a.b': 1 } }],
        ['same path twice', { $set: { a: 1 }, $unset: { a: '' } }],
        ['$inc by a string', { $inc: { n: '1' } }],
        ['undefined value', { $set: { a: undefined } }],
        ['empty $set', { $set: {} }],
      ];
      for (const [name, update] of BAD_UPDATES) {
        it(`update: ${name}`, async () => {
          const c = fresh();
          await c.insert({ _id: 1, a: 0, n: 0 });
          await expect(c.findOneAndUpdate({ _id: 1 }, update as never)).rejects.toBeInstanceOf(
            UnsupportedQueryError,
          );
          expect(await c.get(1)).toEqual({ _id: 1, a: 0, n: 0 });
        });
      }
      it('documents that are not plain JSON, or that FerretDB v1 cannot store', async () => {
        const c = fresh();
        const BAD: unknown[] = [
          { _id: 1, a: [1, [2]] },
          { _id: 1, a: { $x: 1 } },
          { _id: 1, 'a.b': 1 },
          { _id: 1, a: Number.NaN },
          { _id: 1, a: new Date(0) },
          { _id: 1, a: [undefined] },
        ];
        for (const doc of BAD) {
          await expect(c.insert(doc as never), JSON.stringify(doc)).rejects.toBeInstanceOf(
            UnsupportedQueryError,
          );
        }
        await c.insert({ _id: 2, l: [] });
        await expect(c.findOneAndUpdate({ _id: 2 }, { $push: { l: [1] } })).rejects.toBeInstanceOf(
          UnsupportedQueryError,
        );
        await expect(c.findOneAndUpdate({ _id: 2 }, { $set: { m: [[1]] } })).rejects.toBeInstanceOf(
          UnsupportedQueryError,
        );
        expect(await c.count({})).toBe(1);
      });
      it('bad sort, limit, ids and collection names', async () => {
        const q = store.collection('q');
        await expect(q.find({}, { sort: { s: 2 as 1 } })).rejects.toBeInstanceOf(UnsupportedQueryError);
        await expect(q.find({}, { limit: -1 })).rejects.toBeInstanceOf(UnsupportedQueryError);
        await expect(q.insert({ _id: '' })).rejects.toBeInstanceOf(UnsupportedQueryError);
        await expect(q.insert({ _id: { a: 1 } as never })).rejects.toBeInstanceOf(UnsupportedQueryError);
        expect(() => store.collection('bad name; drop')).toThrow(UnsupportedQueryError);
      });
    });
  });
}
