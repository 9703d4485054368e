// Giving the number of a paid order to a member registered after paying (web flow: search,
// reserve, pay, register), or re-trying an assignment that failed.

import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { ownOrder } from './orders.ts';
import { assignNumber } from './sale.ts';
import { AssignInput } from './schemas.ts';
import { type NumberView, numberView, type OrderView, orderView } from './views.ts';

export async function assign(
  ctx: ServiceContext,
  principal: Principal,
  input: AssignInput,
): Promise<{ order: OrderView; number: NumberView }> {
  const v = parseInput(AssignInput, input, 'registry: sales: assign');
  const where = `registry: sales: assign order ${v.orderId} to ${v.memberId}`;
  const order = await ownOrder(ctx, principal, v.orderId, where);
  if (order.status === 'pending-verification') {
    throw new RegistryError(
      'verification-required',
      `${where}: the order waits for proof that the buyer holds ${order.numberId.slice(4)}; approve it first`,
      { details: { orderStatus: order.status } },
    );
  }
  if (order.status !== 'paid') {
    throw new RegistryError('order-state', `${where}: the order is ${order.status}, not paid`, {
      details: { orderStatus: order.status },
    });
  }
  const n = await ctx.numbers.get(order.numberId);
  if (!n || n.orderId !== order._id || (n.status !== 'sold' && n.status !== 'assigned')) {
    throw new RegistryError('number-state', `${where}: the number of this order is no longer sold to it`);
  }
  if (n.ownerMemberId !== undefined && n.ownerMemberId !== v.memberId) {
    throw new RegistryError('number-state', `${where}: the number belongs to member ${n.ownerMemberId}`);
  }
  const assigned = await assignNumber(ctx, n, v.memberId);
  const named =
    (await ctx.orders.findOneAndUpdate(
      { _id: order._id, $or: [{ memberId: { $exists: false } }, { memberId: v.memberId }] },
      { $set: { memberId: v.memberId, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
    )) ?? order;
  return { order: orderView(named), number: numberView(assigned) };
}
