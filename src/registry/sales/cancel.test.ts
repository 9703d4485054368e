import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '#core';
import { codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('cancel', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  async function reserved() {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const r = await s.sales.reserve(REG_A, { number: 'pin:+82262006200' });
    if (!r.approved) throw new Error(r.message);
    return r;
  }

  it('returns the number to stock and is idempotent', async () => {
    const r = await reserved();
    expect(await s.sales.cancel(REG_A, { orderId: r.order.id })).toMatchObject({
      status: 'cancelled',
      version: 2,
    });
    expect(await s.sales.cancel(REG_A, { orderId: r.order.id })).toMatchObject({
      status: 'cancelled',
      version: 2,
    });
    expect((await s.sales.getNumber(REG_A, { number: 'pin:+82262006200' })).status).toBe('available');
  });

  it('finishes a sale instead when a payment was recorded in time', async () => {
    const r = await reserved();
    await s.store.collection<PaymentRecord>('payments').insert({
      _id: 'reg-a:early',
      orderId: r.order.id,
      amount: r.price,
      at: s.clock.now(),
      reference: 'early',
      registrarId: 'reg-a',
    });
    const err = await s.sales.cancel(REG_A, { orderId: r.order.id }).catch((e) => e);
    expect(err).toMatchObject({ code: 'order-state', details: { orderStatus: 'paid' } });
    expect((await s.sales.getOrder(REG_A, { orderId: r.order.id })).status).toBe('paid');
    expect((await s.sales.getNumber(REG_A, { number: 'pin:+82262006200' })).status).toBe('sold');
  });

  it('refuses expired orders', async () => {
    const r = await reserved();
    s.clock.advance(3_600_000);
    await s.sales.sweep();
    expect(await codeOf(s.sales.cancel(REG_A, { orderId: r.order.id }))).toBe('order-state');
  });
});
