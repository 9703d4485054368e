// Rejecting a PIN's proof of ownership (docs/sales.md, "Proof of ownership"): the buyer paid, but
// the registrar or the operator finds no proof that the buyer holds the line (a forged letter, a
// code never confirmed). The order must not wait forever with the money taken, so:
//   1. the order: pending-verification -> cancelled, with the rejection (who, when, why) — one
//      conditional write at the version read, so a concurrent approval or rejection decides once;
//   2. its payment is marked due for refund (the money goes back the way it came);
//   3. its number (sold to the order, never published) goes back to stock;
//   4. the order records that the steps are done (`rejection.completedAt`).
// Steps 2-4 are idempotent: rejecting again, or the sales sweep, finishes what a crash left.
import type { Order } from '#core';
import { type Principal, parseInput, principalKey, RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { ownOrder } from './orders.ts';
import { markRefundDue } from './sale.ts';
import { RejectInput } from './schemas.ts';
import { type NumberView, numberView, type OrderView, orderView } from './views.ts';

export interface RejectResult {
  order: OrderView;
  /** The number as it is now (back in stock), or null when it is gone. */
  number: NumberView | null;
  /** The payment that is due for refund, when the order had one. */
  refundDue: string | null;
}

export async function reject(ctx: ServiceContext, p: Principal, input: RejectInput): Promise<RejectResult> {
  const v = parseInput(RejectInput, input, 'registry: sales: reject');
  const where = `registry: sales: order ${v.orderId}: reject proof of ownership`;
  let order = await ownOrder(ctx, p, v.orderId, where);
  if (!order.rejection) {
    if (order.status !== 'pending-verification')
      throw new RegistryError(
        'order-state',
        `${where}: the order is ${order.status}, not pending-verification`,
        {
          details: { orderStatus: order.status },
        },
      );
    const written = await cancelRejected(ctx, order, principalKey(p), v.reason);
    if (!written)
      throw new RegistryError('version-conflict', `${where}: the order changed meanwhile; try again`);
    ctx.log.info({ orderId: order._id, by: principalKey(p) }, `${where}: rejected`);
    order = written;
  }
  return finishRejection(ctx, order, where);
}

/** Step 1: the waiting order cancelled with its rejection, at the version read (null: it changed). */
export function cancelRejected(ctx: ServiceContext, order: Order, by: string, reason: string) {
  const now = ctx.clock.now();
  return ctx.orders.findOneAndUpdate(
    { _id: order._id, version: order.version, status: 'pending-verification' },
    {
      $set: { status: 'cancelled', rejection: { at: now, by, reason }, updatedAt: now },
      $inc: { version: 1 },
    },
  );
}

/** Steps 2-4 for an order whose proof was rejected; safe to repeat and to run concurrently. */
export async function finishRejection(
  ctx: ServiceContext,
  order: Order,
  where: string,
): Promise<RejectResult> {
  const rejection = order.rejection!;
  let number = await ctx.numbers.get(order.numberId);
  const paymentId =
    number?.orderId === order._id && number.paymentId
      ? number.paymentId
      : ((await ctx.payments.find({ orderId: order._id }, { limit: 1 }))[0]?._id ?? null);
  if (paymentId)
    await markRefundDue(
      ctx,
      paymentId,
      `order ${order._id}: proof of ownership rejected: ${rejection.reason}`,
    );
  if (number?.status === 'sold' && number.orderId === order._id) {
    const now = ctx.clock.now();
    // sold to this order only (an order awaiting proof never pins its buyer): back to stock
    number =
      (await ctx.numbers.findOneAndUpdate(
        { _id: number._id, status: 'sold', orderId: order._id, ownerMemberId: { $exists: false } },
        {
          $set: { status: 'available', updatedAt: now },
          $unset: { orderId: '', paymentId: '' },
          $inc: { version: 1 },
        },
      )) ?? (await ctx.numbers.get(number._id));
  }
  let done = order;
  if (rejection.completedAt === undefined) {
    const now = ctx.clock.now();
    done =
      (await ctx.orders.findOneAndUpdate(
        { _id: order._id, status: 'cancelled', 'rejection.completedAt': { $exists: false } },
        { $set: { 'rejection.completedAt': now, updatedAt: now }, $inc: { version: 1 } },
      )) ?? ((await ctx.orders.get(order._id)) as Order);
    ctx.log.info({ orderId: order._id, paymentId }, `${where}: number back in stock, payment due for refund`);
  }
  return { order: orderView(done), number: number ? numberView(number) : null, refundDue: paymentId };
}
