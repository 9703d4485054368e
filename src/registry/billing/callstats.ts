// Calls, minutes, call revenue and top destinations per registrar and member country, from rated
// CDRs (docs/billing.md, "For the web pages"): what the console's CRM shows (CallStats of
// src/registry/crm). Read in `_id` batches: for the console, not for hot paths.
import type { CdrDoc, Member, Store } from '#core';
import { COLLECTIONS } from '#core';
import { callingCodeExists, countriesOf } from '#numbering';
import type { CallStats } from '../crm/index.ts';

const BATCH = 2000;

/** The destination's country (ISO code), or `+<calling code>` for non-geographic codes. */
export function destinationOf(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  for (let n = 1; n <= 3 && n <= digits.length; n++) {
    const cc = digits.slice(0, n);
    if (callingCodeExists(cc)) return countriesOf(cc)[0] ?? `+${cc}`;
  }
  return digits.length ? `+${digits.slice(0, 3)}` : '?';
}

export function createCallStats(deps: { store: Store }): CallStats {
  const cdrs = deps.store.collection<CdrDoc>(COLLECTIONS.cdrs);
  const members = deps.store.collection<Member>(COLLECTIONS.members);
  return {
    async byCountry(q) {
      const filter: Record<string, unknown> = {
        status: 'rated',
        start: { $gte: q.from, $lt: q.to },
        ...(q.registrarId !== undefined ? { registrarId: q.registrarId } : {}),
      };
      const countryOf = new Map<string, string>();
      const rows = new Map<
        string,
        {
          registrarId: string;
          country: string;
          calls: number;
          seconds: number;
          revenue: Record<string, number>;
          dest: Map<string, number>;
        }
      >();
      let last: string | undefined;
      for (;;) {
        const batch = await cdrs.find(
          (last === undefined ? filter : { $and: [filter, { _id: { $gt: last } }] }) as never,
          { sort: { _id: 1 }, limit: BATCH },
        );
        for (const d of batch) {
          if (!d.registrarId || !d.memberId) continue;
          let country = countryOf.get(d.memberId);
          if (country === undefined) {
            country = (await members.get(d.memberId))?.country ?? '??';
            countryOf.set(d.memberId, country);
          }
          const k = `${d.registrarId}|${country}`;
          let r = rows.get(k);
          if (!r) {
            r = { registrarId: d.registrarId, country, calls: 0, seconds: 0, revenue: {}, dest: new Map() };
            rows.set(k, r);
          }
          r.calls++;
          r.seconds += d.seconds;
          if (d.charge !== undefined && d.currency)
            r.revenue[d.currency] = (r.revenue[d.currency] ?? 0) + d.charge;
          if (d.destination) {
            const dest = destinationOf(d.destination);
            r.dest.set(dest, (r.dest.get(dest) ?? 0) + 1);
          }
        }
        if (batch.length < BATCH) break;
        last = batch.at(-1)!._id;
      }
      return [...rows.values()].map((r) => ({
        registrarId: r.registrarId,
        country: r.country,
        calls: r.calls,
        minutes: Math.round(r.seconds / 6) / 10,
        revenue: r.revenue,
        destinations: [...r.dest.entries()]
          .map(([destination, calls]) => ({ destination, calls }))
          .sort((a, b) => b.calls - a.calls || a.destination.localeCompare(b.destination)),
      }));
    },
  };
}
