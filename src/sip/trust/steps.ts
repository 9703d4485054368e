// The steps of the pipeline that INVITE and MESSAGE take after `method`
// (docs/sip.md, "The request pipeline"; docs/trust.md): classify (who calls), limits (fraud
// limits before any work), route (resolution), policy (what this caller may reach), identity
// (the signed caller identity), redirect (the 302). Each reads the typed caller the classify step
// left in `Call.caller`; the fee system's authorization (../billing/authorize.ts) goes between
// policy and identity.

import { LRUCache } from 'lru-cache';
import { parseIdentifier } from '#numbering';
import { emergencyDial, escapeHeaderValue, type Route, withEscapedUriHeader } from '#resolve';
import { answer, type Call, callerOf, type Outcome, type ResolveCaller, type Step } from '../call.ts';
import { header } from '../message.ts';
import type { PipelineDeps } from '../pipeline.ts';
import { spec } from '../spec.ts';
import { warning } from '../warning.ts';
import type { MemberAccount } from './accounts.ts';
import { sourceKey } from './addresses.ts';
import type { DigestOutcome } from './digest-auth.ts';
import { readIdentity } from './identity.ts';
import { blockedDestination, numberInfo } from './policy.ts';
import { type Attestation, origidOf, type PassportClaims } from './stir.ts';
import type { Trust } from './trust.ts';
import {
  type CallerClass,
  type DestinationClass,
  destinationClass,
  type Refusal,
  type TrustedPeer,
} from './types.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A refused call: counted in metrics, logged (rate-limited, never a credential), answered. */
export function refuse(
  t: Trust,
  c: Call,
  refusal: Refusal,
  status: number,
  why: string,
  headers: [string, string][] = [],
  reason?: string,
): Outcome {
  t.observer?.refusal(refusal, c.caller.kind);
  const who =
    c.caller.kind === 'member'
      ? `member ${c.caller.memberId}`
      : c.caller.kind === 'peer'
        ? `peer ${c.caller.peerId}`
        : 'anonymous caller';
  t.limiter.log(
    'info',
    `refused:${refusal}`,
    {
      refusal,
      status,
      method: c.method,
      uri: (c.msg?.uri ?? '').slice(0, 200),
      source: c.input.ctx.remoteAddress,
      caller: who,
      why,
    },
    `sip: ${c.method} ${(c.msg?.uri ?? '').slice(0, 200)}: refused (${refusal}) for ${who} from ${c.input.ctx.remoteAddress}`,
  );
  return answer(c, spec(status, c.toTag, [...headers, warning(why)], reason));
}

// a caller's presented identity read as a number (libphonenumber, tens of µs): remembered
const numbers = new LRUCache<string, { e164: string | null }>({ max: 20_000 });

/** The E.164 number a URI names when it is a telephone number (national numbers read in `country`), or null. */
function numberOf(uri: string, country: string | null | undefined): string | null {
  const key = `${country ?? ''}|${uri}`;
  let r = numbers.get(key);
  if (!r) {
    let e164: string | null = null;
    try {
      const id = parseIdentifier(uri, { defaultCountry: country ?? undefined });
      if (id.kind === 'e164' || id.kind === 'pin') e164 = id.e164;
    } catch {
      e164 = null;
    }
    r = { e164 };
    numbers.set(key, r);
  }
  return r.e164;
}

/** The telephone number a caller presents (its PAI, else From), E.164, or null. */
function presentedNumber(t: Trust, c: Call, country: string | null): string | null {
  const uri = c.presented?.uri;
  if (!uri || /anonymous/i.test(uri)) return null;
  return numberOf(uri, country ?? t.defaultCountry);
}

/** The caller's country: a member's home, a center's country, else the presented number's, else the default. */
function countryOf(t: Trust, c: Call): string | null {
  if (c.caller.kind === 'member') return c.caller.country;
  if (c.caller.kind === 'peer' && c.caller.country) return c.caller.country;
  const n = presentedNumber(t, c, null);
  if (n) {
    const info = numberInfo(n);
    if (info.country) return info.country;
  }
  return t.defaultCountry ?? null;
}

function memberCaller(a: MemberAccount): CallerClass {
  return {
    kind: 'member',
    memberId: a.memberId,
    registrarId: a.registrarId,
    username: a.username,
    country: a.country,
    numbers: a.numbers,
    displayName: a.displayName,
  };
}

function peerCaller(p: TrustedPeer, via: 'address' | 'digest'): CallerClass {
  return { kind: 'peer', peerId: p.id, peer: p.kind, country: p.country, via };
}

type Account = MemberAccount | (TrustedPeer & { username: string; ha1Md5: string; ha1Sha256: string });

