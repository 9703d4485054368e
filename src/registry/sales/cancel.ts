// Cancelling a reserved order: the number goes back to stock first (the decisive write, which
// races fairly with a payment's), then the order is marked cancelled. A payment recorded in time
// wins over a cancel: the sale is completed instead.

import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { ownOrder } from './orders.ts';
import { applyPayment } from './pay.ts';
import { paymentInTime } from './reserve.ts';
import { OrderRef } from './schemas.ts';
import { type OrderView, orderView } from './views.ts';

export async function cancel(ctx: ServiceContext, principal: Principal, input: OrderRef): Promise<OrderView> {
  const v = parseInput(OrderRef, input, 'registry: sales: cancel');
  const where = `registry: sales: cancel order ${v.orderId}`;
  const order = await ownOrder(ctx, principal, v.orderId, where);
  if (order.status === 'cancelled') return orderView(order);
  if (order.status !== 'reserved') {
    throw new RegistryError('order-state', `${where}: the order is ${order.status}`, {
      details: { orderStatus: order.status },
    });
  }
  const paidInTime = await paymentInTime(ctx, order._id, order.expiresAt);
  if (paidInTime) {
    await applyPayment(ctx, order, paidInTime, where);
    throw new RegistryError(
      'order-state',
      `${where}: the order was paid (${paidInTime.reference ?? paidInTime._id})`,
      {
        details: { orderStatus: 'paid' },
      },
    );
  }
  const now = ctx.clock.now();
  const freed = await ctx.numbers.findOneAndUpdate(
    { _id: order.numberId, status: 'reserved', 'reservation.orderId': order._id },
    { $set: { status: 'available', updatedAt: now }, $unset: { reservation: '' }, $inc: { version: 1 } },
  );
  if (!freed) {
    const n = await ctx.numbers.get(order.numberId);
    if (n?.orderId === order._id && n.paymentId) {
      // A payment sold it between our check and our write.
      throw new RegistryError('order-state', `${where}: the order was paid`, {
        details: { orderStatus: 'paid' },
      });
    }
  }
  const cancelled = await ctx.orders.findOneAndUpdate(
    { _id: order._id, status: 'reserved' },
    { $set: { status: 'cancelled', updatedAt: now }, $inc: { version: 1 } },
  );
  const final = cancelled ?? (await ctx.orders.get(order._id));
  if (!final) throw new RegistryError('not-found', `${where}: no order ${order._id}`);
  if (final.status !== 'cancelled') {
    throw new RegistryError('order-state', `${where}: the order is ${final.status}`, {
      details: { orderStatus: final.status },
    });
  }
  return orderView(final);
}
