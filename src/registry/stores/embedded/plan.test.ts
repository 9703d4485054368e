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
