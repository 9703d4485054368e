import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter } from '#core';
import { silentLogger } from '#core';
import { SCHEMA } from '../../schema.ts';
import { createEmbeddedStore, type EmbeddedStore } from './index.ts';
import { regexPrefix } from './plan.ts';

describe('regexPrefix', () => {
  const CASES: Array<[string, string]> = [
    ['^8210', '8210'],
    ['^8210.*', '8210'],
    ['^82[0-9]+$', '82'],
    ['^821?', '82'],
    ['^82{2}', '8'],
    ['^ab|cd', ''],
    ['8210', ''],
    ['^\\d+', ''],
    ['^', ''],
  ];
  for (const [pattern, prefix] of CASES) {
    it(`${pattern} -> '${prefix}'`, () => expect(regexPrefix(pattern)).toBe(prefix));
  }
});

describe('index use in the embedded store', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-plan-'));
    store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
    await store.ensureSchema(SCHEMA);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each filter must be answered from the named index, never by scanning the whole table.
  const CASES: Array<[string, Filter, RegExp]> = [
    ['by _id', { _id: 'pin:+82262006200' }, /PRIMARY KEY \(id=\?\)/],
    ['by _id list', { _id: { $in: ['a', 'b'] } }, /PRIMARY KEY \(id=\?\)/],
    [
      'sales search',
      { country: 'KR', kind: 'pin', status: 'available' },
      // Either index that starts with (country, kind, status) serves it; SQLite picks one.
      /INDEX ix_numbers__country__kind__status__(digits|price_amount)/,
    ],
    [
      'sales search with a digit prefix',
      { country: 'KR', kind: 'pin', status: 'available', digits: { $regex: '^8210' } },
      /ix_numbers__country__kind__status__digits \(<expr>=\? AND <expr>=\? AND <expr>=\? AND <expr>>\? AND <expr><\?\)/,
    ],
    [
      'expired reservations',
      { status: 'reserved', 'reservation.expiresAt': { $lt: 5 } },
      /ix_numbers__status__reservation_expiresAt/,
    ],
    [
      'numbers of a registrar',
      { registrarId: 'r1', status: { $in: ['sold', 'assigned'] } },
      /ix_numbers__registrarId__status/,
    ],
  ];
  for (const [name, filter, index] of CASES) {
    it(name, () => {
      const plan = store.explain('numbers', filter).join('\n');
      expect(plan).toMatch(index);
      expect(plan).not.toMatch(/^SCAN "?c_numbers"?$/m);
    });
  }

  it('orders by registrar, members by registrar, bindings by member, sweep by marker', () => {
    expect(store.explain('orders', { registrarId: 'r1' }).join('\n')).toMatch(
      /ix_orders__registrarId__createdAt/,
    );
    expect(store.explain('members', { registrarId: 'r1' }).join('\n')).toMatch(/ix_members__registrarId/);
    expect(store.explain('bindings', { memberId: 'm1' }).join('\n')).toMatch(/ix_bindings__memberId/);
    expect(store.explain('members', { publishPendingAt: { $lt: 5 } }).join('\n')).toMatch(
      /ix_members__publishPendingAt/,
    );
  });

  it('a filter on an unindexed field scans', () => {
    expect(store.explain('numbers', { price: 5 }).join('\n')).toMatch(/SCAN/);
  });
});

describe('sorted, limited reads in index order (the store search)', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-plan-ordered-'));
    store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
    await store.ensureSchema(SCHEMA);
    const numbers = store.collection<{
      _id: string;
      country: unknown;
      kind: string;
      status: string;
      digits: unknown;
    }>('numbers');
    const docs = [];
    for (let i = 0; i < 3000; i++)
      docs.push({
        _id: `n${String(i).padStart(5, '0')}`,
        country: i % 3 === 0 ? 'JP' : 'KR',
        kind: 'pin',
        status: i % 5 === 0 ? 'sold' : 'available',
        digits: `82${String(7_000_000 - i * 7).padStart(9, '0')}`,
      });
    // rows whose paths cross arrays match by their elements (MongoDB's rule), and must not be lost
    docs.push({
      _id: 'arr1',
      country: ['KR', 'US'],
      kind: 'pin',
      status: 'available',
      digits: '820000000001',
    });
    docs.push({ _id: 'tie2', country: 'KR', kind: 'pin', status: 'available', digits: '820000000002' });
    docs.push({ _id: 'tie1', country: 'KR', kind: 'pin', status: 'available', digits: '820000000002' });
    await numbers.insertMany(docs as never);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns exactly what sorting every match returns, page after page, with and without a pattern', async () => {
    const numbers = store.collection<{ _id: string; digits: string }>('numbers');
    for (const filter of [
      { country: 'KR', kind: 'pin', status: 'available' },
      { country: 'KR', kind: 'pin', status: 'available', digits: { $regex: '^82.*77' } },
      { country: 'KR', kind: 'pin', status: 'available', digits: { $gt: '82006000000' } },
    ] as Filter[]) {
      const all = (await numbers.find(filter)).sort((a, b) =>
        a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : a._id < b._id ? -1 : 1,
      );
      for (const [skip, limit] of [
        [0, 21],
        [21, 21],
        [0, 1],
        [500, 50],
      ] as const) {
        const page = await numbers.find(filter, { sort: { digits: 1 }, skip, limit });
        expect(
          page.map((d) => d._id),
          JSON.stringify({ filter, skip }),
        ).toEqual(all.slice(skip, skip + limit).map((d) => d._id));
      }
    }
    const first = await numbers.find(
      { country: 'KR', kind: 'pin', status: 'available' },
      { sort: { digits: 1 }, limit: 3 },
    );
    expect(first.map((d) => d._id)).toEqual(['arr1', 'tie1', 'tie2']);
  });
});
