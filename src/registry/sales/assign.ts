// Giving the number of a paid order to a member registered after paying (web flow: search,
// reserve, pay, register), or re-trying an assignment that failed.

import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { refusal } from '../members/numbers.ts';
import type { ServiceContext } from './context.ts';
import { refOfKey } from './numbers.ts';
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
    // The buyer registered after paying for a PIN: recorded on the order, so the approval gives
    // the number to them; nothing is published before it (docs/sales.md, "Proof of ownership").
    if (!order.memberId) {
      const refused = refusal(
        await ctx.members.get(v.memberId),
        v.memberId,
        order.registrarId,
        refOfKey(order.numberId),
        where,
      );
      if (refused) throw refused;
      await ctx.orders.findOneAndUpdate(
        { _id: order._id, status: 'pending-verification', memberId: { $exists: false } },
        { $set: { memberId: v.memberId, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
      );
    }
    throw new RegistryError(
      'verification-required',
      `${where}: the order waits for proof that the buyer holds ${order.numberId.slice(4)}; the number goes to its buyer when it is approved`,
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
