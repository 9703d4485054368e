// The fee system on the SIP path (docs/billing.md, "On the SIP path"): the `authorize` step of
// the pipeline, between policy and identity. An authenticated member's INVITE whose Contacts
// lead off our network (PSTN gateways, partner carriers, an emergency gateway) is authorized
// by the registry's authorizer: refused with 402 when the member's funds do not cover one billing
// increment (never an emergency call), 403 when its tariff has no rate for the destination, else
// each paid Contact carries the route token signed for its counterparty as a URI header. Free
// routes (our members, centers, registered terminals), trusted peers' and anonymous callers'
// calls pass as they are.
import type { billing } from '#registry';
import { withEscapedUriHeader } from '#resolve';
import type { Call, Step } from '../call.ts';
import type { PipelineDeps } from '../pipeline.ts';
import { refuse, resolveCaller } from '../trust/steps.ts';
import { type DestinationClass, destinationClass } from '../trust/types.ts';
import { type PartyTable, partyOf } from './parties.ts';

/** The URI header of a paid Contact that carries its route token (a JWT: no character needs escaping). */
export const ROUTE_TOKEN_HEADER = 'Callx-Route-Token';

/** What the redirector needs of the fee system (src/main.ts builds it from the registry's billing). */
export interface SipBilling {
  authorize(req: billing.AuthRequest): Promise<billing.AuthResult>;
  /** Gateways and carriers by the hosts their Contacts lead to. */
  parties(): PartyTable;
}

/** Destinations that cost money: everything off our network. */
const PAID: ReadonlySet<DestinationClass> = new Set<DestinationClass>([
  'pstn',
  'carrier',
  'partner',
  'emergency',
]);

/** An emergency call waits at most this long for its authorization, then goes unsigned. */
export const EMERGENCY_WAIT_MS = 500;

/** The Contact value with its route token ('<uri>;q=..': the header goes inside the brackets). */
export function withRouteToken(contact: string, token: string): string {
  const end = contact.lastIndexOf('>');
  if (!contact.startsWith('<') || end < 0) return contact;
  return `<${withEscapedUriHeader(contact.slice(1, end), ROUTE_TOKEN_HEADER, token)}>${contact.slice(end + 1)}`;
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref();
  });
}

/** The number dialed, as the authorizer rates it: E.164, or the emergency code. */
function destinationOf(c: Call, paidE164: string | undefined): string | undefined {
  const d = c.decision!;
  return d.emergency?.code ?? d.dialed?.e164 ?? paidE164;
}

export const authorize = (deps: PipelineDeps): Step => ({
  name: 'authorize',
  async run(c, next) {
    const b = deps.billing;
    const caller = c.caller;
    // decks price minutes: a MESSAGE is not rated; peers' and anonymous callers' calls are no member's to pay
    if (!b || caller.kind !== 'member' || c.method !== 'INVITE') return next();
    const d = c.decision!;
    const routes = d.routes ?? [];
    const classes = d.contacts.map((_, i) => destinationClass(routes[i]?.source ?? 'unknown'));
    if (!classes.some((cls) => PAID.has(cls))) return next(); // on-net only: free and unsigned
    const table = b.parties();
    const candidates = d.contacts.map((v, i) => ({
      party: partyOf(table, v, routes[i]?.source ?? ''),
      paid: PAID.has(classes[i]!),
    }));
    const t = deps.trust;
    const dest = destinationOf(c, routes.find((r, i) => candidates[i]!.paid && r.e164)?.e164);
    if (!dest) {
      if (d.emergency) return next();
      return refuse(t, c, 'no-rate', 403, 'no rate for this destination in your tariff');
    }
    const who = resolveCaller(t, c)?.uri ?? '';
    let r: billing.AuthResult;
    try {
      const p = b.authorize({
        memberId: caller.memberId,
        registrarId: caller.registrarId,
        caller: who.startsWith('tel:') ? who.slice(4) : who,
        destination: dest,
        // the trust step's verdict (the caller's country's short codes), not a list of our own
        emergency: d.emergency !== undefined,
        callId: c.callId,
        candidates,
      });
      r = d.emergency ? await Promise.race([p, timeout(EMERGENCY_WAIT_MS)]) : await p;
    } catch (err) {
      t.limiter.log(
        'warn',
        'billing:authorize',
        { err: (err as Error).message, callId: c.callId },
        `sip: INVITE ${(c.msg?.uri ?? '').slice(0, 200)}: member ${caller.memberId}: authorization failed`,
      );
      // an emergency call goes on without a token; others are asked to retry
      if (d.emergency) return next();
      return refuse(t, c, 'billing-unavailable', 503, 'billing unavailable', [['Retry-After', '5']]);
    }
    if (r.outcome !== 'authorized') {
      if (d.emergency) return next(); // never refused
      return refuse(t, c, r.outcome === 'refused' ? 'insufficient-funds' : 'no-rate', r.status, r.warning);
    }
    const contacts: string[] = [];
    const kept: typeof routes = [];
    for (const g of r.grants) {
      const v = d.contacts[g.index]!;
      contacts.push(g.token ? withRouteToken(v, g.token) : v);
      const route = routes[g.index];
      if (route) kept.push(route);
    }
    c.decision = { ...d, contacts, ...(d.routes ? { routes: kept } : {}) };
    return next();
  },
});
