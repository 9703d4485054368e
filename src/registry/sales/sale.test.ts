// The steps of a sale one by one, as a crash would leave them.
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Order, PaymentRecord } from '#core';
import { silentLogger } from '#core';
import { embeddedServices, REG_A, type Services } from '#test/helpers/sales';
import { serviceContext } from './context.ts';
import { assignNumber, markOrderPaid, markRefundDue, referenceOf, sellNumber } from './sale.ts';

describe('sale steps', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  async function reserved() {
    s = await embeddedServices();
    const ctx = serviceContext(
      // the payment's steps as such: the proof of ownership a PIN waits for is verification.test.ts
      {
        store: s.store,
        publisher: s.publisher,
        clock: s.clock,
        logger: silentLogger,
        centers: s.centers,
        verifyPins: false,
      },
      'test',
    );
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const m = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number: 'pin:+82262006200', memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    const order = (await ctx.orders.get(r.order.id))!;
    const payment = (p: string, at = s.clock.now()): PaymentRecord => ({
      _id: `reg-a:${p}`,
      orderId: order._id,
      amount: order.price,
      at,
      registrarId: 'reg-a',
      reference: p,
    });
    return { ctx, order, member: m, payment };
  }

  it('sells once: the first payment decides, the same payment again is a no-op, another is told who paid', async () => {
    const { ctx, order, payment } = await reserved();
    const first = await sellNumber(ctx, order, payment('a'));
    expect(first).toMatchObject({
      ok: true,
      number: { status: 'sold', paymentId: 'reg-a:a', orderId: order._id },
    });
    expect(first.number?.reservation).toBeUndefined();
    expect(await sellNumber(ctx, order, payment('a'))).toMatchObject({ ok: true });
    expect(await sellNumber(ctx, order, payment('b'))).toMatchObject({
      ok: false,
      reason: 'paid-by-other',
      paymentId: 'reg-a:a',
    });
  });

  it('refuses a payment made after the reservation expired', async () => {
    const { ctx, order, payment } = await reserved();
    expect(await sellNumber(ctx, order, payment('late', order.expiresAt))).toMatchObject({
      ok: false,
      reason: 'not-held',
    });
  });

  it('records the paying reference on the order once', async () => {
    const { ctx, order } = await reserved();
    expect(referenceOf('reg-a:x:y', 'reg-a')).toBe('x:y');
    expect(await markOrderPaid(ctx, order._id, 'reg-a:x')).toMatchObject({
      status: 'paid',
      paymentReference: 'x',
    });
    expect(await markOrderPaid(ctx, order._id, 'reg-a:y')).toMatchObject({ paymentReference: 'x' });
    expect(await markOrderPaid(ctx, 'o_none', 'reg-a:y')).toBeNull();
  });

  it('keeps the first refund reason', async () => {
    const { ctx, payment } = await reserved();
    await ctx.payments.insert(payment('r'));
    await markRefundDue(ctx, 'reg-a:r', 'first');
    await markRefundDue(ctx, 'reg-a:r', 'second');
    expect((await ctx.payments.get('reg-a:r'))?.refundDue?.reason).toBe('first');
  });

  it('assigns in steps that each survive a crash after them', async () => {
    const { ctx, order, member, payment } = await reserved();
    const sold = await sellNumber(ctx, order, payment('a'));
    expect(sold.number?.ownerMemberId).toBe(member.id); // the order named the buyer: pinned at once
    // Crash after the member got the number: assigning again finishes, adding nothing twice.
    await ctx.publisher.update(
      'members',
      { _id: member.id },
      { $push: { numbers: { kind: 'pin', e164: '+82262006200' } } },
    );
    const done = await assignNumber(ctx, sold.number!, member.id);
    expect(done).toMatchObject({ status: 'assigned', ownerMemberId: member.id });
    expect((await ctx.members.get(member.id))?.numbers).toHaveLength(1);
    expect(await assignNumber(ctx, done, member.id)).toBe(done);
  });

  it('leaves a number sold and unpinned when its buyer is gone', async () => {
    const { ctx, order, member, payment } = await reserved();
    const sold = await sellNumber(ctx, order, payment('a'));
    await s.members.delete(REG_A, { memberId: member.id });
    // The deletion released the number (it was pinned to the member): back in stock.
    expect((await ctx.numbers.get('pin:+82262006200'))?.status).toBe('available');
    await expect(assignNumber(ctx, sold.number as InventoryNumber, member.id)).rejects.toMatchObject({
      code: 'not-found',
    });
    const o = await ctx.orders.get(order._id);
    expect((o as Order).status).toBe('paid');
  });
});
