import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Order } from '#core';
import { embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('sweep', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('returns expired reservations to stock and marks their orders expired', async () => {
    s = await embeddedServices({ reservationTtlMs: 1_000 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', range: { first: '5000-0000', count: 3 } });
    for (const n of ['vns:50000000', 'vns:50000001']) await s.sales.reserve(REG_A, { number: n });
    s.clock.advance(999);
    expect(await s.sales.sweep()).toEqual({ expired: 0, completed: 0, released: 0, rejected: 0 });
    s.clock.advance(1);
    expect(await s.sales.sweep()).toEqual({ expired: 2, completed: 0, released: 0, rejected: 0 });
    expect(await s.store.collection<Order>('orders').count({ status: 'expired' })).toBe(2);
    expect(await s.store.collection<InventoryNumber>('numbers').count({ status: 'available' })).toBe(3);
    expect(await s.sales.sweep()).toEqual({ expired: 0, completed: 0, released: 0, rejected: 0 });
  });

  it('closes orders whose reservation never got its order update', async () => {
    s = await embeddedServices({ reservationTtlMs: 1_000 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['5000-0000'] });
    const r = await s.sales.reserve(REG_A, { number: 'vns:50000000' });
    if (!r.approved) throw new Error(r.message);
    // A crash freed the number (cancel's first step) and left the order reserved.
    await s.store
      .collection<InventoryNumber>('numbers')
      .findOneAndUpdate(
        { _id: 'vns:50000000' },
        { $set: { status: 'available' }, $unset: { reservation: '' } },
      );
    s.clock.advance(1_000);
    await s.sales.sweep();
    expect((await s.sales.getOrder(REG_A, { orderId: r.order.id })).status).toBe('expired');
  });

  it('runs periodically until stopped', async () => {
    s = await embeddedServices({ reservationTtlMs: 1 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['5000-0000'] });
    await s.sales.reserve(REG_A, { number: 'vns:50000000' });
    s.clock.advance(10);
    s.sales.startSweeper(10);
    try {
      await expect
        .poll(async () => (await s.sales.getNumber(REG_A, { number: 'vns:50000000' })).status, {
          timeout: 5_000,
        })
        .toBe('available');
    } finally {
      s.sales.stop();
    }
  });
});
