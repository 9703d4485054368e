// Holding a reservation longer: a payment that takes days (a bank transfer the registrar
// confirms when the money arrives) needs its number held that long. One conditional update of
// the number decides, and only while the reservation still holds (`expiresAt > now`): an
// expired reservation may already be taken over, so it is never revived.
import { z } from 'zod';
import { DocId, type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { ownOrder } from './orders.ts';
import { type OrderView, orderView } from './views.ts';

/** The longest hold from now: seven days. */
export const MAX_HOLD_MS = 7 * 24 * 3_600_000;

export const ExtendInput = z
  .object({
    orderId: DocId,
    /** Hold the number this long from now (never shortens a longer hold). */
    holdMs: z
      .number()
      .int()
      .min(60_000, { error: 'expected a hold of at least a minute' })
      .max(MAX_HOLD_MS, { error: 'expected a hold of at most seven days' }),
  })
  .strict();
export type ExtendInput = z.input<typeof ExtendInput>;

export async function extend(
  ctx: ServiceContext,
  principal: Principal,
  input: ExtendInput,
): Promise<OrderView> {
  const v = parseInput(ExtendInput, input, 'registry: sales: extend');
  const where = `registry: sales: extend order ${v.orderId}`;
  const order = await ownOrder(ctx, principal, v.orderId, where);
  if (order.status !== 'reserved')
    throw new RegistryError('order-state', `${where}: the order is ${order.status}`, {
      details: { orderStatus: order.status },
    });
  const now = ctx.clock.now();
  const current = await ctx.numbers.get(order.numberId);
  const held = current?.reservation?.orderId === order._id ? current.reservation.expiresAt : 0;
  const expiresAt = Math.max(held, now + v.holdMs);
  const n = await ctx.numbers.findOneAndUpdate(
    {
      _id: order.numberId,
      status: 'reserved',
      'reservation.orderId': order._id,
      'reservation.expiresAt': { $gt: now },
    },
    { $set: { 'reservation.expiresAt': expiresAt, updatedAt: now }, $inc: { version: 1 } },
  );
  if (!n)
    throw new RegistryError('order-not-payable', `${where}: the reservation has expired`, {
      details: { orderStatus: order.status },
    });
  // after the number (decisive); a crash here leaves the order's expiresAt short, which the
  // sweep reads only for orders whose number is no longer theirs
  const updated = await ctx.orders.findOneAndUpdate(
    { _id: order._id, status: 'reserved' },
    { $set: { expiresAt, updatedAt: now }, $inc: { version: 1 } },
  );
  return orderView(updated ?? { ...order, expiresAt });
}
