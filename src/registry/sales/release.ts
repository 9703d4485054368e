// Releasing a sold or assigned number back to stock, in three idempotent steps:
//   1. number: sold|assigned -> released (releasedAt): no sale or assignment touches it now
//   2. member: $pull the number (through the publisher: its DNS records go)
//   3. number: released -> available (owner, order and payment cleared), or -> quarantined
//      until `quarantineUntil` when step 1 set it (unpaid rent, docs/billing.md)
// A crash after step 1 leaves a 'released' number, which the sweep (or a second release) finishes.

import type { InventoryNumber } from '#core';
import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { removeNumberFromMember } from '../members/numbers.ts';
import { backoff, MAX_ATTEMPTS } from './backoff.ts';
import type { ServiceContext } from './context.ts';
import { ownNumber } from './orders.ts';
import { markOrderPaid } from './sale.ts';
import { NumberRefInput } from './schemas.ts';
import { type NumberView, numberView } from './views.ts';

/** Steps 2 and 3 for a number in 'released'. */
export async function finishRelease(
  ctx: ServiceContext,
  n: InventoryNumber,
): Promise<InventoryNumber | null> {
  if (n.ownerMemberId) await removeNumberFromMember(ctx, n.ownerMemberId, n._id);
  const now = ctx.clock.now();
  const quarantined = n.quarantineUntil !== undefined && n.quarantineUntil > now;
  const available = await ctx.numbers.findOneAndUpdate(
    { _id: n._id, status: 'released' },
    {
      // lastReleasedAt stays for the web CRM's churn (docs/web.md)
      $set: {
        status: quarantined ? 'quarantined' : 'available',
        updatedAt: now,
        lastReleasedAt: n.releasedAt ?? now,
      },
      $unset: {
        ownerMemberId: '',
        orderId: '',
        paymentId: '',
        releasedAt: '',
        ...(quarantined ? {} : { quarantineUntil: '' }),
      },
      $inc: { version: 1 },
    },
  );
  return available ?? ctx.numbers.get(n._id);
}

/**
 * Steps 1-3 for a sold or assigned number (any owner); null when it is in neither state. With
 * `quarantineUntil` the number is not sellable until then (status 'quarantined').
 */
export async function releaseNumber(
  ctx: ServiceContext,
  n: InventoryNumber,
  quarantineUntil?: number,
): Promise<InventoryNumber | null> {
  if (n.status === 'released') return finishRelease(ctx, n);
  if (n.status !== 'sold' && n.status !== 'assigned') return null;
  // The sale's record is complete before the number moves on (a crash may have skipped it).
  if (n.orderId && n.paymentId) await markOrderPaid(ctx, n.orderId, n.paymentId);
  const now = ctx.clock.now();
  const released = await ctx.numbers.findOneAndUpdate(
    { _id: n._id, status: { $in: ['sold', 'assigned'] }, version: n.version },
    {
      $set: {
        status: 'released',
        releasedAt: now,
        updatedAt: now,
        ...(quarantineUntil === undefined ? {} : { quarantineUntil }),
      },
      $inc: { version: 1 },
    },
  );
  if (!released) {
    const cur = await ctx.numbers.get(n._id);
    return cur && cur.status !== n.status ? releaseNumber(ctx, cur, quarantineUntil) : null;
  }
  return finishRelease(ctx, released);
}

export async function release(
  ctx: ServiceContext,
  principal: Principal,
  input: NumberRefInput,
): Promise<NumberView> {
  const v = parseInput(NumberRefInput, input, 'registry: sales: release');
  const where = `registry: sales: release ${v.number}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const n = await ownNumber(ctx, principal, v.number, where);
    if (n.status === 'available' || n.status === 'quarantined') return numberView(n);
    if (n.status === 'reserved') {
      throw new RegistryError(
        'number-state',
        `${where}: the number is reserved; cancel order ${n.reservation?.orderId} instead`,
        {
          details: { status: n.status },
        },
      );
    }
    const done = await releaseNumber(ctx, n);
    if (done) return numberView(done);
  }
  throw new RegistryError('version-conflict', `${where}: the number keeps changing; try again`);
}