/**
 * Who calls: a member or a trusted peer by digest, a trusted peer by its source address, or
 * anonymous. Credentials that do not authenticate get a new challenge (401) and malformed ones
 * 400 — but an emergency call is routed anyway, as anonymous. A malformed or stale Identity
 * header is refused (RFC 8224).
 */
export const classify = (deps: PipelineDeps): Step => ({
  name: 'classify',
  async run(c, next) {
    const t = deps.trust;
    const msg = c.msg!;
    const addr = c.input.ctx.remoteAddress;
    c.presented = callerOf(msg);
    let out: DigestOutcome<Account>;
    let unavailable = false;
    try {
      out = await t.verifier.verify<Account>(msg, (username) => {
        if (username.includes(':')) {
          // peers' usernames are '<kind>:<id>'; members' never hold a colon
          const p = t.state.peerByUsername(username, addr);
          return p?.digest ? { ...p, ...p.digest } : null;
        }
        return t.accounts ? t.accounts.byUsername(username) : null;
      });
    } catch (err) {
      // the registry does not answer and this account was never read
      unavailable = true;
      out = { kind: 'none', foreign: false };
      t.limiter.log(
        'warn',
        'classify:registry',
        { err: (err as Error).message },
        'sip: credentials could not be read from the registry',
      );
    }
    if (out.kind === 'ok') {
      c.caller = 'memberId' in out.account ? memberCaller(out.account) : peerCaller(out.account, 'digest');
    } else {
      const peer = t.state.peerBySource(addr);
      c.caller = peer ? peerCaller(peer, 'address') : { kind: 'anonymous' };
    }
    t.observer?.caller(c.caller.kind);
    c.emergency = emergencyDial(msg.uri ?? '', () => countryOf(t, c));
    if (!c.emergency) {
      if (unavailable) {
        return answer(c, spec(503, c.toTag, [['Retry-After', '5'], warning('registry unavailable')]));
      }
      if (out.kind === 'malformed' || out.kind === 'challenge') {
        // credentials that fail are attempts of their source too: guessing a password is limited
        const over = overLimit(t, c);
        if (over) return over;
      }
      if (out.kind === 'malformed') return refuse(t, c, 'auth-malformed', 400, out.why);
      if (out.kind === 'challenge') {
        return refuse(t, c, 'auth-failed', 401, out.why, await t.verifier.challenges(out.stale));
      }
    }
    const identity = readIdentity(header(msg, 'identity'), t.clock.now());
    if (identity && !identity.ok && !c.emergency)
      return refuse(t, c, 'identity-invalid', identity.status, identity.why, [], identity.reason);
    if (identity?.ok) {
      const signer = t.signer();
      for (const h of identity.headers) {
        // ours: we can tell a forged one; others' certificates are not fetched here
        if (signer && h.x5u === signer.x5u && !(await signer.verifiesOurs(h.jws)) && !c.emergency)
          return refuse(
            t,
            c,
            'identity-invalid',
            438,
            'the PASSporT signature does not verify',
            [],
            'Invalid Identity Header',
          );
      }
      // a trusted peer's signed identities go on with its calls; nobody else's ever do
      if (c.caller.kind === 'peer') c.identities = identity.headers.map((h) => h.value);
    }
    return next();
  },
});

/**
 * Counts one call attempt of the caller's source (a peer: of the peer) against the policy's
 * per-minute limit; the 503 with Retry-After when it is over, else null.
 */
function overLimit(t: Trust, c: Call): Outcome | null {
  const caller = c.caller;
  const p = t.state.policies.of(caller);
  const over = (refusal: Refusal, why: string, retryAfterS: number): Outcome =>
    refuse(t, c, refusal, 503, why, [['Retry-After', String(retryAfterS)]]);
  if (caller.kind === 'peer') {
    const v = t.limits.hit('peer', caller.peerId, p.limits.peerPerMinute, MINUTE);
    return v.ok ? null : over('rate-peer', 'too many call attempts from this peer', v.retryAfterS);
  }
  const s = t.limits.hit('source', sourceKey(c.input.ctx.remoteAddress), p.limits.sourcePerMinute, MINUTE);
  return s.ok ? null : over('rate-source', 'too many call attempts from this address', s.retryAfterS);
}

/**
 * Fraud limits before any work: blocked callers and sources (403), call attempts per minute of
 * a source address, a member, a peer (503 with Retry-After), shared by every redirector within
 * the error stated in docs/trust.md. Emergency calls are never limited.
 */
