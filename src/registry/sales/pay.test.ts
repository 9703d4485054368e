import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '#core';
import { codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('pay', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  async function order(memberId?: string) {
    const r = await s.sales.reserve(REG_A, { number: 'pin:+82262006200', ...(memberId ? { memberId } : {}) });
    if (!r.approved) throw new Error(r.message);
    return r;
  }

  it('records the payment under its reference and sells the number', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const r = await order();
    const p = await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-7', amount: r.price });
    expect(p).toMatchObject({
      payment: { id: 'reg-a:psp-7', reference: 'psp-7', at: s.clock.now() },
      duplicate: false,
      assigned: false,
      number: { status: 'sold', orderId: r.order.id },
    });
    expect(await s.store.collection<PaymentRecord>('payments').get('reg-a:psp-7')).toEqual({
      _id: 'reg-a:psp-7',
      orderId: r.order.id,
      amount: r.price,
      at: s.clock.now(),
      registrarId: 'reg-a',
      reference: 'psp-7',
    });
  });

  it('names the buyer at payment time when the order has none', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const m = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    const other = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'L',
      email: 'l@example.com',
      country: 'KR',
    });
    const r = await order(m.id);
    expect(
      await codeOf(
        s.sales.pay(REG_A, { orderId: r.order.id, reference: 'x', amount: r.price, memberId: other.id }),
      ),
    ).toBe('order-state');
    const p = await s.sales.pay(REG_A, {
      orderId: r.order.id,
      reference: 'x',
      amount: r.price,
      memberId: m.id,
    });
    expect(p).toMatchObject({ assigned: true, order: { memberId: m.id } });
  });

  it('marks a payment for refund when the order is gone, and says so', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const r = await order();
    await s.sales.cancel(REG_A, { orderId: r.order.id });
    const err = await s.sales
      .pay(REG_A, { orderId: r.order.id, reference: 'x', amount: r.price })
      .catch((e) => e);
    expect(err).toMatchObject({
      code: 'order-not-payable',
      details: { orderStatus: 'cancelled', refundDue: true },
    });
    expect(err.message).toMatch(/^registry: sales: pay order o_/);
    expect((await s.store.collection<PaymentRecord>('payments').get('reg-a:x'))?.refundDue?.reason).toMatch(
      /cancelled/,
    );
  });
});
