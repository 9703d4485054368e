import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber } from '#core';
import { codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';
import { memorableOf } from './stock.ts';

describe('stocking', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('stores available numbers with their price, once per key across registrars', async () => {
    s = await embeddedServices();
    const r = await s.sales.stock(REG_A, {
      country: 'KR',
      kind: 'pin',
      numbers: ['02-6200-6200', '02-6200-1234'],
    });
    expect(r).toEqual({ registrarId: 'reg-a', stocked: 2, existing: [] });
    const again = await s.sales.stock(REG_B, { country: 'KR', kind: 'pin', numbers: ['+82 2 6200 6200'] });
    expect(again).toEqual({ registrarId: 'reg-b', stocked: 0, existing: ['pin:+82262006200'] });
    const n = await s.store.collection<InventoryNumber>('numbers').get('pin:+82262006200');
    expect(n).toMatchObject({
      kind: 'pin',
      country: 'KR',
      digits: '82262006200',
      registrarId: 'reg-a',
      status: 'available',
      version: 1,
      // 262006200: a doubled tail of 8 digits (6200-6200) earns the default premium.
      price: { amount: 1_000 + 8_000 + 2 * 2_000, currency: 'USD' },
    });
  });

  it('refuses a block with any invalid number and stocks nothing of it', async () => {
    s = await embeddedServices();
    const err = await s.sales
      .stock(REG_A, { country: 'US', kind: 'pin', numbers: ['(212) 555-0100', '02-6200-6200-082'] })
      .catch((e) => e);
    expect(err).toMatchObject({
      code: 'invalid-input',
      issues: [{ path: 'numbers', message: expect.stringMatching(/not of US/) }],
    });
    expect(await s.store.collection('numbers').count({})).toBe(0);
  });

  it('reads the memorable digits of a PIN without country code', () => {
    expect(memorableOf('pin', '82262006200')).toBe('262006200');
    expect(memorableOf('pin', '12125550100')).toBe('2125550100');
    expect(memorableOf('vns', '62006200')).toBe('62006200');
  });

  it('re-prices only available numbers of the registrar', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['1000-2000', '1000-3000'] });
    await s.sales.stock(REG_B, { country: 'KR', kind: 'vns', numbers: ['1000-4000'] });
    const r = await s.sales.reserve(REG_A, { number: 'vns:10003000' });
    expect(r.approved).toBe(true);
    await s.sales.setPriceRules(REG_A, { rules: { currency: 'EUR', defaultBase: { pin: 1, vns: 7 } } });
    expect(await s.sales.reprice(REG_A, {})).toEqual({ registrarId: 'reg-a', examined: 1, changed: 1 });
    expect(await s.sales.reprice(REG_A, {})).toEqual({ registrarId: 'reg-a', examined: 1, changed: 0 });
    const prices = (await s.store.collection<InventoryNumber>('numbers').find({}, { sort: { _id: 1 } })).map(
      (n) => [n._id, n.price.currency],
    );
    expect(prices).toEqual([
      ['vns:10002000', 'EUR'],
      ['vns:10003000', 'USD'],
      ['vns:10004000', 'USD'],
    ]);
    expect(await codeOf(s.sales.reprice(REG_B, { registrarId: 'reg-a' }))).toBe('forbidden');
  });
});