export const limits = (deps: PipelineDeps): Step => ({
  name: 'limits',
  run(c, next) {
    if (c.emergency) return next();
    const t = deps.trust;
    const caller = c.caller;
    const p = t.state.policies.of(caller);
    const addr = c.input.ctx.remoteAddress;
    if (p.blockedSources.has(addr))
      return refuse(t, c, 'blocked-source', 403, 'calls from this address are blocked');
    if (caller.kind === 'member' && p.blockedMembers.has(caller.memberId))
      return refuse(t, c, 'blocked-caller', 403, 'this caller is blocked');
    const over = overLimit(t, c);
    if (over) return over;
    if (caller.kind === 'member') {
      const m = t.limits.hit('member', caller.memberId, p.limits.memberPerMinute, MINUTE);
      if (!m.ok)
        return refuse(t, c, 'rate-member', 503, 'too many call attempts from this caller', [
          ['Retry-After', String(m.retryAfterS)],
        ]);
    }
    return next();
  },
});

/** The caller as resolution takes it: a member's own number, a peer's as presented, an anonymous caller's unasserted. */
export function resolveCaller(t: Trust, c: Call): ResolveCaller | undefined {
  const caller = c.caller;
  if (caller.kind === 'member') {
    const own = ownNumber(c, caller.numbers, caller.country);
    return {
      // a member without a number of its own (a company's VNS, an address) is its SIP identity
      uri: own ? `tel:${own}` : `sip:${caller.username}@${t.verifier.realm}`,
      display: caller.displayName,
      header: 'P-Asserted-Identity',
      country: caller.country,
    };
  }
  if (!c.presented) return undefined;
  if (caller.kind === 'peer')
    return caller.country ? { ...c.presented, country: caller.country } : c.presented;
  return { ...c.presented, assert: false };
}

/** The member's number it calls from: the one it presents when it is its own, else its first. */
function ownNumber(c: Call, own: readonly string[], country: string): string | null {
  const presented = c.presented?.uri;
  const n = presented ? numberOf(presented, country) : null;
  return n && own.includes(n) ? n : (own[0] ?? null);
}

/** Resolution: the Contacts and where each leads; an answer other than a redirect is given as it is. */
export const route = (deps: PipelineDeps): Step => ({
  name: 'route',
  async run(c, next) {
    const d = await deps.resolve(c.msg!.uri ?? '', resolveCaller(deps.trust, c));
    c.decision = d;
    if (d.status >= 300 && d.status < 400) return next();
    const headers: [string, string][] = [];
    if (d.retryAfter !== undefined) headers.push(['Retry-After', String(d.retryAfter)]);
    if (d.warning && d.status >= 400) headers.push(warning(d.warning));
    return answer(c, spec(d.status, c.toTag, headers));
  },
});

/**
 * What this caller may reach (docs/trust.md, "Policy"): Contacts to classes its kind may not
 * reach are dropped (an anonymous caller keeps a member's center and loses its PSTN fallback);
 * blocked and premium-rate numbers are dropped for everyone. Nothing left: 401 (an anonymous
 * caller: authenticate) or 403 with why. A member's calls to paid destinations abroad count
 * against its international limit. Emergency calls pass.
 */
export const policy = (deps: PipelineDeps): Step => ({
  name: 'policy',
  async run(c, next) {
    const d = c.decision!;
    if (d.emergency) return next();
    const t = deps.trust;
    const caller = c.caller;
    const p = t.state.policies.of(caller);
    const allowed = p.access[caller.kind];
    const routes: Route[] = d.routes ?? d.contacts.map(() => ({ source: 'unknown' }));
    const contacts: string[] = [];
    const kept: typeof routes = [];
    let denied: DestinationClass | undefined;
    let blocked: { refusal: 'blocked-destination' | 'premium'; why: string } | undefined;
    for (let i = 0; i < d.contacts.length; i++) {
      const r = routes[i]!;
      const cls = destinationClass(r.source);
      // blocked numbers first: nobody reaches them, authenticated or not (a 403, not a 401)
      if (cls !== 'on-net' && r.e164) {
        const type = d.dialed && d.dialed.e164 === r.e164 ? d.dialed.type : numberInfo(r.e164).type;
        const b = blockedDestination(p, r.e164, type);
        if (b) {
          blocked ??= b;
          continue;
        }
      }
      if (!allowed.has(cls)) {
        denied ??= cls;
        continue;
      }
      contacts.push(d.contacts[i]!);
      kept.push(r);
    }
    if (contacts.length === 0) {
      // a blocked number is said so even to an anonymous caller: authenticating would not help
      if (blocked && (!denied || caller.kind === 'anonymous'))
        return refuse(t, c, blocked.refusal, 403, blocked.why);
      if (caller.kind === 'anonymous')
        return refuse(
          t,
          c,
          'auth-required',
          401,
          `authentication required to reach ${denied ?? 'these'} destinations`,
          await t.verifier.challenges(false),
        );
      return refuse(
        t,
        c,
        'policy',
        403,
        `${caller.kind} callers may not reach ${denied ?? 'these'} destinations`,
      );
    }
    if (caller.kind === 'member' && p.limits.internationalPerDay > 0) {
      const abroad = kept.some((r) => {
        if (!r.e164 || destinationClass(r.source) === 'on-net') return false;
        const country = d.dialed && d.dialed.e164 === r.e164 ? d.dialed.country : numberInfo(r.e164).country;
        return country !== caller.country;
      });
      if (abroad) {
        const v = t.limits.hit('international', caller.memberId, p.limits.internationalPerDay, DAY);
        if (!v.ok)
          return refuse(
            t,
            c,
            'international-limit',
            403,
            `international calls: the limit of ${p.limits.internationalPerDay} a day is reached`,
          );
      }
    }
    c.decision = { ...d, contacts, routes: kept };
    return next();
  },
});

