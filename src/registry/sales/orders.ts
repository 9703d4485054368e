// Reading orders and the inventory, each limited to what the principal may see: another
// registrar's order or number is 'not-found', never 'forbidden', so ids reveal nothing.

import type { Filter, InventoryNumber, Order } from '#core';
import { NumberingError } from '#numbering';
import {
  issue,
  listingScope,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
  visible,
} from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { parseNumberRef } from './numbers.ts';
import { ListInventoryInput, ListOrdersInput, NumberRefInput, OrderRef } from './schemas.ts';
import { type NumberView, numberView, type OrderView, orderView } from './views.ts';

export async function ownOrder(
  ctx: ServiceContext,
  principal: Principal,
  orderId: string,
  where: string,
): Promise<Order> {
  return visible(principal, await ctx.orders.get(orderId), `${where}: order ${orderId}`);
}

/** The inventory key of a number as written; invalid-input when src/numbering refuses it. */
export function numberIdOf(text: string, where: string): string {
  try {
    return parseNumberRef(text).id;
  } catch (err) {
    if (!(err instanceof NumberingError)) throw err;
    throw new RegistryError('invalid-input', `${where}: number: ${err.message}`, {
      issues: [issue('number', err.detail)],
    });
  }
}

export async function ownNumber(
  ctx: ServiceContext,
  principal: Principal,
  text: string,
  where: string,
): Promise<InventoryNumber> {
  const id = numberIdOf(text, where);
  return visible(principal, await ctx.numbers.get(id), `${where}: number ${id}`);
}

export async function getOrder(
  ctx: ServiceContext,
  principal: Principal,
  input: OrderRef,
): Promise<OrderView> {
  const v = parseInput(OrderRef, input, 'registry: sales: order');
  return orderView(await ownOrder(ctx, principal, v.orderId, 'registry: sales: order'));
}

export async function getNumber(
  ctx: ServiceContext,
  principal: Principal,
  input: NumberRefInput,
): Promise<NumberView> {
  const v = parseInput(NumberRefInput, input, 'registry: sales: number');
  return numberView(await ownNumber(ctx, principal, v.number, 'registry: sales: number'));
}

export async function listOrders(
  ctx: ServiceContext,
  principal: Principal,
  input: ListOrdersInput,
): Promise<Page<OrderView>> {
  const where = 'registry: sales: orders';
  const v = parseInput(ListOrdersInput, input, where);
  const registrarId = listingScope(principal, v.registrarId, where);
  const filter: Filter = {
    ...(registrarId !== undefined ? { registrarId } : {}),
    ...(v.status ? { status: v.status } : {}),
    ...(v.memberId ? { memberId: v.memberId } : {}),
  };
  // order ids start with their creation time: `_id` order is creation order
  return page(
    ctx.orders,
    filter,
    v,
    { list: 'sales: orders', query: { registrarId, status: v.status, memberId: v.memberId } },
    orderView,
  );
}

export async function listInventory(
  ctx: ServiceContext,
  principal: Principal,
  input: ListInventoryInput,
): Promise<Page<NumberView>> {
  const where = 'registry: sales: inventory';
  const v = parseInput(ListInventoryInput, input, where);
  const registrarId = listingScope(principal, v.registrarId, where);
  const filter: Filter = {
    ...(registrarId !== undefined ? { registrarId } : {}),
    ...(v.status ? { status: v.status } : {}),
  };
  return page(
    ctx.numbers,
    filter,
    v,
    { list: 'sales: inventory', query: { registrarId, status: v.status } },
    numberView,
  );
}
