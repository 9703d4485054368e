// Pre-call authorization as the redirector will call it
// (docs/billing.md, "Pre-call authorization"): rate each candidate of a route with the member's sell deck and the
// counterparty's cost deck (compiled, in memory), decide with the funds this redirector holds
// for the account (its lease), hold the call's maximum cost locally, sign a route token per paid
// candidate and log the route (written to the store in batches). No store write per call: the
// wallet leases funds ahead, the route log writes many routes at once.
import { randomBytes } from 'node:crypto';
import type { CallRoute, Clock, Collection, Logger, RateSnapshot, RouteCandidate, Store } from '#core';
import { COLLECTIONS } from '#core';
import { type CandidateGrant, decide, type RatedCandidate } from './decide.ts';
import type { RateRow } from './deck-csv.ts';
import { billedSeconds, formatMicro, priceMinor } from './money.ts';
import type { RateBook } from './rates.ts';
import type { RouteTokens } from './tokens.ts';
import type { Wallet } from './wallet.ts';

/** Writes authorized routes in batches: one insertMany per flush instead of a write per call. */
export function createRouteLog(opts: { store: Store; logger: Logger; flushMs?: number; maxBatch?: number }) {
  const routes: Collection<CallRoute> = opts.store.collection<CallRoute>(COLLECTIONS.callRoutes);
  const flushMs = opts.flushMs ?? 50;
  const maxBatch = opts.maxBatch ?? 1000;
  let queue: CallRoute[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: CallRoute[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await routes.insertMany(batch);
        return;
      } catch (err) {
        if (attempt === 2)
          opts.logger.error(
            { err, routes: batch.length },
            'billing: route log: routes lost; their CDRs go to review',
          );
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length > 0) flushing = flushing.then(() => write(batch));
    return flushing;
  }

  return {
    add(r: CallRoute): void {
      queue.push(r);
      if (queue.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
    pending: () => queue.length,
  };
}
export type RouteLog = ReturnType<typeof createRouteLog>;

export interface AuthCandidate {
  /** Party key of where the Contact leads ('gateway:gw-kr', 'carrier:car-uk', 'center:KR'). */
  party: string;
  /** PSTN gateways and partner carriers cost money; our own centers and terminals do not. */
  paid: boolean;
}

export interface AuthRequest {
  /** The authenticated member (its account has the member's id). */
  memberId: string;
  registrarId: string;
  /** The caller as the token names it (E.164 or a SIP URI). */
  caller: string;
  /** The destination: E.164 ('+4420...') or an emergency number as dialed ('112'). */
  destination: string;
  /**
   * The caller's side knows the number is an emergency number (the SIP redirector: the
   * country's short codes from libphonenumber); otherwise CALLX_BILLING_EMERGENCY decides.
   */
  emergency?: boolean;
  callId?: string;
  candidates: readonly AuthCandidate[];
}

export interface AuthGrant extends CandidateGrant {
  /** The route token to embed in the candidate's Contact (paid candidates). */
  token?: string;
}

export type AuthResult =
  | { outcome: 'authorized'; routeId: string | null; hold: number; grants: AuthGrant[]; emergency: boolean }
  | { outcome: 'refused'; status: 402; warning: string }
  | { outcome: 'no-rate'; status: 403; warning: string };

export interface AuthorizerOptions {
  rates: RateBook;
  wallet: Wallet;
  tokens: RouteTokens;
  routes: RouteLog;
  clock: Clock;
  /** The longest call authorized, seconds. */
  capSeconds: number;
  /** Emergency numbers as dialed (digits): never refused. */
  emergency: ReadonlySet<string>;
  /**
   * Sign route tokens on libuv's thread pool rather than on the event loop (default: on the
   * event loop, measured faster on a busy two-core machine: docs/billing.md, "On the SIP path").
   */
  signOffThread?: boolean;
  /** The account's currency (cached by the caller; null when the member has no account). */
  currencyOf: (memberId: string) => Promise<string | null> | string | null;
}

const snap = (deck: { snapshot(r: RateRow): RateSnapshot } | null, r: RateRow | null) =>
  deck && r ? deck.snapshot(r) : null;

/** This process's part of route ids (random), and a counter: unique without a random draw per call. */
const ROUTE_PREFIX = randomBytes(6).toString('base64url');
let routeCounter = 0;
export const newRouteId = (now: number): string =>
  `r${now.toString(36)}${ROUTE_PREFIX}${(routeCounter++ % 0x100000000).toString(36)}`;

export type Authorizer = ReturnType<typeof createAuthorizer>;

export function createAuthorizer(opts: AuthorizerOptions) {
  const { rates, wallet, clock } = opts;

  async function authorize(req: AuthRequest): Promise<AuthResult> {
    const now = clock.now();
    const digits = req.destination.replace(/^\+/, '');
    const emergency = req.emergency ?? opts.emergency.has(digits);
    const currency = await opts.currencyOf(req.memberId);
    const sellDeck = currency ? rates.sellDeck(req.registrarId, currency) : null;
    const rated: RatedCandidate[] = [];
    const rows: { sell: RateRow | null; cost: RateRow | null; costDeck: ReturnType<RateBook['costDeck']> }[] =
      [];
    let want = 0;
    let min = Number.POSITIVE_INFINITY;
    for (const c of req.candidates) {
      const sell = c.paid && sellDeck ? sellDeck.match(digits, now) : null;
      const costDeck = c.paid ? rates.costDeck(c.party) : null;
      const cost = costDeck ? costDeck.match(digits, now) : null;
      rated.push({ party: c.party, paid: c.paid, sell, cost });
      rows.push({ sell, cost, costDeck });
      if (sell) {
        want = Math.max(want, priceMinor(billedSeconds(opts.capSeconds, sell), sell));
        min = Math.min(min, priceMinor(sell.first, sell));
      }
    }
    if (!rated.some((c) => c.paid))
      return {
        outcome: 'authorized',
        routeId: null,
        hold: 0,
        emergency,
        grants: rated.map((c, index) => ({
          index,
          party: c.party,
          paid: false,
          maxSeconds: opts.capSeconds,
          hold: 0,
          sell: null,
          cost: null,
        })),
      };
    // the call's funds: the most it could need (the longest call on the dearest candidate), at
    // least one increment of the cheapest, held from this redirector's lease
    const reserved =
      want > 0 && currency
        ? await wallet.reserve(req.memberId, want, min === Number.POSITIVE_INFINITY ? 0 : min)
        : { amount: 0 };
    const d = decide({
      candidates: rated,
      available: reserved.amount,
      currency: currency ?? 'USD',
      capSeconds: opts.capSeconds,
      emergency,
    });
    if (d.outcome !== 'authorized') {
      wallet.unhold(req.memberId, reserved, reserved.amount);
      return d;
    }
    wallet.unhold(req.memberId, reserved, reserved.amount - d.hold);
    const held = { ...reserved, amount: d.hold };
    const routeId = newRouteId(now);
    const route: CallRoute = {
      _id: routeId,
      ...(req.callId ? { callId: req.callId } : {}),
      at: now,
      accountId: req.memberId,
      memberId: req.memberId,
      registrarId: req.registrarId,
      caller: req.caller,
      destination: emergency ? digits : `+${digits}`,
      ...(emergency ? { emergency: true as const } : {}),
      ...(held.lease ? { lease: held.lease } : {}),
      hold: held.amount,
      candidates: JSON.stringify(
        d.grants.map(
          (g): RouteCandidate => ({
            party: g.party,
            sell: snap(sellDeck, rows[g.index]!.sell),
            cost: snap(rows[g.index]!.costDeck, rows[g.index]!.cost),
            maxSeconds: g.maxSeconds,
          }),
        ),
      ),
    };
    opts.routes.add(route);
    const offThread = opts.signOffThread ?? false;
    const grants: AuthGrant[] = await Promise.all(
      d.grants.map(async (g, k): Promise<AuthGrant> => {
        if (!g.paid) return g;
        const cost = rows[g.index]!.cost;
        const deck = rows[g.index]!.costDeck;
        const claims: Parameters<RouteTokens['signRoute']>[0] = {
          jti: `${routeId}.${k}`,
          sub: req.caller,
          aud: g.party,
          dst: route.destination,
          max: g.maxSeconds,
          ...(cost && deck
            ? {
                rate: {
                  currency: deck.currency,
                  perMinute: formatMicro(cost.rate, deck.currency),
                  connectionFee: formatMicro(cost.fee, deck.currency),
                  increments: `${cost.first}/${cost.next}`,
                  prefix: cost.prefix,
                },
              }
            : {}),
          ...(emergency ? { emergency: true } : {}),
        };
        const token = offThread ? await opts.tokens.signRouteAsync(claims) : opts.tokens.signRoute(claims);
        return { ...g, token };
      }),
    );
    return { outcome: 'authorized', routeId, hold: held.amount, grants, emergency };
  }

  return { authorize };
}
