// Settlement (docs/billing.md, "Settlement"): per party — a registrar, a PSTN gateway, a partner
// carrier, a center — and per period: calls, minutes, revenue (what members were charged), cost
// (what the counterparties charge us) and margin, by currency; for registrars also the ledger's
// totals (number sales, rent, top-ups, adjustments). A period is open until it is closed
// (by hand, or automatically some time after it ended); closing stores every party's statement
// once, and from then on nothing counts in it: a CDR of a call in a closed period counts in the
// open period, and a correction is an adjustment posted now.
import type {
  BillingPeriod,
  CdrDoc,
  Clock,
  LedgerEntry,
  Logger,
  StatementDoc,
  StatementLine,
  Store,
} from '#core';
import { COLLECTIONS, DuplicateKeyError } from '#core';
import { hasCapability, type Principal, parseInput, RegistryError, requireAdmin } from '../kernel/index.ts';
import { toCsv } from './csv.ts';
import { formatDecimal, formatMinor } from './money.ts';
import { parseParty } from './parties.ts';
import { type PeriodUnit, periodEnd, periodOf } from './periods.ts';
import { PeriodRef, StatementInput } from './schemas.ts';

export interface StatementView {
  party: string;
  period: string;
  /** closed: stored at closing and final; open: as of now. */
  state: 'open' | 'closing' | 'closed';
  from: number;
  until: number;
  lines: {
    currency: string;
    calls: number;
    answered: number;
    seconds: number;
    minutes: string;
    revenue: string;
    cost: string;
    margin: string;
  }[];
  ledger: { kind: string; currency: string; count: number; amount: string }[];
}

export interface SettlementOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  unit: PeriodUnit;
  /** Periods close by themselves this long after they end (ms; 0: only by hand). */
  closeAfterMs: number;
  /** Between 'closing' and the statements being stored: writers that read 'open' finish first (ms). */
  closingGraceMs?: number;
}

export type Settlement = ReturnType<typeof createSettlement>;

const PAGE = 5000;

