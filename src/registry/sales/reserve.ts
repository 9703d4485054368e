// Reserving a number: one conditional update of the number document decides, so of any number
// of concurrent reservations exactly one is approved. An expired reservation is taken over
// here (lazily) — unless its order was paid in time, in which case that sale is completed
// first — and the sweep returns the others to stock.

import type { InventoryNumber, Money, Order } from '#core';
import { NumberingError } from '#numbering';
import { canAccess, type Principal, parseInput } from '../kernel/index.ts';
import { refusal } from '../members/numbers.ts';
import type { ServiceContext } from './context.ts';
import { newId } from './ids.ts';
import { parseNumberRef } from './numbers.ts';
import { applyPayment } from './pay.ts';
import { ReserveInput } from './schemas.ts';
import { type NumberOffer, type OrderView, offerView, orderView } from './views.ts';

export type RejectReason =
  /** The number is not a valid PIN, E.164 number or VNS (src/numbering says why). */
  | 'invalid'
  /** Nobody (or no inventory this principal sees) offers it. */
  | 'not-offered'
  /** Sold, assigned, or on its way back to stock. */
  | 'taken'
  /** Reserved by another order that has not expired. */
  | 'held';

export type ReserveResult =
  | { approved: true; order: OrderView; number: NumberOffer; price: Money; expiresAt: number }
  | { approved: false; reason: RejectReason; message: string; number: string };

/** Default hold time of a reservation. */
export const DEFAULT_RESERVATION_MS = 15 * 60_000;

/** A payment recorded for `orderId` before `expiresAt` and not refunded: the order was paid in time. */
export async function paymentInTime(ctx: ServiceContext, orderId: string, expiresAt: number) {
  const payments = await ctx.payments.find({ orderId }, { sort: { at: 1 }, limit: 10 });
  return payments.find((p) => p.at < expiresAt && !p.refundDue) ?? null;
}

/**
 * If the expired reservation on `n` was paid in time, completes that sale and returns true.
 * Errors of the completion are logged: the caller only needs to know the number is not free.
 */
export async function settlePaidReservation(ctx: ServiceContext, n: InventoryNumber): Promise<boolean> {
  const r = n.reservation;
  if (!r) return false;
  const payment = await paymentInTime(ctx, r.orderId, r.expiresAt);
  if (!payment) return false;
  const order = await ctx.orders.get(r.orderId);
  if (!order) return false;
  try {
    await applyPayment(ctx, order, payment, `registry: sales: settle order ${order._id}`);
  } catch (err) {
    ctx.log.warn({ err, orderId: order._id }, 'registry: sales: could not complete a paid reservation');
  }
  return true;
}

export async function reserve(
  ctx: ServiceContext,
  principal: Principal,
  input: ReserveInput,
  ttlMs = DEFAULT_RESERVATION_MS,
): Promise<ReserveResult> {
  const v = parseInput(ReserveInput, input, 'registry: sales: reserve');
  const where = `registry: sales: reserve ${v.number}`;
  const reject = (reason: RejectReason, message: string): ReserveResult => ({
    approved: false,
    reason,
    message: `${where}: ${message}`,
    number: v.number,
  });
  let id: string;
  try {
    id = parseNumberRef(v.number).id;
  } catch (err) {
    if (!(err instanceof NumberingError)) throw err;
    return reject('invalid', err.detail);
  }
  let n = await ctx.numbers.get(id);
  if (!n || !canAccess(principal, n.registrarId)) return reject('not-offered', 'not in the inventory');
  if (v.memberId !== undefined) {
    const refused = refusal(
      await ctx.members.get(v.memberId),
      v.memberId,
      n.registrarId,
      parseNumberRef(id),
      where,
    );
    if (refused) throw refused;
  }
  const orderId = newId('o', ctx.clock.now());
  for (let attempt = 0; attempt < 5 && n; attempt++) {
    const now = ctx.clock.now();
    let previous: string | undefined;
    if (n.status === 'reserved' && n.reservation && n.reservation.expiresAt <= now) {
      if (await settlePaidReservation(ctx, n))
        return reject('taken', 'sold to an order paid before it expired');
      previous = n.reservation.orderId;
    } else if (n.status !== 'available') {
      return n.status === 'reserved'
        ? reject('held', 'reserved by another order')
        : reject('taken', `not available (${n.status})`);
    }
    const filter =
      previous === undefined
        ? { _id: id, status: 'available' }
        : {
            _id: id,
            status: 'reserved',
            'reservation.orderId': previous,
            'reservation.expiresAt': { $lte: now },
          };
    const expiresAt = now + ttlMs;
    const won = await ctx.numbers.findOneAndUpdate(filter, {
      $set: { status: 'reserved', reservation: { orderId, expiresAt }, updatedAt: now },
      $unset: { orderId: '', paymentId: '', ownerMemberId: '', releasedAt: '' },
      $inc: { version: 1 },
    });
    if (won) {
      if (previous !== undefined) {
        await ctx.orders.findOneAndUpdate(
          { _id: previous, status: 'reserved' },
          { $set: { status: 'expired', updatedAt: now }, $inc: { version: 1 } },
        );
      }
      // After the number: a crash here leaves a reservation without an order, which simply expires.
      const order: Order = {
        _id: orderId,
        registrarId: won.registrarId,
        numberId: id,
        ...(v.memberId !== undefined ? { memberId: v.memberId } : {}),
        price: won.price,
        status: 'reserved',
        expiresAt,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await ctx.orders.insert(order);
      return { approved: true, order: orderView(order), number: offerView(won), price: won.price, expiresAt };
    }
    n = await ctx.numbers.get(id);
  }
  return n ? reject('held', 'reserved by another order') : reject('not-offered', 'not in the inventory');
}
