// The sales sweep: finishes what requests left half-done and returns expired reservations to
// stock. Safe to run anywhere, any number of times, concurrently: every step is a conditional
// update that only one runner wins.
import type { ServiceContext } from './context.ts';
import { applyPayment } from './pay.ts';
import { cancelRejected, finishRejection } from './reject.ts';
import { finishRelease } from './release.ts';
import { settlePaidReservation } from './reserve.ts';
import { assignNumber, markOrderPaid } from './sale.ts';

export interface SweepResult {
  /** Reservations that expired: numbers back in stock, orders marked expired. */
  expired: number;
  /** Sales completed (a payment recorded in time, an assignment left undone). */
  completed: number;
  /** Releases finished. */
  released: number;
  /** Rejected proofs of ownership finished (refund marked, number back in stock). */
  rejected: number;
}

const BATCH = 100;

/** How long a paid PIN may wait with no evidence at all before its proof is rejected (30 days). */
export const PROOF_DEADLINE_MS = 30 * 86_400_000;

/**
 * One pass. `settleMs`: how old a half-done step must be before the sweep finishes it, so that
 * it does not race a request still working on it (harmless, but noisy).
 */
export async function sweep(
  ctx: ServiceContext,
  settleMs: number,
  proofDeadlineMs = PROOF_DEADLINE_MS,
): Promise<SweepResult> {
  const now = ctx.clock.now();
  const out: SweepResult = { expired: 0, completed: 0, released: 0, rejected: 0 };
  const where = 'registry: sales: sweep';

  for (const n of await ctx.numbers.find(
    { status: 'reserved', 'reservation.expiresAt': { $lte: now } },
    { sort: { 'reservation.expiresAt': 1 }, limit: BATCH },
  )) {
    if (await settlePaidReservation(ctx, n)) {
      out.completed++;
      continue;
    }
    const orderId = n.reservation!.orderId;
    const freed = await ctx.numbers.findOneAndUpdate(
      {
        _id: n._id,
        status: 'reserved',
        'reservation.orderId': orderId,
        'reservation.expiresAt': { $lte: now },
      },
      { $set: { status: 'available', updatedAt: now }, $unset: { reservation: '' }, $inc: { version: 1 } },
    );
    if (freed) out.expired++;
  }

  // Orders past their expiry still marked reserved: their number was freed or taken over, or
  // sold to them by a payment whose order update did not happen.
  for (const o of await ctx.orders.find(
    { status: 'reserved', expiresAt: { $lte: now } },
    { sort: { expiresAt: 1 }, limit: BATCH },
  )) {
    const n = await ctx.numbers.get(o.numberId);
    if (n?.status === 'reserved' && n.reservation?.orderId === o._id) continue; // the loop above decides
    if (n?.orderId === o._id && n.paymentId) {
      await markOrderPaid(ctx, o._id, n.paymentId);
      out.completed++;
      continue;
    }
    await ctx.orders.findOneAndUpdate(
      { _id: o._id, status: 'reserved' },
      { $set: { status: 'expired', updatedAt: now }, $inc: { version: 1 } },
    );
  }

  const cutoff = now - settleMs;
  // Sold with a buyer pinned but not assigned: a crash between the sale's steps.
  for (const n of await ctx.numbers.find(
    { status: 'sold', ownerMemberId: { $exists: true }, updatedAt: { $lt: cutoff } },
    { sort: { updatedAt: 1 }, limit: BATCH },
  )) {
    try {
      if (n.orderId && n.paymentId) {
        const order = await markOrderPaid(ctx, n.orderId, n.paymentId);
        const payment = await ctx.payments.get(n.paymentId);
        if (order && payment) await applyPayment(ctx, order, payment, where);
        else await assignNumber(ctx, n, n.ownerMemberId!);
      } else {
        await assignNumber(ctx, n, n.ownerMemberId!);
      }
      out.completed++;
    } catch (err) {
      ctx.log.warn({ err, numberId: n._id }, `${where}: could not assign ${n._id}`);
    }
  }

  for (const n of await ctx.numbers.find(
    { status: 'released', updatedAt: { $lt: cutoff } },
    { sort: { updatedAt: 1 }, limit: BATCH },
  )) {
    if ((await finishRelease(ctx, n))?.status === 'available') out.released++;
  }
  // Quarantine over (numbers released for unpaid rent, docs/billing.md): back to stock.
  for (const n of await ctx.numbers.find(
    { status: 'quarantined', quarantineUntil: { $lte: now } },
    { sort: { updatedAt: 1 }, limit: BATCH },
  )) {
    const back = await ctx.numbers.findOneAndUpdate(
      { _id: n._id, status: 'quarantined', version: n.version },
      {
        $set: { status: 'available', updatedAt: now },
        $unset: { quarantineUntil: '' },
        $inc: { version: 1 },
      },
    );
    if (back) out.released++;
  }
  // A PIN paid for with no evidence of ownership recorded by the deadline: rejected, refunded
  // (one with evidence waits for the person who decides on it)
  const days = Math.round(proofDeadlineMs / 86_400_000);
  for (const o of await ctx.orders.find(
    {
      status: 'pending-verification',
      verification: { $exists: false },
      updatedAt: { $lt: now - proofDeadlineMs },
    },
    { limit: BATCH },
  )) {
    const r = await cancelRejected(ctx, o, 'system', `no proof of ownership within ${days} days of payment`);
    if (!r) continue;
    ctx.log.info(
      { orderId: o._id },
      `${where}: order ${o._id}: no proof of ownership by the deadline: rejected`,
    );
    await finishRejection(ctx, r, `${where}: order ${o._id}: reject proof of ownership`);
    out.rejected++;
  }
  // A rejected proof of ownership whose refund or return to stock a crash left undone.
  for (const o of await ctx.orders.find(
    { status: 'cancelled', 'rejection.at': { $lt: cutoff }, 'rejection.completedAt': { $exists: false } },
    { limit: BATCH },
  )) {
    await finishRejection(ctx, o, `${where}: order ${o._id}: reject proof of ownership`);
    out.rejected++;
  }
  return out;
}
