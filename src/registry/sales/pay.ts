// Payments. A payment is recorded first, as payments/<registrarId>:<reference> — the unique
// `_id` makes the same reference twice one payment, however concurrent — and then completes
// the sale (sale.ts). Calling pay() again with the same reference finishes a sale a crash left
// half-done. A payment that cannot buy its order is kept and marked for refund.

import type { InventoryNumber, Order, PaymentRecord } from '#core';
import { DuplicateKeyError } from '#core';
import { canAccess, type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { refusal } from '../members/numbers.ts';
import type { ServiceContext } from './context.ts';
import { refOfKey } from './numbers.ts';
import { ownOrder } from './orders.ts';
import { assignNumber, markOrderPaid, markRefundDue, sellNumber } from './sale.ts';
import { PayInput } from './schemas.ts';
import { type NumberView, numberView, type OrderView, orderView } from './views.ts';

export interface PayResult {
  order: OrderView;
  number: NumberView;
  payment: { id: string; reference: string; at: number };
  /** The reference had been recorded before: this call changed nothing new about the payment. */
  duplicate: boolean;
  /** The number went to a member (the order names a buyer); otherwise assign() does it later. */
  assigned: boolean;
}

/** Records the payment, or finds it recorded; a reference reused for another order or amount is refused. */
async function recordPayment(
  ctx: ServiceContext,
  order: Order,
  reference: string,
  amount: PaymentRecord['amount'],
  where: string,
): Promise<{ payment: PaymentRecord; duplicate: boolean }> {
  const payment: PaymentRecord = {
    _id: `${order.registrarId}:${reference}`,
    orderId: order._id,
    amount,
    at: ctx.clock.now(),
    registrarId: order.registrarId,
    reference,
  };
  try {
    await ctx.payments.insert(payment);
    return { payment, duplicate: false };
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
  }
  const existing = await ctx.payments.get(payment._id);
  if (
    !existing ||
    existing.orderId !== order._id ||
    existing.amount.amount !== amount.amount ||
    existing.amount.currency !== amount.currency
  ) {
    throw new RegistryError(
      'payment-reference-reused',
      `${where}: payment reference ${reference} was recorded for ${existing?.orderId === order._id ? 'another amount' : 'another order'}`,
    );
  }
  return { payment: existing, duplicate: true };
}

/**
 * Completes the sale a recorded payment pays for (steps of sale.ts). Used by pay(), by cancel()
 * and the sweep when they find a payment that was recorded but not applied.
 */
export async function applyPayment(
  ctx: ServiceContext,
  order: Order,
  payment: PaymentRecord,
  where: string,
): Promise<{ order: Order; number: NumberView; assigned: boolean }> {
  let number: InventoryNumber;
  let paid: Order;
  if (order.status === 'paid' || order.status === 'pending-verification') {
    if (`${order.registrarId}:${order.paymentReference}` !== payment._id) {
      await markRefundDue(ctx, payment._id, `order ${order._id} was paid by ${order.paymentReference}`);
      throw new RegistryError(
        'already-paid',
        `${where}: order ${order._id} was paid by another payment; this one is due for refund`,
        { details: { refundDue: true, paidBy: order.paymentReference } },
      );
    }
    // Paid by this payment before: finish an assignment a crash interrupted, touch nothing else
    // (the number may have been released and sold again since); a PIN awaiting proof stays as is.
    const cur = await ctx.numbers.get(order.numberId);
    if (order.status === 'pending-verification') {
      if (!cur) throw new RegistryError('not-found', `${where}: number ${order.numberId} is gone`);
      return { order, number: numberView(cur), assigned: false };
    }
    if (!cur) throw new RegistryError('not-found', `${where}: number ${order.numberId} is gone`);
    if (cur.orderId !== order._id || cur.paymentId !== payment._id || cur.status !== 'sold') {
      return {
        order,
        number: numberView(cur),
        assigned: cur.status === 'assigned' && cur.orderId === order._id,
      };
    }
    number = cur;
    paid = order;
  } else {
    const sold = await sellNumber(ctx, order, payment);
    if (!sold.ok && sold.reason === 'paid-by-other') {
      await markOrderPaid(ctx, order._id, sold.paymentId);
      await markRefundDue(ctx, payment._id, `order ${order._id} was paid by another payment`);
      throw new RegistryError(
        'already-paid',
        `${where}: order ${order._id} was paid by another payment; this one is due for refund`,
        { details: { refundDue: true } },
      );
    }
    if (!sold.ok) throw await notPayable(ctx, order, payment, where);
    number = sold.number;
    paid = (await markOrderPaid(ctx, order._id, payment._id)) ?? order;
    // sold, waiting for proof that the buyer holds the PIN's line: nothing is published yet
    if (paid.status === 'pending-verification')
      return { order: paid, number: numberView(number), assigned: false };
  }
  const buyer = number.ownerMemberId ?? paid.memberId;
  let assigned = number.status === 'assigned';
  if (buyer && !assigned) {
    try {
      number = await assignNumber(ctx, number, buyer);
      assigned = true;
    } catch (err) {
      // The sale stands; the number stays sold until it is assigned to a member that can take it.
      if (!(err instanceof RegistryError)) throw err;
      ctx.log.warn(
        { orderId: order._id, memberId: buyer, code: err.code },
        `${where}: sold, not assigned: ${err.message}`,
      );
    }
  }
  return { order: paid, number: numberView(number), assigned };
}

/** The order lost its number (expired and taken, cancelled) or was paid too late: close it, refund. */
async function notPayable(
  ctx: ServiceContext,
  order: Order,
  payment: PaymentRecord,
  where: string,
): Promise<RegistryError> {
  const now = ctx.clock.now();
  const late = payment.at >= order.expiresAt;
  if (late) {
    // Its number may still be held by the expired reservation: back to stock.
    await ctx.numbers.findOneAndUpdate(
      { _id: order.numberId, status: 'reserved', 'reservation.orderId': order._id },
      { $set: { status: 'available', updatedAt: now }, $unset: { reservation: '' }, $inc: { version: 1 } },
    );
  }
  // Only cancel() frees an unexpired reservation.
  const status = late || now >= order.expiresAt ? 'expired' : 'cancelled';
  const closed =
    (await ctx.orders.findOneAndUpdate(
      { _id: order._id, status: 'reserved' },
      { $set: { status, updatedAt: now }, $inc: { version: 1 } },
    )) ?? (await ctx.orders.get(order._id));
  const final = closed?.status ?? status;
  await markRefundDue(ctx, payment._id, `order ${order._id} is ${final}`);
  return new RegistryError(
    'order-not-payable',
    `${where}: order ${order._id} is ${final}; the payment is due for refund`,
    {
      details: { orderStatus: final, refundDue: true },
    },
  );
}

export async function pay(ctx: ServiceContext, principal: Principal, input: PayInput): Promise<PayResult> {
  const v = parseInput(PayInput, input, 'registry: sales: pay');
  const where = `registry: sales: pay order ${v.orderId}`;
  let order = await ownOrder(ctx, principal, v.orderId, where);
  if (v.amount.amount !== order.price.amount || v.amount.currency !== order.price.currency) {
    throw new RegistryError(
      'amount-mismatch',
      `${where}: paid ${v.amount.amount} ${v.amount.currency}, the price is ${order.price.amount} ${order.price.currency}`,
      { details: { price: order.price } },
    );
  }
  if (v.memberId !== undefined && v.memberId !== order.memberId) {
    const member = await ctx.members.get(v.memberId);
    const refused = refusal(member, v.memberId, order.registrarId, refOfKey(order.numberId), where);
    if (refused || !member || !canAccess(principal, member.registrarId)) {
      throw refused ?? new RegistryError('not-found', `${where}: no member ${v.memberId}`);
    }
    const named = await ctx.orders.findOneAndUpdate(
      { _id: order._id, $or: [{ memberId: { $exists: false } }, { memberId: v.memberId }] },
      { $set: { memberId: v.memberId, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
    );
    if (!named) {
      throw new RegistryError(
        'order-state',
        `${where}: the order is for member ${order.memberId ?? '?'} already`,
      );
    }
    order = named;
  }
  const { payment, duplicate } = await recordPayment(ctx, order, v.reference, v.amount, where);
  const done = await applyPayment(ctx, order, payment, where);
  return {
    order: orderView(done.order),
    number: done.number,
    payment: { id: payment._id, reference: v.reference, at: payment.at },
    duplicate,
    assigned: done.assigned,
  };
}
