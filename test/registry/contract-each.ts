// The store contract's batch of single-document writes (Collection.findOneAndUpdateEach, see
// src/core/store.ts), run on every store from contract.ts: each write has findOneAndUpdate's
// result, writes to one `_id` apply in order, one write's failure leaves the others, a batch
// that is outside the subset writes nothing, and batches racing other writers lose no update.
import { describe, expect, it } from 'vitest';
import type { Collection, Doc, EachResult } from '../../src/core/store.ts';
import { DuplicateKeyError, InvalidUpdateError, UnsupportedQueryError } from '../../src/core/store.ts';

type D = Doc & Record<string, unknown>;

const docs = <T>(rs: EachResult<T>[]) => rs.map((r) => (r.ok ? r.doc : r.error.name));

export function defineEachContract(fresh: () => Collection<D>): void {
  describe('findOneAndUpdateEach', () => {
    it("gives each write findOneAndUpdate's result, in the writes' order", async () => {
      const c = fresh();
      await c.insertMany([
        { _id: 'a', n: 1, st: 'free' },
        { _id: 'b', n: 5, st: 'sold' },
        { _id: 7, n: 0 },
      ]);
      const rs = await c.findOneAndUpdateEach([
        { filter: { _id: 'a', st: 'free' }, update: { $inc: { n: 1 }, $set: { st: 'taken' } } },
        { filter: { _id: 'b', st: 'free' }, update: { $set: { st: 'taken' } } },
        { filter: { _id: 7 }, update: { $inc: { n: 2 } }, options: { returnDocument: 'before' } },
        { filter: { _id: 'new', k: 'x' }, update: { $set: { n: 1 } }, options: { upsert: true } },
        { filter: { _id: 'nope' }, update: { $set: { n: 1 } } },
      ]);
      expect(docs(rs)).toEqual([
        { _id: 'a', n: 2, st: 'taken' },
        null,
        { _id: 7, n: 0 },
        { _id: 'new', k: 'x', n: 1 },
        null,
      ]);
      expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: 7, n: 2 },
        { _id: 'a', n: 2, st: 'taken' },
        { _id: 'b', n: 5, st: 'sold' },
        { _id: 'new', k: 'x', n: 1 },
      ]);
      expect(await c.findOneAndUpdateEach([])).toEqual([]);
    });

    it('applies the writes to one _id in the given order', async () => {
      const c = fresh();
      await c.insertMany([
        { _id: 's', v: 0, log: [] },
        { _id: 't', v: 0, log: [] },
      ]);
      // each write's precondition is the state the write before it leaves
      const ops = [0, 1, 2, 3, 4].flatMap((k) =>
        ['s', 't'].map((id) => ({
          filter: { _id: id, v: k },
          update: { $set: { v: k + 1 }, $push: { log: k } },
        })),
      );
      const rs = await c.findOneAndUpdateEach(ops);
      expect(rs.every((r) => r.ok && r.doc !== null)).toBe(true);
      expect(await c.get('s')).toEqual({ _id: 's', v: 5, log: [0, 1, 2, 3, 4] });
      expect(await c.get('t')).toEqual({ _id: 't', v: 5, log: [0, 1, 2, 3, 4] });
    });

    it('reports a write that fails in its result and applies the others', async () => {
      const c = fresh();
      await c.insertMany([
        { _id: 'a', n: 1 },
        { _id: 'str', n: 'text' },
        { _id: 'taken', st: 'sold' },
      ]);
      const rs = await c.findOneAndUpdateEach([
        { filter: { _id: 'str' }, update: { $inc: { n: 1 } } },
        { filter: { _id: 'a' }, update: { $inc: { n: 1 } } },
        { filter: { _id: 'taken', st: 'free' }, update: { $set: { st: 'x' } }, options: { upsert: true } },
        { filter: { _id: 'a' }, update: { $inc: { n: 10 } } },
      ]);
      expect(rs[0]).toMatchObject({ ok: false });
      expect(!rs[0]!.ok && rs[0]!.error).toBeInstanceOf(InvalidUpdateError);
      expect(!rs[2]!.ok && rs[2]!.error).toBeInstanceOf(DuplicateKeyError);
      expect(docs([rs[1]!, rs[3]!])).toEqual([
        { _id: 'a', n: 2 },
        { _id: 'a', n: 12 },
      ]);
      expect(await c.get('str')).toEqual({ _id: 'str', n: 'text' });
      expect(await c.get('taken')).toEqual({ _id: 'taken', st: 'sold' });
    });

    it('writes nothing when a write is outside the subset or pins no _id', async () => {
      const c = fresh();
      await c.insertMany([
        { _id: 'a', n: 1, st: 'x' },
        { _id: 'b', n: 1, st: 'x' },
      ]);
      const inc = { filter: { _id: 'a' }, update: { $inc: { n: 1 } } };
      await expect(
        c.findOneAndUpdateEach([inc, { filter: { st: 'x' }, update: { $inc: { n: 1 } } }]),
      ).rejects.toBeInstanceOf(UnsupportedQueryError);
      await expect(
        c.findOneAndUpdateEach([inc, { filter: { _id: { $in: ['a', 'b'] } }, update: { $inc: { n: 1 } } }]),
      ).rejects.toBeInstanceOf(UnsupportedQueryError);
      await expect(
        c.findOneAndUpdateEach([inc, { filter: { _id: 'b' }, update: { $rename: { n: 'm' } } as never }]),
      ).rejects.toBeInstanceOf(UnsupportedQueryError);
      await expect(
        c.findOneAndUpdateEach([
          inc,
          { filter: { _id: 'b', $where: '1' } as never, update: { $inc: { n: 1 } } },
        ]),
      ).rejects.toBeInstanceOf(UnsupportedQueryError);
      expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: 'a', n: 1, st: 'x' },
        { _id: 'b', n: 1, st: 'x' },
      ]);
    });

    it('batches racing each other and single writers lose no increment', async () => {
      const c = fresh();
      const ids = Array.from({ length: 12 }, (_, i) => `d${i}`);
      await c.insertMany(ids.map((_id) => ({ _id, v: 0 })));
      const batch = () =>
        c.findOneAndUpdateEach(ids.map((_id) => ({ filter: { _id }, update: { $inc: { v: 1 } } })));
      const rs = await Promise.all([
        batch(),
        batch(),
        batch(),
        ...ids.map((_id) => c.findOneAndUpdate({ _id }, { $inc: { v: 1 } })),
      ]);
      for (const r of rs.slice(0, 3) as EachResult<D>[][]) expect(r.every((x) => x.ok && x.doc)).toBe(true);
      expect((await c.find({})).map((d) => d.v)).toEqual(ids.map(() => 4));
    });
  });
}
