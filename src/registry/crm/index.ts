// The CRM of the web console (docs/web.md, "CRM"): per registrar and country, for a period —
// members (and new members), numbers sold and revenue (payments recorded in the period that
// bought their order), active numbers (sold or assigned now), churn (numbers that went back to
// stock in the period), and, when the fee system provides call records, calls, minutes and top
// destinations. A registrar's staff sees its registrar; the operator all of them side by side.
import { z } from 'zod';
import {
  COLLECTIONS,
  type Collection,
  type Doc,
  type Filter,
  type InventoryNumber,
  type Member,
  type Order,
  type PaymentRecord,
  type Store,
} from '#core';
import { listingScope, type Principal, parseInput, RegistrarId, requireCapability } from '../kernel/index.ts';

/** Call records per registrar and country, from the fee system when it runs (its CDRs). */
export interface CallStats {
  byCountry(q: { registrarId?: string; from: number; to: number }): Promise<
    Array<{
      registrarId: string;
      country: string;
      calls: number;
      minutes: number;
      /** What the calls were charged (minor units per currency). */
      revenue?: Record<string, number>;
      destinations: Array<{ destination: string; calls: number }>;
    }>
  >;
}

export const CrmQuery = z
  .object({
    registrarId: RegistrarId.optional(),
    from: z.number().int().min(0),
    to: z.number().int().min(0),
  })
  .strict()
  .refine((v) => v.from < v.to, { error: 'the period must end after it starts', path: ['to'] });
export type CrmQuery = z.input<typeof CrmQuery>;

export interface CrmRow {
  registrarId: string;
  country: string;
  members: number;
  newMembers: number;
  numbersSold: number;
  /** Minor units per currency. */
  revenue: Record<string, number>;
  activeNumbers: number;
  churned: number;
  calls?: number;
  minutes?: number;
  /** What the calls were charged (minor units per currency). */
  callRevenue?: Record<string, number>;
  topDestinations?: Array<{ destination: string; calls: number }>;
}

export interface CrmReport {
  from: number;
  to: number;
  rows: CrmRow[];
  /** Numbers sold per day of the period (UTC days), per country: the chart. */
  salesByDay: Array<{ day: string; country: string; sold: number }>;
  /** Whether call records were available (the fee system). */
  calls: boolean;
}

const BATCH = 2000;

/** Every document matching `filter`, read in `_id` order in batches (bounded memory per read). */
async function* scan<T extends Doc & { _id: string }>(
  coll: Collection<T>,
  filter: Filter,
): AsyncGenerator<T> {
  let last: string | undefined;
  for (;;) {
    const docs = await coll.find(last === undefined ? filter : { $and: [filter, { _id: { $gt: last } }] }, {
      sort: { _id: 1 },
      limit: BATCH,
    });
    yield* docs;
    if (docs.length < BATCH) return;
    last = docs.at(-1)!._id;
  }
}

export type CrmService = ReturnType<typeof createCrm>;

export function createCrm(deps: { store: Store; calls?: CallStats }) {
  const members = deps.store.collection<Member>(COLLECTIONS.members);
  const numbers = deps.store.collection<InventoryNumber>(COLLECTIONS.numbers);
  const orders = deps.store.collection<Order>(COLLECTIONS.orders);
  const payments = deps.store.collection<PaymentRecord>(COLLECTIONS.payments);

  return {
    /** Whether calls and minutes can be shown (the fee system's call records are there). */
    hasCalls: () => deps.calls !== undefined,

    async report(p: Principal, input: CrmQuery): Promise<CrmReport> {
      const where = 'registry: crm';
      requireCapability(p, 'read', where);
      const v = parseInput(CrmQuery, input, where);
      const registrarId = listingScope(p, v.registrarId, where);
      const scope: Filter = registrarId !== undefined ? { registrarId } : {};
      const rows = new Map<string, CrmRow>();
      const row = (reg: string, country: string): CrmRow => {
        const k = `${reg}|${country}`;
        let r = rows.get(k);
        if (!r) {
          r = {
            registrarId: reg,
            country,
            members: 0,
            newMembers: 0,
            numbersSold: 0,
            revenue: {},
            activeNumbers: 0,
            churned: 0,
          };
          rows.set(k, r);
        }
        return r;
      };
      for await (const m of scan(members, scope)) {
        if (m.createdAt >= v.to) continue;
        const r = row(m.registrarId, m.country);
        r.members++;
        if (m.createdAt >= v.from) r.newMembers++;
      }
      for await (const n of scan(numbers, { ...scope, status: { $in: ['sold', 'assigned'] } }))
        row(n.registrarId, n.country).activeNumbers++;
      for await (const n of scan(numbers, { ...scope, lastReleasedAt: { $gte: v.from, $lt: v.to } }))
        row(n.registrarId, n.country).churned++;
      const countryOf = new Map<string, string>();
      const byDay = new Map<string, number>();
      for await (const pay of scan(payments, { ...scope, at: { $gte: v.from, $lt: v.to } })) {
        if (pay.refundDue) continue;
        const order = await orders.get(pay.orderId);
        // a payment counts when it is the one that bought its order
        if (order?.status !== 'paid' || `${order.registrarId}:${order.paymentReference}` !== pay._id)
          continue;
        let country = countryOf.get(order.numberId);
        if (country === undefined) {
          country = (await numbers.get(order.numberId))?.country ?? '??';
          countryOf.set(order.numberId, country);
        }
        const r = row(order.registrarId, country);
        r.numbersSold++;
        r.revenue[pay.amount.currency] = (r.revenue[pay.amount.currency] ?? 0) + pay.amount.amount;
        const day = `${new Date(pay.at).toISOString().slice(0, 10)}|${country}`;
        byDay.set(day, (byDay.get(day) ?? 0) + 1);
      }
      if (deps.calls) {
        for (const c of await deps.calls.byCountry({
          ...(registrarId ? { registrarId } : {}),
          from: v.from,
          to: v.to,
        })) {
          const r = row(c.registrarId, c.country);
          r.calls = c.calls;
          r.minutes = c.minutes;
          r.callRevenue = c.revenue ?? {};
          r.topDestinations = c.destinations.slice(0, 5);
        }
      }
      return {
        from: v.from,
        to: v.to,
        rows: [...rows.values()].sort(
          (a, b) => a.registrarId.localeCompare(b.registrarId) || a.country.localeCompare(b.country),
        ),
        salesByDay: [...byDay.entries()]
          .map(([k, sold]) => {
            const [day, country] = k.split('|') as [string, string];
            return { day, country, sold };
          })
          .sort((a, b) => a.day.localeCompare(b.day) || a.country.localeCompare(b.country)),
        calls: deps.calls !== undefined,
      };
    },
  };
}
