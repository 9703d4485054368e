import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';

describe('orders and inventory listings', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('page in creation order, filtered by status, limited to the registrar', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', range: { first: '5000-0000', count: 5 } });
    await s.sales.stock(REG_B, { country: 'KR', kind: 'vns', numbers: ['6000-0000'] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.clock.advance(1);
      const r = await s.sales.reserve(REG_A, { number: `vns:5000000${i}` });
      if (r.approved) ids.push(r.order.id);
    }
    await s.sales.cancel(REG_A, { orderId: ids[1]! });
    const page1 = await s.sales.listOrders(REG_A, { limit: 2 });
    const page2 = await s.sales.listOrders(REG_A, { limit: 2, cursor: page1.next! });
    const page3 = await s.sales.listOrders(REG_A, { limit: 2, cursor: page2.next! });
    expect([...page1.items, ...page2.items, ...page3.items].map((o) => o.id)).toEqual(ids);
    expect(page3.next).toBeNull();
    expect((await s.sales.listOrders(REG_A, { status: 'cancelled' })).items.map((o) => o.id)).toEqual([
      ids[1],
    ]);
    expect(await codeOf(s.sales.listOrders(REG_A, { status: 'reserved', cursor: page1.next! }))).toBe(
      'bad-cursor',
    );
    expect((await s.sales.listInventory(REG_A, { status: 'reserved' })).items).toHaveLength(4);
    expect((await s.sales.listInventory(ADMIN)).items).toHaveLength(6);
    expect((await s.sales.listInventory(REG_B)).items.map((n) => n.id)).toEqual(['vns:60000000']);
  });

  it('shows one order or number to its registrar only', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const r = await s.sales.reserve(REG_A, { number: '02-6200-6200-082' });
    if (!r.approved) throw new Error(r.message);
    expect(await s.sales.getOrder(REG_A, { orderId: r.order.id })).toMatchObject({
      id: r.order.id,
      display: '02-6200-6200-082',
      status: 'reserved',
    });
    expect(await s.sales.getNumber(REG_A, { number: '+82 2 6200 6200' })).toMatchObject({
      id: 'pin:+82262006200',
      e164: '+82262006200',
      status: 'reserved',
      reservation: { orderId: r.order.id },
    });
    expect(await codeOf(s.sales.getOrder(REG_B, { orderId: r.order.id }))).toBe('not-found');
    expect(await codeOf(s.sales.getNumber(REG_A, { number: 'not a number' }))).toBe('invalid-input');
  });
});
