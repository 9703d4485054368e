// CDR ingestion and rating (docs/billing.md, "CDRs"). Gateways, partners and centers post the
// CDRs of the calls they carried, in JSON batches or as CSV with a column mapping, with their
// own tokens. A batch is checked whole first: one malformed CDR refuses the batch (every bad
// field named by its index or line) and nothing is written. Then each CDR is, exactly once per
// (source, Call-ID):
//   - matched to its route (route token, route id, or Call-ID) and rated with the route's rate
//     snapshot: the charge to the member (sell) and the cost to the counterparty, both stored;
//   - stored (cdrs/<source>|<Call-ID>; the unique `_id` makes a replay a duplicate);
//   - posted to the member's ledger (key cdr:<id>) and, once the call is over, its route's hold
//     released (key hold:<route>).
// A CDR that matches no route, names a route of another counterparty, comes again with other
// content, or is longer than its route allowed is stored for review — never dropped, never
// charged twice. A crash between the writes is completed by posting the batch again, or by the
// sweep (CDRs stored but not posted).
import { createHash } from 'node:crypto';
import type { CallRoute, CdrDoc, Clock, Logger, Posting, ReviewReason, RouteCandidate, Store } from '#core';
import { COLLECTIONS } from '#core';
import {
  type InputIssue,
  invalidInput,
  issue,
  issuesOf,
  ownMemberId,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
  requireAdmin,
  requireCapability,
} from '../kernel/index.ts';
import { CsvError, headerKey, parseCsv } from './csv.ts';
import type { Ledger } from './ledger.ts';
import { formatMinor, rateCall } from './money.ts';
import {
  CdrInput,
  type CdrMapping,
  IngestCsvInput,
  IngestInput,
  ListCdrsInput,
  ListReviewInput,
  ResolveReviewInput,
} from './schemas.ts';
import type { Settlement } from './settlement.ts';
import type { RouteTokens } from './tokens.ts';

/** Seconds a call may run over its route's maximum before it goes to review (set-up and clock skew). */
export const OVERRUN_SECONDS = 5;
/** A CDR may end at most this far in the future (clock skew), ms. */
const FUTURE_MS = 5 * 60_000;
/** ... and start at most this long ago. */
const PAST_MS = 400 * 86_400_000;
/** The longest call a CDR may describe. */
const MAX_CALL_MS = 24 * 3_600_000;

export interface CdrResult {
  index: number;
  callId: string;
  id: string;
  outcome: 'rated' | 'duplicate' | 'review';
  reason?: ReviewReason;
  charge?: string;
  currency?: string;
  cost?: string;
  costCurrency?: string;
  seconds?: number;
}

export interface IngestResult {
  source: string;
  rated: number;
  duplicates: number;
  review: number;
  results: CdrResult[];
}

export interface CdrView {
  id: string;
  source: string;
  callId: string;
  routeId: string | null;
  status: CdrDoc['status'];
  review: CdrDoc['review'] | null;
  memberId: string | null;
  registrarId: string | null;
  destination: string | null;
  start: number;
  answer: number | null;
  end: number;
  disposition: CdrDoc['disposition'];
  seconds: number;
  billedSeconds: number | null;
  charge: string | null;
  currency: string | null;
  cost: string | null;
  costCurrency: string | null;
  period: string | null;
  receivedAt: number;
}

export function cdrView(d: CdrDoc, showCost: boolean): CdrView {
  return {
    id: d._id,
    source: d.source,
    callId: d.callId,
    routeId: d.routeId ?? null,
    status: d.status,
    review: d.review ?? null,
    memberId: d.memberId ?? null,
    registrarId: d.registrarId ?? null,
    destination: d.destination ?? null,
    start: d.start,
    answer: d.answer ?? null,
    end: d.end,
    disposition: d.disposition,
    seconds: d.seconds,
    billedSeconds: d.billedSeconds ?? null,
    charge: d.currency && d.charge !== undefined ? formatMinor(d.charge, d.currency) : null,
    currency: d.currency ?? null,
    cost: showCost && d.costCurrency && d.cost !== undefined ? formatMinor(d.cost, d.costCurrency) : null,
    costCurrency: showCost ? (d.costCurrency ?? null) : null,
    period: d.period ?? null,
    receivedAt: d.receivedAt,
  };
}

