// The steps of a sale after payment, each one atomic on one document and idempotent, so that
// running them again (a retried payment, the sweep) completes a sale left half-done by a crash:
//
//   1. number: reserved(order, unexpired at payment time) -> sold(order, payment, buyer?)  — decisive
//   2. order:  -> paid(reference)
//   3. number: pin the buyer (ownerMemberId), if the order names none yet
//   4. member: $push the number (through the publisher: DNS learns of it)
//   5. number: sold -> assigned
//
// docs/sales.md, "Payment: the order of writes". A PIN's order stops after step 2 as
// `pending-verification` (the buyer not pinned, nothing published) until proof that its buyer
// holds the line is approved (verification.ts); steps 3-5 run then.

import type { InventoryNumber, Order, PaymentRecord } from '#core';
import { RegistryError } from '../kernel/index.ts';
import { addNumberToMember, refusal, removeNumberFromMember } from '../members/numbers.ts';
import type { ServiceContext } from './context.ts';
import { refOfKey } from './numbers.ts';

export type SellOutcome =
  | { ok: true; number: InventoryNumber }
  /** The number was sold to this order by another payment (whose id is given). */
  | { ok: false; reason: 'paid-by-other'; paymentId: string; number: InventoryNumber }
  /** The order does not hold the number any more (expired and taken, cancelled, or paid too late). */
  | { ok: false; reason: 'not-held'; number: InventoryNumber | null };

/** True while the order's number may not reach its buyer: a PIN without approved proof of ownership. */
export function awaitsProof(ctx: ServiceContext, order: Order): boolean {
  return ctx.verifyPins && order.numberId.startsWith('pin:') && order.verification?.approvedAt === undefined;
}

/** Step 1: the one write that decides whether this payment buys the number. */
export async function sellNumber(
  ctx: ServiceContext,
  order: Order,
  payment: PaymentRecord,
): Promise<SellOutcome> {
  const now = ctx.clock.now();
  const sold = await ctx.numbers.findOneAndUpdate(
    {
      _id: order.numberId,
      status: 'reserved',
      'reservation.orderId': order._id,
      // A payment counts if it was recorded before the reservation expired, even if the sale
      // completes later (a retry after a crash).
      'reservation.expiresAt': { $gt: payment.at },
    },
    {
      $set: {
        status: 'sold',
        orderId: order._id,
        paymentId: payment._id,
        updatedAt: now,
        // a PIN awaiting proof keeps its buyer on the order only: nothing may assign it yet
        ...(order.memberId && !awaitsProof(ctx, order) ? { ownerMemberId: order.memberId } : {}),
      },
      $unset: { reservation: '' },
      $inc: { version: 1 },
    },
  );
  if (sold) return { ok: true, number: sold };
  const cur = await ctx.numbers.get(order.numberId);
  if (
    cur &&
    cur.orderId === order._id &&
    cur.paymentId &&
    (cur.status === 'sold' || cur.status === 'assigned')
  ) {
    return cur.paymentId === payment._id
      ? { ok: true, number: cur }
      : { ok: false, reason: 'paid-by-other', paymentId: cur.paymentId, number: cur };
  }
  return { ok: false, reason: 'not-held', number: cur };
}

/** The reference part of a payment id '<registrarId>:<reference>'. */
export const referenceOf = (paymentId: string, registrarId: string): string =>
  paymentId.startsWith(`${registrarId}:`) ? paymentId.slice(registrarId.length + 1) : paymentId;

/** Step 2: the order records the payment that bought its number (a PIN's: pending verification). */
export async function markOrderPaid(
  ctx: ServiceContext,
  orderId: string,
  paymentId: string,
): Promise<Order | null> {
  const order = await ctx.orders.get(orderId);
  if (!order) return null;
  const reference = referenceOf(paymentId, order.registrarId);
  const status = awaitsProof(ctx, order) ? 'pending-verification' : 'paid';
  const paid = await ctx.orders.findOneAndUpdate(
    // never revives an order whose proof was rejected (cancelled, its payment due for refund)
    { _id: orderId, status: { $nin: ['paid', 'pending-verification'] }, rejection: { $exists: false } },
    {
      $set: { status, paymentReference: reference, updatedAt: ctx.clock.now() },
      $inc: { version: 1 },
    },
  );
  return paid ?? ctx.orders.get(orderId);
}

/** Marks a payment as money to return, with why (once; the first reason stays). */
export async function markRefundDue(ctx: ServiceContext, paymentId: string, reason: string): Promise<void> {
  await ctx.payments.findOneAndUpdate(
    { _id: paymentId, refundDue: { $exists: false } },
    { $set: { refundDue: { reason, at: ctx.clock.now() } } },
  );
  ctx.log.warn({ paymentId, reason }, 'registry: sales: payment marked for refund');
}

/**
 * Steps 3-5: gives a sold number to `memberId`. Returns the number as assigned. Throws
 * not-found / member-deleting / member-type (the number stays sold, unpinned) or
 * number-state (it was released meanwhile; the member does not keep it).
 */
export async function assignNumber(
  ctx: ServiceContext,
  number: InventoryNumber,
  memberId: string,
): Promise<InventoryNumber> {
  const where = `registry: sales: assign ${number._id} to ${memberId}`;
  const ref = refOfKey(number._id);
  let n = number;
  if (n.status === 'assigned' && n.ownerMemberId === memberId) return n;
  const unpin = () =>
    ctx.numbers.findOneAndUpdate(
      { _id: n._id, status: 'sold', ownerMemberId: memberId },
      { $unset: { ownerMemberId: '' }, $set: { updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
    );
  const refused = refusal(await ctx.members.get(memberId), memberId, n.registrarId, ref, where);
  if (refused) {
    // The buyer cannot take it (deleted, wrong type): the number stays sold, free to assign again.
    await unpin();
    throw refused;
  }
  // 3. pin the buyer, so a retry or the sweep knows whom the number goes to.
  if (n.ownerMemberId !== memberId) {
    const pinned = await ctx.numbers.findOneAndUpdate(
      { _id: n._id, status: 'sold', orderId: n.orderId ?? null, ownerMemberId: { $exists: false } },
      { $set: { ownerMemberId: memberId, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
    );
    const cur = pinned ?? (await ctx.numbers.get(n._id));
    if (!cur || cur.ownerMemberId !== memberId || (cur.status !== 'sold' && cur.status !== 'assigned')) {
      throw new RegistryError(
        'number-state',
        `${where}: the number is ${cur?.status ?? 'gone'}${cur?.ownerMemberId ? ` and belongs to ${cur.ownerMemberId}` : ''}`,
      );
    }
    n = cur;
    if (n.status === 'assigned') return n;
  }
  // 4. the member gets it (and DNS with it).
  try {
    await addNumberToMember(ctx, memberId, n.registrarId, n._id);
  } catch (err) {
    if (err instanceof RegistryError) await unpin();
    throw err;
  }
  // 5. done.
  const assigned = await ctx.numbers.findOneAndUpdate(
    { _id: n._id, status: 'sold', ownerMemberId: memberId },
    { $set: { status: 'assigned', updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
  );
  if (assigned) return assigned;
  const cur = await ctx.numbers.get(n._id);
  if (cur?.status === 'assigned' && cur.ownerMemberId === memberId) return cur;
  // Released between steps 4 and 5: the member must not keep a number it no longer owns.
  await removeNumberFromMember(ctx, memberId, n._id);
  throw new RegistryError('number-state', `${where}: the number was released while it was being assigned`);
}
