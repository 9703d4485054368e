import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Order } from '#core';
import { codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('reserve', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('holds the number for the order until it expires', async () => {
    s = await embeddedServices({ reservationTtlMs: 10_000 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const r = await s.sales.reserve(REG_A, { number: '6200-6200#001' }); // any branch names the base
    expect(r).toMatchObject({
      approved: true,
      expiresAt: s.clock.now() + 10_000,
      number: { id: 'vns:62006200', display: '6200-6200' },
    });
    if (!r.approved) return;
    expect(await s.store.collection<InventoryNumber>('numbers').get('vns:62006200')).toMatchObject({
      status: 'reserved',
      reservation: { orderId: r.order.id, expiresAt: r.expiresAt },
      version: 2,
    });
    expect(await s.store.collection<Order>('orders').get(r.order.id)).toMatchObject({
      status: 'reserved',
      numberId: 'vns:62006200',
      registrarId: 'reg-a',
      price: r.price,
    });
  });

  it('takes over an expired reservation and closes the old order', async () => {
    s = await embeddedServices({ reservationTtlMs: 10_000 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const first = await s.sales.reserve(REG_A, { number: 'vns:62006200' });
    s.clock.advance(10_000);
    const second = await s.sales.reserve(REG_A, { number: 'vns:62006200' });
    expect(second.approved).toBe(true);
    if (!first.approved || !second.approved) return;
    expect((await s.sales.getOrder(REG_A, { orderId: first.order.id })).status).toBe('expired');
    expect((await s.sales.getNumber(REG_A, { number: 'vns:62006200' })).reservation?.orderId).toBe(
      second.order.id,
    );
  });

  it('checks the buyer it is given', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const person = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    expect(await codeOf(s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: person.id }))).toBe(
      'member-type',
    );
    expect(await codeOf(s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: 'm_none' }))).toBe(
      'not-found',
    );
    expect(await codeOf(s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: '../x' }))).toBe(
      'invalid-input',
    );
  });

  it('reports why a number cannot be reserved, naming it', async () => {
    s = await embeddedServices();
    const r = await s.sales.reserve(REG_A, { number: '+999 123' });
    expect(r).toEqual({
      approved: false,
      reason: 'invalid',
      message: expect.stringMatching(/^registry: sales: reserve \+999 123: /),
      number: '+999 123',
    });
  });
});