interface Parsed {
  index: number;
  callId: string;
  routeId?: string;
  routeToken?: string;
  start: number;
  answer?: number;
  end: number;
  disposition: CdrDoc['disposition'];
}

export interface CdrServiceOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  settlement: Settlement;
  tokens: RouteTokens;
}

export type CdrService = ReturnType<typeof createCdrService>;

const hashOf = (c: Parsed): string =>
  createHash('sha256')
    .update(JSON.stringify([c.routeId ?? null, c.start, c.answer ?? null, c.end, c.disposition]))
    .digest('base64url')
    .slice(0, 16);

export function createCdrService(opts: CdrServiceOptions) {
  const { store, clock, ledger, settlement } = opts;
  const cdrs = store.collection<CdrDoc>(COLLECTIONS.cdrs);
  const routes = store.collection<CallRoute>(COLLECTIONS.callRoutes);

  /** The source a principal posts as: a counterparty itself; the admin names one. */
  function sourceOf(p: Principal, named: string | undefined, where: string): string {
    switch (p.role) {
      case 'counterparty':
        if (named !== undefined && named !== p.party)
          throw new RegistryError('forbidden', `${where}: ${p.party} may not post CDRs of ${named}`);
        return p.party;
      case 'admin':
        if (!named)
          throw invalidInput(where, [
            issue('source', 'required when the admin posts: the counterparty whose CDRs these are'),
          ]);
        return named;
      default:
        throw new RegistryError('forbidden', `${where}: only counterparties (or the admin) post CDRs`);
    }
  }

  /** Checks the content of each CDR beyond its fields' types; issues at `pathOf(i, field)`. */
  function check(list: Parsed[], pathOf: (i: number, field: string) => string): InputIssue[] {
    const out: InputIssue[] = [];
    const now = clock.now();
    const byCall = new Map<string, Parsed>();
    for (const c of list) {
      const at = (f: string, m: string) => out.push(issue(pathOf(c.index, f), m));
      if (c.end < c.start) at('end', 'is before start');
      if (c.end > now + FUTURE_MS) at('end', 'is in the future');
      if (c.start < now - PAST_MS) at('start', 'is more than 400 days ago');
      if (c.end - c.start > MAX_CALL_MS) at('end', 'the call is longer than 24 hours');
      if (c.answer !== undefined && (c.answer < c.start || c.answer > c.end))
        at('answer', 'is not between start and end');
      if (c.disposition === 'answered' && c.answer === undefined)
        at('answer', 'an answered call needs its answer time');
      if (c.disposition !== 'answered' && c.answer !== undefined)
        at('disposition', `a call with an answer time is answered, not ${c.disposition}`);
      const twin = byCall.get(c.callId);
      if (twin && hashOf(twin) !== hashOf(c))
        at(
          'callId',
          `appears twice in the batch with different content (also at ${pathOf(twin.index, 'callId')})`,
        );
      byCall.set(c.callId, c);
    }
    return out;
  }

  async function routeOf(c: Parsed): Promise<{ route: CallRoute | null; routeId?: string; cand?: number }> {
    if (c.routeToken) {
      const claims = await opts.tokens.verify(c.routeToken, c.start);
      if (claims) {
        const [routeId, k] = claims.jti.split('.');
        return { route: await routes.get(routeId!), routeId: routeId!, cand: Number(k) };
      }
    }
    if (c.routeId) {
      const routeId = c.routeId.split('.')[0]!;
      return { route: await routes.get(routeId), routeId };
    }
    return { route: await routes.findOne({ callId: c.callId }) };
  }

  /** Rates a CDR against its route; a doc in review when it cannot be charged as is. */
  /** What rating a CDR needs from the store, read for a whole batch at once (see prefetch). */
  interface Found {
    route: CallRoute | null;
    routeId?: string;
    cand?: number;
    /** The CDRs rated before on this route from this source. */
    rated: CdrDoc[];
  }

  /** Routes and earlier CDRs of a batch: three queries for the batch instead of three per CDR. */
  async function prefetch(list: Parsed[], source: string): Promise<Found[]> {
    const refs = await Promise.all(
      list.map(async (c): Promise<{ routeId?: string; cand?: number }> => {
        if (c.routeToken) {
          const claims = await opts.tokens.verify(c.routeToken, c.start);
          if (claims) {
            const [routeId, k] = claims.jti.split('.');
            return { routeId: routeId!, cand: Number(k) };
          }
        }
        return c.routeId ? { routeId: c.routeId.split('.')[0]! } : {};
      }),
    );
    const byId = new Map(
      (
        await routes.find({ _id: { $in: [...new Set(refs.flatMap((r) => (r.routeId ? [r.routeId] : [])))] } })
      ).map((r) => [r._id, r]),
    );
    const callIds = list.filter((_, i) => !refs[i]!.routeId).map((c) => c.callId);
    const byCall = new Map<string, CallRoute>();
    if (callIds.length)
      for (const r of await routes.find({ callId: { $in: callIds } })) if (r.callId) byCall.set(r.callId, r);
    const found = list.map((c, i): Omit<Found, 'rated'> => {
      const ref = refs[i]!;
      const route = ref.routeId ? (byId.get(ref.routeId) ?? null) : (byCall.get(c.callId) ?? null);
      return {
        route,
        ...(ref.routeId ? { routeId: ref.routeId } : {}),
        ...(ref.cand !== undefined ? { cand: ref.cand } : {}),
      };
    });
    const routeIds = [...new Set(found.flatMap((f) => (f.route ? [f.route._id] : [])))];
    const earlier = new Map<string, CdrDoc[]>();
    if (routeIds.length)
      for (const d of await cdrs.find({ routeId: { $in: routeIds }, source })) {
        const l = earlier.get(d.routeId!) ?? [];
        l.push(d);
        earlier.set(d.routeId!, l);
      }
    return found.map((f) => ({
      ...f,
      rated: f.route ? (earlier.get(f.route._id) ?? []).filter((d) => d.status === 'rated') : [],
    }));
  }

  async function rate(
    c: Parsed,
    source: string,
    id: string,
    hash: string,
    now: number,
    force = false,
    pre?: Found,
  ): Promise<CdrDoc> {
    const seconds = c.answer === undefined ? 0 : Math.ceil((c.end - c.answer) / 1000);
    const base: CdrDoc = {
      _id: id,
      source,
      callId: c.callId,
      ...(c.routeId ? { routeId: c.routeId.split('.')[0]! } : {}),
      hash,
      start: c.start,
      ...(c.answer !== undefined ? { answer: c.answer } : {}),
      end: c.end,
      disposition: c.disposition,
      receivedAt: now,
      status: 'rated',
      seconds,
    };
    const review = (reason: ReviewReason, detail: string): CdrDoc => ({
      ...base,
      status: 'review',
      review: { reason, detail, at: now },
    });
    const { route, routeId, cand } = pre ?? (await routeOf(c));
    if (!route) {
      if (routeId) base.routeId = routeId;
      return review('no-route', routeId ? `no route ${routeId}` : `no route has Call-ID ${c.callId}`);
    }
    base.routeId = route._id;
    base.accountId = route.accountId;
    base.memberId = route.memberId;
    base.registrarId = route.registrarId;
    base.destination = route.destination;
    const candidates = JSON.parse(route.candidates) as RouteCandidate[];
    const k =
      cand !== undefined && candidates[cand]?.party === source
        ? cand
        : candidates.findIndex((x) => x.party === source);
    const rc = candidates[k];
    if (!rc) return review('wrong-party', `route ${route._id} does not lead to ${source}`);
    // one call per route and counterparty: another Call-ID on a route charged before is a replay
    const prior = force
      ? null
      : (pre?.rated ??
          (await cdrs.find({ routeId: route._id, source })).filter((d) => d.status === 'rated'))[0];
    if (prior && prior._id !== id)
      return review('conflict', `route ${route._id} was charged by ${prior._id}`);
    if (!force && seconds > rc.maxSeconds + OVERRUN_SECONDS)
      return review(
        'over-max-duration',
        `${seconds} s is longer than the ${rc.maxSeconds} s route ${route._id} allowed`,
      );
    const sell = rc.sell ? rateCall(seconds, rc.sell) : { billed: seconds, amount: 0 };
    const cost = rc.cost ? rateCall(seconds, rc.cost) : { billed: seconds, amount: 0 };
    return {
      ...base,
      sell: rc.sell,
      costRate: rc.cost,
      billedSeconds: sell.billed,
      charge: sell.amount,
      ...(rc.sell ? { currency: rc.sell.currency } : {}),
      costSeconds: cost.billed,
      cost: cost.amount,
      ...(rc.cost ? { costCurrency: rc.cost.currency } : {}),
      period: await settlement.periodFor(c.end),
      ...(route.lease && route.hold > 0 ? { hold: { lease: route.lease, amount: route.hold } } : {}),
    };
  }

  /** The ledger postings of a rated CDR: its charge, and its route's hold released once the call is over. */
  async function postingsOf(d: CdrDoc): Promise<{ accountId: string; key: string; posting: Posting }[]> {
    if (d.status !== 'rated' || !d.accountId) return [];
    const out: { accountId: string; key: string; posting: Posting }[] = [];
    const currency = d.currency ?? d.sell?.currency;
    if (d.charge && currency)
      out.push({
        accountId: d.accountId,
        key: `cdr:${d._id}`,
        posting: {
          kind: 'call',
          amount: -d.charge,
          currency,
          ref: d._id,
          memo: `call to ${d.destination ?? '?'}`,
        },
      });
    if (d.hold && currency && (await callOver(d)))
      out.push({
        accountId: d.accountId,
        key: `hold:${d.routeId}`,
        posting: { kind: 'call', amount: 0, currency, ref: d.routeId!, release: d.hold },
      });
    return out;
  }

  /**
   * True when no later candidate of the route can still carry the call: this CDR was answered
   * or cancelled, or it is the route's last candidate. Until then the hold stays (a caller's
   * client may try the next Contact).
   */
  async function callOver(d: CdrDoc): Promise<boolean> {
    if (d.disposition === 'answered' || d.disposition === 'cancelled') return true;
    const r = d.routeId ? await routes.get(d.routeId) : null;
    return !r || (JSON.parse(r.candidates) as RouteCandidate[]).at(-1)?.party === d.source;
  }

  async function post(docs: CdrDoc[]): Promise<void> {
    const items = (await Promise.all(docs.map(postingsOf))).flat();
    if (items.length) await ledger.postMany(items);
  }

  function resultOf(d: CdrDoc, index: number, outcome: CdrResult['outcome']): CdrResult {
    return {
      index,
      callId: d.callId,
      id: d._id,
      outcome,
      ...(d.review ? { reason: d.review.reason } : {}),
      ...(d.status === 'rated' && d.currency
        ? { charge: formatMinor(d.charge ?? 0, d.currency), currency: d.currency }
        : {}),
      ...(d.status === 'rated' && d.costCurrency
        ? { cost: formatMinor(d.cost ?? 0, d.costCurrency), costCurrency: d.costCurrency }
        : {}),
      seconds: d.seconds,
    };
  }

  async function run(source: string, list: Parsed[]): Promise<IngestResult> {
    const now = clock.now();
    const results: CdrResult[] = new Array(list.length);
    // one CDR per Call-ID in the batch (exact repeats are duplicates of the first)
    const firstOf = new Map<string, number>();
    list.forEach((c, k) => {
      if (!firstOf.has(c.callId)) firstOf.set(c.callId, k);
    });
    const ids = list.map((c) => `${source}|${c.callId}`);
    const hashes = list.map(hashOf);
    const existing = new Map((await cdrs.find({ _id: { $in: [...new Set(ids)] } })).map((d) => [d._id, d]));
    const fresh: number[] = [];
    const conflicts: CdrDoc[] = [];
    const repost: CdrDoc[] = [];
    list.forEach((c, k) => {
      if (firstOf.get(c.callId) !== k) return;
      const had = existing.get(ids[k]!);
      if (!had) fresh.push(k);
      else if (had.hash === hashes[k]) {
        results[k] = resultOf(had, c.index, 'duplicate');
        repost.push(had);
      } else {
        const copy: CdrDoc = {
          _id: `${ids[k]}|${hashes[k]}`,
          source,
          callId: c.callId,
          hash: hashes[k]!,
          start: c.start,
          ...(c.answer !== undefined ? { answer: c.answer } : {}),
          end: c.end,
          disposition: c.disposition,
          ...(c.routeId ? { routeId: c.routeId } : {}),
          receivedAt: now,
          status: 'review',
          seconds: c.answer === undefined ? 0 : Math.ceil((c.end - c.answer) / 1000),
          review: { reason: 'conflict', detail: `differs from ${had._id}, received before`, at: now },
        };
        conflicts.push(copy);
        results[k] = resultOf(copy, c.index, 'review');
      }
    });
    const pre = await prefetch(
      fresh.map((k) => list[k]!),
      source,
    );
    const rated = await Promise.all(
      fresh.map((k, j) => rate(list[k]!, source, ids[k]!, hashes[k]!, now, false, pre[j])),
    );
    // one call per route: a second Call-ID on a route in the same batch is a replay too
    const routeTaken = new Map<string, string>();
    for (const [j, d] of rated.entries()) {
      if (d.status !== 'rated' || !d.routeId) continue;
      const first = routeTaken.get(d.routeId);
      if (first === undefined) routeTaken.set(d.routeId, d._id);
      else
        rated[j] = {
          ...d,
          status: 'review',
          review: { reason: 'conflict', detail: `route ${d.routeId} was charged by ${first}`, at: now },
        };
    }
    const ins = await cdrs.insertMany(rated);
    const raced = new Set(ins.duplicates.map(String));
    if (conflicts.length) await cdrs.insertMany(conflicts);
    const stored: CdrDoc[] = [];
    for (const [j, k] of fresh.entries()) {
      const d = rated[j]!;
      if (raced.has(d._id)) {
        // the same CDR posted twice at once: the other request stored it
        const other = await cdrs.get(d._id);
        if (other) {
          results[k] = resultOf(other, list[k]!.index, other.hash === d.hash ? 'duplicate' : 'review');
          if (other.hash === d.hash) repost.push(other);
        }
        continue;
      }
      stored.push(d);
      results[k] = resultOf(d, list[k]!.index, d.status === 'rated' ? 'rated' : 'review');
    }
    await settlement.recheck(stored.filter((d) => d.status === 'rated'));
    await post([...stored, ...repost]);
    list.forEach((c, k) => {
      if (!results[k])
        results[k] = { ...results[firstOf.get(c.callId)!]!, index: c.index, outcome: 'duplicate' };
    });
    return {
      source,
      rated: results.filter((r) => r.outcome === 'rated').length,
      duplicates: results.filter((r) => r.outcome === 'duplicate').length,
      review: results.filter((r) => r.outcome === 'review').length,
      results,
    };
  }

  /** A JSON batch (at most 1,000 CDRs): refused whole when any CDR is malformed. */
  async function ingest(p: Principal, input: IngestInput): Promise<IngestResult> {
    const where = 'registry: billing: cdrs';
    const v = parseInput(IngestInput, input, where);
    const source = sourceOf(p, v.source, where);
    const issues: InputIssue[] = [];
    const list: Parsed[] = [];
    v.cdrs.forEach((raw, index) => {
      const r = CdrInput.safeParse(raw);
      if (!r.success) {
        for (const i of issuesOf(r.error))
          issues.push(issue(`cdrs.${index}${i.path ? `.${i.path}` : ''}`, i.message));
        return;
      }
      list.push({ index, ...r.data });
    });
    issues.push(...check(list, (i, f) => `cdrs.${i}.${f}`));
    if (issues.length) throw invalidInput(`${where}: the batch is refused whole; nothing was stored`, issues);
    return run(source, list);
  }

  /** CDRs as CSV with a header row; `mapping` names the column of each field. */
  async function ingestCsv(p: Principal, input: IngestCsvInput): Promise<IngestResult> {
    const where = 'registry: billing: cdrs (csv)';
    const v = parseInput(IngestCsvInput, input, where);
    const source = sourceOf(p, v.source, where);
    let table: ReturnType<typeof parseCsv>;
    try {
      table = parseCsv(v.csv);
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      throw invalidInput(where, [issue(`rows.${err.line}`, err.message)]);
    }
    const head = table[0];
    if (!head || table.length < 2)
      throw invalidInput(where, [issue('rows', 'expected a header row and at least one CDR')]);
    if (table.length - 1 > 1000)
      throw invalidInput(where, [issue('rows', 'expected at most 1000 CDRs a file')]);
    const columns = new Map(head.fields.map((h, i) => [headerKey(h), i]));
    const mapping = v.mapping as Required<CdrMapping>;
    const col = (field: keyof CdrMapping) => columns.get(headerKey(mapping[field]));
    const issues: InputIssue[] = [];
    for (const f of ['callId', 'start', 'end', 'disposition'] as const)
      if (col(f) === undefined) issues.push(issue(`rows.${head.line}`, `no column '${mapping[f]}' for ${f}`));
    if (issues.length) throw invalidInput(where, issues);
    const lineOf = new Map<number, number>();
    const list: Parsed[] = [];
    for (let r = 1; r < table.length; r++) {
      const { line, fields } = table[r]!;
      lineOf.set(r - 1, line);
      const raw: Record<string, string> = {};
      for (const f of Object.keys(mapping) as (keyof CdrMapping)[]) {
        const i = col(f);
        const value = i === undefined ? '' : (fields[i] ?? '').trim();
        if (value !== '') raw[f] = value;
      }
      const res = CdrInput.safeParse(raw);
      if (!res.success) {
        for (const i of issuesOf(res.error))
          issues.push(issue(`rows.${line}${i.path ? `.${i.path}` : ''}`, i.message));
        continue;
      }
      list.push({ index: r - 1, ...res.data });
    }
    issues.push(...check(list, (i, f) => `rows.${lineOf.get(i)}.${f}`));
    if (issues.length) throw invalidInput(`${where}: the file is refused whole; nothing was stored`, issues);
    return run(source, list);
  }

  /** CDRs in review, oldest first (the admin). */
  async function reviewList(p: Principal, input: ListReviewInput = {}): Promise<Page<CdrView>> {
    requireAdmin(p, 'registry: billing: review');
    const v = parseInput(ListReviewInput, input, 'registry: billing: review');
    return page(
      cdrs,
      { status: 'review', ...(v.reason ? { 'review.reason': v.reason } : {}) },
      v,
      { list: 'billing: review', query: { reason: v.reason } },
      (d) => cdrView(d, true),
    );
  }

  /** Call history: a registrar sees its members' CDRs (charges, not costs); a counterparty its own; the admin all. */
  async function list(p: Principal, input: ListCdrsInput = {}): Promise<Page<CdrView>> {
    const v = parseInput(ListCdrsInput, input, 'registry: billing: cdrs');
    const filter: Record<string, unknown> = {};
    let showCost = true;
    switch (p.role) {
      case 'admin':
        if (v.registrarId) filter.registrarId = v.registrarId;
        break;
      case 'registrar':
        if (v.registrarId && v.registrarId !== p.registrarId)
          throw new RegistryError(
            'forbidden',
            `registry: billing: cdrs: registrar ${p.registrarId} may not list ${v.registrarId}'s`,
          );
        filter.registrarId = p.registrarId;
        showCost = false;
        break;
      case 'staff':
        requireCapability(p, 'read', 'registry: billing: cdrs');
        if (v.registrarId && v.registrarId !== p.registrarId)
          throw new RegistryError(
            'forbidden',
            `registry: billing: cdrs: staff of registrar ${p.registrarId} may not list ${v.registrarId}'s`,
          );
        filter.registrarId = p.registrarId;
        showCost = false;
        break;
      case 'member':
        // a member's own calls only; another member's id is 'not-found', as a missing one
        if (v.memberId !== undefined) ownMemberId(p, v.memberId, 'registry: billing: cdrs');
        if (v.registrarId && v.registrarId !== p.registrarId)
          throw new RegistryError(
            'not-found',
            `registry: billing: cdrs: registrar ${v.registrarId}: not found`,
          );
        filter.registrarId = p.registrarId;
        filter.memberId = p.memberId;
        showCost = false;
        break;
      case 'counterparty':
        filter.source = p.party;
        break;
      default:
        return p satisfies never;
    }
    if (v.memberId) filter.memberId = v.memberId;
    if (v.period) filter.period = v.period;
    return page(cdrs, filter as never, v, { list: 'billing: cdrs', query: { ...filter } }, (d) =>
      cdrView(d, showCost),
    );
  }

  /** Decides a CDR in review (the admin). */
  async function resolve(p: Principal, input: ResolveReviewInput): Promise<CdrView> {
    requireAdmin(p, 'registry: billing: review');
    const v = parseInput(ResolveReviewInput, input, 'registry: billing: review');
    const where = `registry: billing: review ${v.cdrId}`;
    const d = await cdrs.get(v.cdrId);
    if (!d) throw new RegistryError('not-found', `${where}: not found`);
    if (d.status !== 'review') throw new RegistryError('review-state', `${where}: it is ${d.status} already`);
    const now = clock.now();
    const note = v.note ? { 'review.note': v.note } : {};
    const parsed: Parsed = {
      index: 0,
      callId: d.callId,
      ...(d.routeId ? { routeId: d.routeId } : {}),
      start: d.start,
      ...(d.answer !== undefined ? { answer: d.answer } : {}),
      end: d.end,
      disposition: d.disposition,
    };
    if (v.action === 'dismiss') {
      const done = await cdrs.findOneAndUpdate(
        { _id: d._id, status: 'review' },
        { $set: { status: 'dismissed', ...note } },
      );
      if (!done) throw new RegistryError('review-state', `${where}: decided meanwhile`);
      if (d.review?.reason === 'over-max-duration') {
        const r = await rate(parsed, d.source, d._id, d.hash, now, true);
        if (r.hold && r.accountId && r.currency)
          await ledger.post(r.accountId, `hold:${r.routeId}`, {
            kind: 'call',
            amount: 0,
            currency: r.currency,
            ref: r.routeId!,
            release: r.hold,
          });
      }
      return cdrView(done, true);
    }
    if (d.review?.reason === 'conflict') {
      if (v.action !== 'accept')
        throw new RegistryError('review-state', `${where}: a conflicting copy is accepted or dismissed`);
      // the copy corrects the CDR received first: the difference is an adjustment now
      const original = await cdrs.get(`${d.source}|${d.callId}`);
      if (original?.status !== 'rated' || !original.accountId)
        throw new RegistryError('review-state', `${where}: the CDR it corrects is not rated`);
      const fixed = await rate(parsed, d.source, d._id, d.hash, now, true);
      if (fixed.status !== 'rated' || !fixed.currency)
        throw new RegistryError(
          'review-state',
          `${where}: the copy cannot be rated (${fixed.review?.reason})`,
        );
      const delta = (fixed.charge ?? 0) - (original.charge ?? 0);
      if (delta !== 0)
        await ledger.post(original.accountId, `cdr-fix:${d._id}`, {
          kind: 'adjustment',
          amount: -delta,
          currency: fixed.currency,
          ref: original._id,
          memo: `correction of CDR ${original._id}`,
        });
      const done = await cdrs.findOneAndUpdate(
        { _id: d._id, status: 'review' },
        {
          $set: {
            status: 'dismissed',
            'review.note': v.note ?? 'accepted as a correction (adjustment posted)',
          },
        },
      );
      if (!done) throw new RegistryError('review-state', `${where}: decided meanwhile`);
      return cdrView(done, true);
    }
    const r = await rate(parsed, d.source, d._id, d.hash, now, v.action === 'accept');
    if (r.status !== 'rated')
      throw new RegistryError('review-state', `${where}: still ${r.review?.reason}: ${r.review?.detail}`);
    const { _id: _, receivedAt: __, ...rest } = r;
    const done = await cdrs.findOneAndUpdate(
      { _id: d._id, status: 'review' },
      { $set: { ...rest, receivedAt: d.receivedAt, ...note }, $unset: { review: '' } },
    );
    if (!done) throw new RegistryError('review-state', `${where}: decided meanwhile`);
    await post([done]);
    return cdrView(done, true);
  }

  /**
   * Posts CDRs stored but not posted (a crash between the writes): those received in the last
   * `windowMs` whose charge has no posting yet; and retries routes for CDRs in review for no route
   * (a route written after its CDR).
   */
  async function sweep(windowMs = 3_600_000, settleMs = 5_000): Promise<number> {
    const now = clock.now();
    let n = 0;
    const recent = await cdrs.find(
      { receivedAt: { $gte: now - windowMs, $lte: now - settleMs } },
      { sort: { receivedAt: 1 }, limit: 5000 },
    );
    const missing: CdrDoc[] = [];
    for (const d of recent) {
      if (d.status !== 'rated' || !d.accountId) continue;
      for (const it of await postingsOf(d))
        if (!(await ledger.postings.get(`${it.accountId}|${it.key}`))) {
          missing.push(d);
          break;
        }
    }
    if (missing.length) {
      await post(missing);
      n += missing.length;
    }
    for (const d of await cdrs.find(
      { status: 'review', receivedAt: { $gte: now - 10 * 60_000 } },
      { sort: { receivedAt: 1 }, limit: 500 },
    )) {
      if (d.review?.reason !== 'no-route') continue;
      try {
        await resolve({ role: 'admin' }, { cdrId: d._id, action: 'retry' });
        n++;
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
      }
    }
    return n;
  }

  return { ingest, ingestCsv, reviewList, resolve, list, sweep, collection: cdrs };
}
