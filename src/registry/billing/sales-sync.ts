// Number sales in the ledger (docs/billing.md, "Number sales"): a paid order posts two entries
// to its member's account — the payment received (+price) and the number bought (−price) — so
// the balance is unchanged (the money came from outside) and statements show the sale. Posted by
// the sales hook right after pay(), and by the sweep from paid orders (a hook that failed, a
// crash, an order paid before its member registered and assigned later); the keys
// sale:<order>:payment and sale:<order>:number make each posting happen once. A PIN's order
// waiting for its proof of ownership (`pending-verification`) is posted too: the money was
// received at payment, and the number is sold to the order then (its rent starts only when it
// is assigned, after the approval: rental.ts); the approval posts nothing more. A rejected proof
// of ownership reverses the sale with two more entries — the number returned (+price) and the
// payment returned (−price, refunded the way it came) — keys sale:<order>:returned and
// sale:<order>:refund; the sale's own two are posted first if they were not, so the history is
// whole and the balance unchanged.
import type { Account, Clock, Logger, Order, Store } from '#core';
import { COLLECTIONS, DuplicateKeyError } from '#core';
import type { PayResult } from '../sales/pay.ts';
import type { OrderView } from '../sales/views.ts';
import type { Ledger } from './ledger.ts';

const CHECKPOINT = 'billing.sales';
const BATCH = 500;

export interface SalesSyncOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
}

export type SalesSync = ReturnType<typeof createSalesSync>;

export function createSalesSync(opts: SalesSyncOptions) {
  const { store, clock, ledger } = opts;
  const orders = store.collection<Order>(COLLECTIONS.orders);
  const counters = store.collection<{ _id: string; seq: number }>(COLLECTIONS.counters);
  const log = opts.logger.child({ component: 'billing' });

  /** The member's account, opened prepaid in `currency` when it has none. */
  async function accountFor(memberId: string, registrarId: string, currency: string): Promise<Account> {
    const have = await ledger.accounts.get(memberId);
    if (have) return have;
    const now = clock.now();
    const doc: Account = {
      _id: memberId,
      registrarId,
      currency,
      mode: 'prepaid',
      creditLimit: 0,
      next: 0,
      seq: 0,
      pending: 0,
      balance: 0,
      available: 0,
      leases: {},
      leaseCount: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await ledger.accounts.insert(doc);
      return doc;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      return (await ledger.accounts.get(memberId))!;
    }
  }

  /** Order states whose payment was received: paid, or paid and waiting for a PIN's proof of ownership. */
  const PAID: readonly Order['status'][] = ['paid', 'pending-verification'];

  type OrderLike = Pick<
    Order,
    '_id' | 'registrarId' | 'numberId' | 'price' | 'status' | 'paymentReference'
  > & {
    memberId?: string | undefined;
    rejected?: boolean;
  };

  /**
   * Posts a paid order's two entries (and a rejected one's two more); false when it cannot yet
   * (no member) or cannot (another currency).
   */
  async function postOrder(o: OrderLike): Promise<boolean> {
    const rejected = o.status === 'cancelled' && o.rejected === true;
    if ((!PAID.includes(o.status) && !rejected) || !o.memberId) return false;
    const a = await accountFor(o.memberId, o.registrarId, o.price.currency);
    if (a.currency !== o.price.currency) {
      log.warn(
        { orderId: o._id, memberId: o.memberId, account: a.currency, price: o.price.currency },
        'billing: sales: the order is in another currency than the member account; not posted',
      );
      return false;
    }
    await ledger.postMany([
      {
        accountId: a._id,
        key: `sale:${o._id}:payment`,
        posting: {
          kind: 'payment',
          amount: o.price.amount,
          currency: o.price.currency,
          ref: o._id,
          memo: `payment ${o.paymentReference ?? ''}`.trim(),
        },
      },
      {
        accountId: a._id,
        key: `sale:${o._id}:number`,
        posting: {
          kind: 'number-sale',
          amount: -o.price.amount,
          currency: o.price.currency,
          ref: o.numberId,
          memo: `number ${o.numberId}`,
        },
      },
      ...(rejected
        ? [
            {
              accountId: a._id,
              key: `sale:${o._id}:returned`,
              posting: {
                kind: 'number-sale' as const,
                amount: o.price.amount,
                currency: o.price.currency,
                ref: o.numberId,
                memo: `number ${o.numberId} returned: proof of ownership rejected`,
              },
            },
            {
              accountId: a._id,
              key: `sale:${o._id}:refund`,
              posting: {
                kind: 'payment' as const,
                amount: -o.price.amount,
                currency: o.price.currency,
                ref: o._id,
                memo: o.paymentReference ? `payment ${o.paymentReference} refunded` : 'payment refunded',
              },
            },
          ]
        : []),
    ]);
    return true;
  }

  /** The sales hook (createSales({ onPaid })). */
  async function onPaid(r: PayResult): Promise<void> {
    await postOrder({
      _id: r.order.id,
      registrarId: r.order.registrarId,
      numberId: r.order.numberId,
      price: r.order.price,
      status: r.order.status,
      paymentReference: r.order.paymentReference,
      memberId: r.order.memberId,
    });
  }

  /** The sales hook (createSales({ onRejected })). */
  async function onRejected(o: OrderView): Promise<void> {
    await postOrder({
      _id: o.id,
      registrarId: o.registrarId,
      numberId: o.numberId,
      price: o.price,
      status: o.status,
      paymentReference: o.paymentReference,
      memberId: o.memberId,
      rejected: o.rejection !== undefined,
    });
  }

  /** Orders matching `filter` changed since the checkpoint `id`: posted, then the checkpoint moved. */
  async function pass(id: string, filter: Record<string, unknown>): Promise<number> {
    const cp = (await counters.get(id))?.seq ?? 0;
    const now = clock.now();
    const batch = await orders.find({ ...filter, updatedAt: { $gte: cp } } as never, {
      sort: { updatedAt: 1 },
      limit: BATCH,
    });
    let n = 0;
    for (const o of batch) if (await postOrder({ ...o, rejected: o.rejection !== undefined })) n++;
    const next = batch.length === BATCH ? batch.at(-1)!.updatedAt : Math.max(cp, now - 60_000);
    if (next > cp) await counters.findOneAndUpdate({ _id: id }, { $set: { seq: next } }, { upsert: true });
    return n;
  }

  /** Paid orders, and orders whose proof was rejected, changed since the last pass. */
  async function sweep(): Promise<number> {
    return (
      (await pass(CHECKPOINT, { status: { $in: PAID } })) +
      (await pass(`${CHECKPOINT}.rejected`, { status: 'cancelled', 'rejection.at': { $exists: true } }))
    );
  }

  return { onPaid, onRejected, sweep, postOrder };
}