// the %-escaped form of the latest Identity values: a PASSporT reused within its second (a
// busy caller, retransmissions) is escaped once; small, so new tokens do not churn the heap
const escapes = new LRUCache<string, string>({ max: 256 });
function escapedOnce(value: string): string {
  let e = escapes.get(value);
  if (e === undefined) {
    e = escapeHeaderValue(value);
    escapes.set(value, e);
  }
  return e;
}

/** The E.164 digits of a caller's number, for a PASSporT (RFC 8224 §8.3: no '+'). */
const tn = (e164: string) => e164.replace(/^\+/, '');

/** The PASSporT claims of this call, or null when there is nothing we can sign. */
function claimsOf(t: Trust, c: Call): PassportClaims | null {
  const caller = c.caller;
  const d = c.decision!;
  const dest = d.emergency
    ? { tn: d.emergency.code }
    : d.dialed
      ? { tn: tn(d.dialed.e164) }
      : { uri: (c.msg!.uri ?? '').slice(0, 256) };
  let attest: Attestation;
  let orig: string | null;
  let origid: string;
  if (caller.kind === 'member') {
    const presented = presentedNumber(t, c, caller.country);
    if (presented && caller.numbers.includes(presented)) {
      attest = 'A'; // its own number
      orig = presented;
    } else if (presented) {
      attest = 'B'; // authenticated, but another caller ID
      orig = presented;
    } else {
      attest = 'A'; // no number presented: its own, as asserted
      orig = caller.numbers[0] ?? null;
    }
    origid = origidOf('member', caller.memberId);
  } else if (caller.kind === 'peer') {
    attest = 'C'; // a peer's traffic: we know where it came from, not who
    orig = presentedNumber(t, c, caller.country);
    origid = origidOf('peer', caller.peerId);
  } else return null;
  return orig ? { attest, orig: tn(orig), dest, origid } : null;
}

/**
 * The signed caller identity, embedded in each Contact like the P-Asserted-Identity: a member's
 * (attest A or B) or a trusted peer's (passed on when it sent one, else signed with attest C).
 * Never for an anonymous caller.
 */
export const identity = (deps: PipelineDeps): Step => ({
  name: 'identity',
  async run(c, next) {
    const t = deps.trust;
    if (c.caller.kind === 'anonymous') return next();
    let values = c.identities;
    if (values.length > 0) t.observer?.identity('passed');
    else {
      const signer = t.signer();
      const claims = signer ? claimsOf(t, c) : null;
      if (!signer || !claims) return next();
      values = [await signer.identity(claims)];
      t.observer?.identity('signed');
    }
    const escaped = values.map(escapedOnce);
    const d = c.decision!;
    c.decision = {
      ...d,
      contacts: d.contacts.map((v) => {
        // '<uri>;q=..': the header goes into the URI, inside the angle brackets
        const end = v.lastIndexOf('>');
        if (!v.startsWith('<') || end < 0) return v;
        // any Identity a NAPTR result carried is replaced; a peer's several are all passed on
        const inner = v.slice(1, end);
        let uri = /[?&]identity=/i.test(inner)
          ? withEscapedUriHeader(inner, 'Identity', escaped[0]!)
          : `${inner}${inner.includes('?') ? '&' : '?'}Identity=${escaped[0]!}`;
        for (const e of escaped.slice(1)) uri += `&Identity=${e}`;
        return `<${uri}>${v.slice(end + 1)}`;
      }),
    };
    return next();
  },
});

/** The 302 with the Contacts left. */
export const redirect = (): Step => ({
  name: 'redirect',
  run(c) {
    const d = c.decision!;
    return answer(
      c,
      spec(
        d.status,
        c.toTag,
        d.contacts.map((v) => ['Contact', v] as [string, string]),
      ),
    );
  },
});