export function createSettlement(opts: SettlementOptions) {
  const { store, clock } = opts;
  const periods = store.collection<BillingPeriod>(COLLECTIONS.billingPeriods);
  const statements = store.collection<StatementDoc>(COLLECTIONS.statements);
  const cdrs = store.collection<CdrDoc>(COLLECTIONS.cdrs);
  const ledger = store.collection<LedgerEntry>(COLLECTIONS.ledger);
  const graceMs = opts.closingGraceMs ?? 10_000;
  const cache = new Map<string, { status: BillingPeriod['status']; at: number }>();

  async function statusOf(period: string, fresh = false): Promise<BillingPeriod['status']> {
    const now = clock.now();
    const c = cache.get(period);
    if (!fresh && c && now - c.at < 1000) return c.status;
    const doc = await periods.get(period);
    const status = doc?.status ?? 'open';
    if (!doc)
      await periods.insert({ _id: period, status: 'open' }).catch((err: unknown) => {
        if (!(err instanceof DuplicateKeyError)) throw err;
      });
    cache.set(period, { status, at: now });
    return status;
  }

  /** The period a call ending at `end` counts in: its own, or the current one when its own is closed. */
  async function periodFor(end: number, fresh = false): Promise<string> {
    let p = periodOf(end, opts.unit);
    if ((await statusOf(p, fresh)) === 'open') return p;
    p = periodOf(clock.now(), opts.unit);
    for (let i = 0; i < 3 && (await statusOf(p, fresh)) !== 'open'; i++)
      p = periodOf(periodEnd(p), opts.unit);
    return p;
  }

  /**
   * After CDRs are stored: any that landed in a period that began closing meanwhile moves to
   * an open one (the closer waits `closingGraceMs` before it counts, docs/billing.md).
   */
  async function recheck(docs: readonly CdrDoc[]): Promise<void> {
    const seen = new Map<string, string>();
    for (const d of docs) {
      if (!d.period) continue;
      let to = seen.get(d.period);
      if (to === undefined) {
        to = (await statusOf(d.period, true)) === 'open' ? d.period : await periodFor(clock.now(), true);
        seen.set(d.period, to);
      }
      if (to !== d.period)
        await cdrs.findOneAndUpdate({ _id: d._id, period: d.period }, { $set: { period: to } });
    }
  }

  async function* scan(filter: Record<string, unknown>): AsyncGenerator<CdrDoc> {
    let after = '';
    for (;;) {
      const batch = await cdrs.find({ ...filter, _id: { $gt: after } } as never, {
        sort: { _id: 1 },
        limit: PAGE,
      });
      for (const d of batch) yield d;
      if (batch.length < PAGE) return;
      after = batch.at(-1)!._id;
    }
  }

  /** Computes a party's statement from the rated CDRs (and ledger entries) of the period. */
  async function compute(party: string, period: string): Promise<Omit<StatementDoc, '_id' | 'closedAt'>> {
    const p = parseParty(party)!;
    const lines = new Map<string, StatementLine>();
    const line = (currency: string) => {
      let l = lines.get(currency);
      if (!l) {
        l = { currency, calls: 0, answered: 0, seconds: 0, revenue: 0, cost: 0, margin: 0 };
        lines.set(currency, l);
      }
      return l;
    };
    const filter = p.kind === 'registrar' ? { registrarId: p.id, period } : { source: party, period };
    for await (const d of scan(filter)) {
      if (d.status !== 'rated') continue;
      const home = p.kind === 'registrar' ? d.currency : (d.costCurrency ?? d.currency);
      if (home) {
        const l = line(home);
        l.calls++;
        if (d.seconds > 0) l.answered++;
        l.seconds += d.seconds;
      }
      if (d.currency && d.charge) line(d.currency).revenue += d.charge;
      if (d.costCurrency && d.cost) line(d.costCurrency).cost += d.cost;
    }
    for (const l of lines.values()) l.margin = l.revenue - l.cost;
    const totals = new Map<string, { kind: string; currency: string; amount: number; count: number }>();
    if (p.kind === 'registrar') {
      let after = '';
      for (;;) {
        const batch = await ledger.find({ registrarId: p.id, period, _id: { $gt: after } } as never, {
          sort: { _id: 1 },
          limit: PAGE,
        });
        for (const e of batch) {
          if (e.noop || !e.kind || !e.currency) continue;
          const k = `${e.kind}|${e.currency}`;
          const t = totals.get(k) ?? { kind: e.kind, currency: e.currency, amount: 0, count: 0 };
          t.amount += e.amount ?? 0;
          t.count++;
          totals.set(k, t);
        }
        if (batch.length < PAGE) break;
        after = batch.at(-1)!._id;
      }
    }
    return {
      party,
      period,
      lines: [...lines.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
      ledger: [...totals.values()].sort((a, b) => (a.kind + a.currency < b.kind + b.currency ? -1 : 1)),
    };
  }

  function view(s: Omit<StatementDoc, '_id' | 'closedAt'>, state: StatementView['state']): StatementView {
    const unitStart = s.period;
    const [y, m, d] = unitStart.split('-').map(Number) as [number, number, number | undefined];
    return {
      party: s.party,
      period: s.period,
      state,
      from: Date.UTC(y, m - 1, d ?? 1),
      until: periodEnd(s.period),
      lines: s.lines.map((l) => ({
        currency: l.currency,
        calls: l.calls,
        answered: l.answered,
        seconds: l.seconds,
        minutes: formatDecimal(Math.round((l.seconds * 100) / 60), 2),
        revenue: formatMinor(l.revenue, l.currency),
        cost: formatMinor(l.cost, l.currency),
        margin: formatMinor(l.margin, l.currency),
      })),
      ledger: s.ledger.map((t) => ({
        kind: t.kind,
        currency: t.currency,
        count: t.count,
        amount: formatMinor(t.amount, t.currency),
      })),
    };
  }

  /** Who may read a party's statement: the admin, the registrar itself, the counterparty itself. */
  function mayRead(p: Principal, party: string): boolean {
    switch (p.role) {
      case 'admin':
        return true;
      case 'registrar':
        return party === `registrar:${p.registrarId}`;
      case 'staff':
        return party === `registrar:${p.registrarId}` && hasCapability(p, 'read');
      case 'counterparty':
        return party === p.party;
      case 'member':
        // a member's own money is its account's ledger (accounts.entries), not a party's statement
        return false;
      default:
        return p satisfies never;
    }
  }

  async function statement(p: Principal, input: StatementInput): Promise<StatementView> {
    const v = parseInput(StatementInput, input, 'registry: billing: statement');
    const where = `registry: billing: statement of ${v.party} for ${v.period}`;
    if (!mayRead(p, v.party)) throw new RegistryError('not-found', `${where}: not found`);
    const stored = await statements.get(`${v.party}|${v.period}`);
    if (stored) return view(stored, 'closed');
    const status = (await periods.get(v.period))?.status ?? 'open';
    return view(await compute(v.party, v.period), status === 'closed' ? 'closed' : status);
  }

  /** Every party with something in the period: registrars, gateways, carriers, centers. */
  async function partiesOf(period: string): Promise<string[]> {
    const out: string[] = [];
    const kinds: [string, string][] = [
      ['registrar', COLLECTIONS.registrars],
      ['gateway', COLLECTIONS.gateways],
      ['carrier', COLLECTIONS.carriers],
      ['center', COLLECTIONS.countries],
    ];
    for (const [kind, coll] of kinds) {
      for (const d of await store.collection<{ _id: string }>(coll).find({})) {
        const party = `${kind}:${d._id}`;
        const filter = kind === 'registrar' ? { registrarId: d._id, period } : { source: party, period };
        const any =
          (await cdrs.findOne(filter)) ??
          (kind === 'registrar' ? await ledger.findOne({ registrarId: d._id, period }) : null);
        if (any) out.push(party);
      }
    }
    return out;
  }

  async function close(
    p: Principal,
    input: PeriodRef,
  ): Promise<{ period: string; status: BillingPeriod['status'] }> {
    const v = parseInput(PeriodRef, input, 'registry: billing: close period');
    requireAdmin(p, `registry: billing: close period ${v.period}`);
    return begin(v.period);
  }

  async function begin(period: string): Promise<{ period: string; status: BillingPeriod['status'] }> {
    const where = `registry: billing: close period ${period}`;
    const now = clock.now();
    if (periodEnd(period) > now)
      throw new RegistryError('period-closed', `${where}: the period has not ended yet`);
    const cur = await periods
      .findOneAndUpdate(
        { _id: period, status: 'open' },
        { $set: { status: 'closing', closingAt: now } },
        { upsert: true },
      )
      .catch((err: unknown) => {
        if (err instanceof DuplicateKeyError) return null;
        throw err;
      });
    const doc = cur ?? (await periods.get(period));
    cache.delete(period);
    return { period, status: doc?.status ?? 'closing' };
  }

  /** Stores the statements of periods closing for longer than the grace, then marks them closed. */
  async function finish(): Promise<number> {
    const now = clock.now();
    let n = 0;
    for (const pd of await periods.find({ status: 'closing', closingAt: { $lte: now - graceMs } })) {
      for (const party of await partiesOf(pd._id)) {
        const s = await compute(party, pd._id);
        await statements.insert({ _id: `${party}|${pd._id}`, ...s, closedAt: now }).catch((err: unknown) => {
          if (!(err instanceof DuplicateKeyError)) throw err;
        });
      }
      if (
        await periods.findOneAndUpdate(
          { _id: pd._id, status: 'closing' },
          { $set: { status: 'closed', closedAt: now } },
        )
      )
        n++;
      cache.delete(pd._id);
      opts.logger.info({ period: pd._id }, 'billing: settlement: period closed');
    }
    return n;
  }

  /** Closes periods that ended closeAfterMs ago, and finishes closings. */
  async function sweep(): Promise<number> {
    if (opts.closeAfterMs > 0) {
      const now = clock.now();
      for (const pd of await periods.find({ status: 'open' })) {
        if (periodEnd(pd._id) + opts.closeAfterMs <= now) await begin(pd._id);
      }
    }
    return finish();
  }

  return { periodFor, recheck, statement, close, sweep, compute, statusOf };
}

/** A statement as CSV: one row per currency of calls, one per ledger total. */
export function statementCsv(s: StatementView): string {
  const rows: string[][] = [
    [
      'party',
      'period',
      'state',
      'line',
      'currency',
      'calls',
      'answered',
      'minutes',
      'revenue',
      'cost',
      'margin',
    ],
  ];
  for (const l of s.lines)
    rows.push([
      s.party,
      s.period,
      s.state,
      'calls',
      l.currency,
      String(l.calls),
      String(l.answered),
      l.minutes,
      l.revenue,
      l.cost,
      l.margin,
    ]);
  for (const t of s.ledger)
    rows.push([
      s.party,
      s.period,
      s.state,
      `ledger:${t.kind}`,
      t.currency,
      String(t.count),
      '',
      '',
      t.amount,
      '',
      '',
    ]);
  return toCsv(rows);
}
