import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collection } from '#core';
import { type TempStore, tempStore } from '#test/api/helpers/store';
import { RegistryError } from './errors.ts';
import { page } from './paging.ts';

interface Item {
  _id: string;
  kind: string;
  digits: string;
  at: number;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
}

describe('registry kernel: the pager', () => {
  let t: TempStore;
  let coll: Collection<Item>;
  beforeEach(async () => {
    t = await tempStore();
    coll = t.store.collection<Item>('numbers');
    // ids, digits and times in different orders; three items share a time
    const rows: [string, string, string, number][] = [
      ['e', 'pin', '820005', 3],
      ['a', 'pin', '820004', 1],
      ['d', 'pin', '820003', 2],
      ['b', 'vns', '820002', 2],
      ['c', 'pin', '820001', 2],
    ];
    await coll.insertMany(rows.map(([_id, kind, digits, at]) => ({ _id, kind, digits, at })));
  });
  afterEach(() => t.close());

  async function all(spec: Parameters<typeof page>[3], filter = {}, limit = 2): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await page(coll, filter, { cursor, limit }, spec, (d) => d._id);
      out.push(...p.items);
      if (p.next === null) return out;
      expect(p.next).toMatch(/^[A-Za-z0-9_-]+$/);
      cursor = p.next;
    }
    throw new Error('no last page');
  }

  it('pages by _id, by a unique key, and by a shared key tied by _id', async () => {
    expect(await all({ list: 'x' })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await all({ list: 'x', key: 'digits' })).toEqual(['c', 'b', 'd', 'a', 'e']);
    expect(await all({ list: 'x', key: 'at', unique: false })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await all({ list: 'x', key: 'at', unique: false }, {}, 1)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("continues after the last key within the filter's own condition on it", async () => {
    const filter = { kind: 'pin', digits: { $regex: '^8200' } };
    expect(await all({ list: 'x', key: 'digits' }, filter)).toEqual(['c', 'd', 'a', 'e']);
  });

  it('is stable when items come and go between pages', async () => {
    const p1 = await page(coll, {}, { limit: 2 }, { list: 'x' }, (d) => d._id);
    await coll.insert({ _id: 'aa', kind: 'pin', digits: '1', at: 0 });
    await coll.findOneAndDelete({ _id: 'c' });
    const p2 = await page(coll, {}, { limit: 2, cursor: p1.next! }, { list: 'x' }, (d) => d._id);
    expect([...p1.items, ...p2.items]).toEqual(['a', 'b', 'd', 'e']);
  });

  it('binds a cursor to its list and query, and refuses one it did not issue', async () => {
    const spec = { list: 'sales: orders', query: { status: 'paid', registrarId: undefined } };
    const p1 = await page(coll, {}, { limit: 1 }, spec, (d) => d._id);
    // the same query written with its keys in another order is the same query
    expect(
      (
        await page(
          coll,
          {},
          { limit: 1, cursor: p1.next! },
          { list: 'sales: orders', query: { registrarId: undefined, status: 'paid' } },
          (d) => d._id,
        )
      ).items,
    ).toEqual(['b']);
    for (const other of [
      { list: 'sales: inventory', query: spec.query },
      { list: 'sales: orders', query: { status: 'reserved' } },
      { list: 'sales: orders', query: spec.query, key: 'at', unique: false },
    ])
      expect(await codeOf(page(coll, {}, { cursor: p1.next! }, other, (d) => d))).toBe('bad-cursor');
    for (const bad of [
      '!!!',
      Buffer.from('hello').toString('base64url'),
      Buffer.from('{"k":{},"q":"x"}').toString('base64url'),
      'a'.repeat(600),
    ]) {
      const err = await page(coll, {}, { cursor: bad }, spec, (d) => d).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect(err).toMatchObject({ code: 'bad-cursor', issues: [{ path: 'cursor' }] });
      expect((err as Error).message).toMatch(/^registry: sales: orders: cursor: /);
    }
  });
});
