// The fee system's service as the pages' BillingPort (docs/web.md, "The fee system"): a member's
// balance, top-up through the test payment provider, call history and statements; the console's
// rate decks. The billing service decides who sees what (a member only its own account and calls).
import type { Money } from '#core';
import {
  type BillingService,
  billing,
  type MemberPrincipal,
  RegistryError,
  registrarPrincipal,
} from '#registry';
import type { BillingPort } from './context.ts';

/** At most this many ledger entries are read for a member's statements. */
const STATEMENT_ENTRIES = 5000;
/** At most this many of a member's call records are read for its call history. */
const CALL_RECORDS = 5000;

const money = (s: string, currency: string): Money => ({
  amount: billing.minorOf(s, currency, { negative: true }),
  currency,
});

export function billingPort(b: BillingService): BillingPort {
  /** The member's account, or null when it has none. */
  async function account(p: MemberPrincipal) {
    try {
      return await b.accounts.get(p, { memberId: p.memberId });
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'not-found') return null;
      throw err;
    }
  }
  return {
    async balance(p) {
      const a = await account(p);
      return a ? money(a.balance, a.currency) : null;
    },

    async topUp(p, amount, key) {
      // the test provider pays at once (no money moves); the registrar that sold the account posts
      // the top-up, keyed by the form's key: a second submit of the same form is the same posting
      const r = await b.accounts.post(registrarPrincipal(p.registrarId), {
        memberId: p.memberId,
        kind: 'topup',
        amount: billing.formatMinor(amount.amount, amount.currency),
        currency: amount.currency,
        key: `web-topup:${key}`,
        ref: `test-${key}`,
        memo: 'top-up in the portal (test provider)',
      });
      return { duplicate: r.duplicate };
    },

    async calls(p, q) {
      // CDRs page in id order (poster and Call-ID): read the member's, newest first
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await b.cdrs.list(p, {
          memberId: p.memberId,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        all.push(...page.items);
        cursor = page.next ?? undefined;
      } while (cursor && all.length < CALL_RECORDS);
      return all
        .sort((x, y) => y.start - x.start)
        .slice(0, q.limit)
        .map((d) => ({
          at: d.start,
          to: d.destination ?? '',
          seconds: d.seconds,
          disposition: d.disposition,
          ...(d.charge !== null && d.currency ? { cost: money(d.charge, d.currency) } : {}),
        }));
    },

    async statements(p) {
      const a = await account(p);
      if (!a) return [];
      const per = new Map<string, { credits: number; charges: number }>();
      let cursor: string | undefined;
      let read = 0;
      do {
        const page = await b.accounts.entries(p, {
          memberId: p.memberId,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const e of page.items) {
          if (!e.period) continue;
          const t = per.get(e.period) ?? { credits: 0, charges: 0 };
          const amount = billing.minorOf(e.amount, a.currency, { negative: true });
          if (amount >= 0) t.credits += amount;
          else t.charges -= amount;
          per.set(e.period, t);
        }
        read += page.items.length;
        cursor = page.next ?? undefined;
      } while (cursor && read < STATEMENT_ENTRIES);
      return [...per.entries()]
        .sort(([x], [y]) => y.localeCompare(x))
        .map(([period, t]) => ({
          id: period,
          from: billing.periodStart(period),
          to: billing.periodEnd(period) - 1,
          credits: { amount: t.credits, currency: a.currency },
          charges: { amount: t.charges, currency: a.currency },
          total: { amount: t.credits - t.charges, currency: a.currency },
        }));
    },

    async rateDecks(p) {
      const out = [];
      let cursor: string | undefined;
      do {
        const page = await b.decks.list(p, { limit: 200, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.next ?? undefined;
      } while (cursor && out.length < 2000);
      return out.map((d) => ({
        id: d.id,
        name: d.name,
        kind: d.kind,
        currency: d.currency,
        rates: d.entries,
        revision: d.revision,
      }));
    },
  };
}
