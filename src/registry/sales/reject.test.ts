// Rejecting a PIN's proof of ownership (docs/sales.md, "Proof of ownership"): the order is
// cancelled, its payment due for refund, its number back in stock — once, whoever retries, and
// the sweep finishes a rejection a crash left half-done.
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Order, PaymentRecord } from '#core';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';
import { PROOF_DEADLINE_MS } from './sweep.ts';

describe('rejecting a PIN proof of ownership', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  /** A new member buys `number` (stocked first) and pays with `reference`: the order waits for its proof. */
  async function buy(number: string, who: string, reference: string) {
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: [number] });
    const m = await s.members.register(REG_A, {
      type: 'individual',
      displayName: who,
      email: `${who}@example.com`,
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number, memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(REG_A, { orderId: r.order.id, reference, amount: r.price });
    return { member: m, orderId: r.order.id };
  }
  async function paid() {
    s = await embeddedServices({ verifyPins: true });
    return buy('+82262006200', 'k', 'psp-1');
  }
  const number = () => s.store.collection<InventoryNumber>('numbers').get('pin:+82262006200');
  const payment = () => s.store.collection<PaymentRecord>('payments').get('reg-a:psp-1');

  it('cancels the order, marks the payment for refund and puts the number back in stock, once', async () => {
    const { orderId } = await paid();
    const r = await s.sales.reject(REG_A, { orderId, reason: 'the letter is not signed by the subscriber' });
    expect(r).toMatchObject({
      order: {
        status: 'cancelled',
        rejection: { by: 'registrar:reg-a', reason: 'the letter is not signed by the subscriber' },
      },
      number: { status: 'available' },
      refundDue: 'reg-a:psp-1',
    });
    expect(r.order.rejection?.completedAt).toBeTypeOf('number');
    expect(await number()).not.toHaveProperty('orderId');
    expect((await payment())?.refundDue?.reason).toMatch(/proof of ownership rejected/);
    // again: the same outcome, nothing changes
    const again = await s.sales.reject(REG_A, { orderId, reason: 'another reason' });
    expect(again.order).toEqual(r.order);
    // approving or paying again cannot revive it; the number can be sold anew
    expect(await codeOf(s.sales.approve(REG_A, { orderId }))).toBe('order-state');
    const retry = await codeOf(s.sales.pay(REG_A, { orderId, reference: 'psp-1', amount: r.order.price }));
    expect(retry).toBe('order-not-payable');
    expect((await s.store.collection<Order>('orders').get(orderId))?.status).toBe('cancelled');
    const m2 = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'L',
      email: 'l@example.com',
      country: 'KR',
    });
    expect(await s.sales.reserve(REG_A, { number: '+82262006200', memberId: m2.id })).toMatchObject({
      approved: true,
    });
  });

  it('only the admin or the order’s registrar; a reason is required; only while it waits', async () => {
    const { orderId, member } = await paid();
    const asMember = { role: 'member', registrarId: 'reg-a', memberId: member.id } as const;
    expect(await codeOf(s.sales.reject(REG_B, { orderId, reason: 'x' }))).toBe('not-found');
    expect(await codeOf(s.sales.reject(asMember, { orderId, reason: 'x' }))).toMatch(/forbidden|not-found/);
    expect(await codeOf(s.sales.reject(REG_A, { orderId, reason: '  ' }))).toBe('invalid-input');
    expect((await number())?.status).toBe('sold');
    await s.sales.recordEvidence(REG_A, { orderId, method: 'loa', reference: 'LOA-1' });
    await s.sales.approve(ADMIN, { orderId });
    expect(await codeOf(s.sales.reject(ADMIN, { orderId, reason: 'late' }))).toBe('order-state');
    expect((await number())?.status).toBe('assigned');
  });

  it('approval and rejection racing: exactly one decides', async () => {
    const { orderId } = await paid();
    await s.sales.recordEvidence(REG_A, { orderId, method: 'loa', reference: 'LOA-1' });
    const out = await Promise.allSettled([
      s.sales.approve(REG_A, { orderId }),
      s.sales.reject(ADMIN, { orderId, reason: 'forged' }),
    ]);
    expect(out.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const o = await s.store.collection<Order>('orders').get(orderId);
    const n = await number();
    if (o?.status === 'paid') expect(n?.status).toBe('assigned');
    else expect([o?.status, n?.status]).toEqual(['cancelled', 'available']);
  });

  it('the sweep finishes a rejection a crash left half-done', async () => {
    const { orderId } = await paid();
    // step 1 alone, as a crash right after it leaves it
    const o = (await s.store.collection<Order>('orders').get(orderId))!;
    await s.store.collection<Order>('orders').findOneAndUpdate(
      { _id: orderId, version: o.version },
      {
        $set: { status: 'cancelled', rejection: { at: s.clock.now(), by: 'admin', reason: 'forged' } },
        $inc: { version: 1 },
      },
    );
    expect((await number())?.status).toBe('sold');
    expect((await s.sales.sweep()).rejected).toBe(0); // too fresh: a request may still be on it
    s.clock.advance(60_000);
    expect((await s.sales.sweep()).rejected).toBe(1);
    expect((await number())?.status).toBe('available');
    expect((await payment())?.refundDue).toBeDefined();
    expect((await s.store.collection<Order>('orders').get(orderId))?.rejection?.completedAt).toBeTypeOf(
      'number',
    );
    expect((await s.sales.sweep()).rejected).toBe(0);
  });

  it('a paid PIN with no evidence by the deadline is rejected by the sweep; one with evidence waits for a person', async () => {
    const { orderId } = await paid();
    const r2 = await buy('+82262006201', 'l', 'psp-2');
    await s.sales.recordEvidence(REG_A, { orderId: r2.orderId, method: 'loa', reference: 'LOA-9' });
    s.clock.advance(PROOF_DEADLINE_MS - 60_000);
    expect((await s.sales.sweep()).rejected).toBe(0);
    s.clock.advance(120_000);
    expect((await s.sales.sweep()).rejected).toBe(1);
    expect(await s.store.collection<Order>('orders').get(orderId)).toMatchObject({
      status: 'cancelled',
      rejection: { by: 'system', reason: 'no proof of ownership within 30 days of payment' },
    });
    expect((await number())?.status).toBe('available');
    expect((await payment())?.refundDue).toBeDefined();
    // the order with a letter recorded still waits for its approval or rejection
    expect((await s.store.collection<Order>('orders').get(r2.orderId))?.status).toBe('pending-verification');
    expect((await s.sales.sweep()).rejected).toBe(0);
  });
});
