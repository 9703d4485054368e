// REGISTER (RFC 3261 §10.3) with digest authentication against members' SIP credentials.
// Bindings live in the registry so every redirector sees them; they are never published in DNS.

import {
  type Binding,
  type Clock,
  createLogLimiter,
  emailKey,
  type Logger,
  sipKey,
  systemClock,
  telKey,
} from '#core';
import { type Identifier, parseIdentifier } from '#numbering';
import { SAFE_URI } from '#resolve';
import { parseCSeq, parseNameAddr, type SipMessage, splitValues } from '../message.ts';
import { spec } from '../spec.ts';
import { createDigestVerifier, type DigestVerifier } from '../trust/digest-auth.ts';
import type { RequestContext, SipResponseSpec } from '../types.ts';
import { warning } from '../warning.ts';
import type { DigestAlgorithm } from './digest.ts';
import { withTimeout } from './stores.ts';

/** A member's SIP account, as the registrar needs it. */
export interface SipAccount {
  memberId: string;
  username: string;
  realm: string;
  ha1Md5: string;
  ha1Sha256: string;
  /** Identity keys of the member (see identityKey). */
  identities: string[];
}

export interface CredentialStore {
  byUsername(username: string, realm: string): Promise<SipAccount | null>;
}

export interface BindingStore {
  /** Live bindings of one member and AOR. */
  list(memberId: string, aor: string, now: number): Promise<Binding[]>;
  put(b: Binding): Promise<void>;
  remove(id: string): Promise<void>;
  /** Live bindings whose identities include `key`, best q first. */
  forIdentity(key: string, now: number): Promise<Binding[]>;
  /** Deletes expired bindings; returns how many. */
  sweep(now: number): Promise<number>;
}

/** The identity key (#core) of a number or an email address; null for other identifiers. */
export function identityKey(id: Identifier): string | null {
  switch (id.kind) {
    case 'pin':
    case 'e164':
      return telKey(id.e164);
    case 'email':
      return emailKey(id.address);
    default:
      return null;
  }
}

/**
 * The keys an AOR may stand for, most specific first: the identity it reads as (a number, an
 * email address) and its plain user@host ('sip:lee@callx.test' is both an address and a username).
 */
export function aorKeys(uri: string, defaultCountry: string | undefined): string[] {
  const out: string[] = [];
  try {
    const k = identityKey(parseIdentifier(uri, { defaultCountry }));
    if (k) out.push(k);
  } catch {
    // not an identifier of the plan: only user@host
  }
  const m = /^sips?:([^@;?]+)@([^;?:>]+)/i.exec(uri);
  if (m) {
    try {
      out.push(sipKey(decodeURIComponent(m[1]!), m[2]!));
    } catch {
      // a malformed escape: no such key
    }
  }
  return out;
}

/** The AOR's main key (see aorKeys). */
export function aorKey(uri: string, defaultCountry: string | undefined): string | null {
  return aorKeys(uri, defaultCountry)[0] ?? null;
}

export interface RegistrarDeps {
  realm: string;
  /** Algorithms challenged with, most preferred first (default SHA-256, MD5). */
  algorithms?: DigestAlgorithm[];
  defaultCountry: string | undefined;
  credentials: CredentialStore;
  bindings: BindingStore;
  log: Logger;
  clock?: Clock;
  nonceLifetimeMs?: number;
  /**
   * The deployment's nonce secret (registryNonceSecret): with it a challenge from one redirector
   * is answered to any other. Without it nonces are this process's own.
   */
  nonceSecret?: () => Promise<Buffer>;
  /** Most Contacts bound to one AOR (a member could otherwise grow the registry without end); default 10. */
  maxContacts?: number;
  minExpires?: number;
  maxExpires?: number;
  defaultExpires?: number;
  /** Called after bindings change (the redirector drops what it cached for those identities). */
  onChange?: (identities: string[]) => void;
  /** Expired bindings are deleted by the first REGISTER at least this long after the last sweep (default 10 min). */
  sweepEveryMs?: number;
  /** Longest wait for one registry call (ms, default 2 s); past it the REGISTER gets 503 with Retry-After. */
  storeTimeoutMs?: number;
  /** The redirector's digest verifier (shared with INVITE and MESSAGE); built from the fields above when absent. */
  verifier?: DigestVerifier;
}

export function createRegistrar(deps: RegistrarDeps) {
  const storeMs = deps.storeTimeoutMs ?? 2000;
  const limiter = createLogLimiter(deps.log, deps.clock ? { clock: deps.clock } : {});
  // every registry call is bounded: a store that is down or frozen gets the REGISTER a 503 in time
  const credentials: CredentialStore = {
    byUsername: (u, r) => withTimeout(deps.credentials.byUsername(u, r), storeMs, `credentials of ${u}`),
  };
  const store = deps.bindings;
  const bindings: BindingStore = {
    list: (m, a, t) => withTimeout(store.list(m, a, t), storeMs, `bindings of ${a}`),
    put: (b) => withTimeout(store.put(b), storeMs, `binding ${b._id}`),
    remove: (id) => withTimeout(store.remove(id), storeMs, `binding ${id}`),
    forIdentity: (k, t) => withTimeout(store.forIdentity(k, t), storeMs, `bindings of ${k}`),
    sweep: (t) => store.sweep(t),
  };
  const nonceSecret = deps.nonceSecret
    ? () => withTimeout(deps.nonceSecret!(), storeMs, 'the digest nonce secret')
    : undefined;
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const sweepEveryMs = deps.sweepEveryMs ?? 600_000;
  let lastSweep = now();
  let sweeping = false;
  /** Deletes expired bindings in the background, at most once per sweepEveryMs (they are ignored at once anyway). */
  function maybeSweep(t: number): void {
    if (sweeping || t - lastSweep < sweepEveryMs) return;
    sweeping = true;
    lastSweep = t;
    bindings
      .sweep(t)
      .catch((err: unknown) =>
        deps.log.warn({ err: (err as Error).message }, 'sip: register: sweeping expired bindings failed'),
      )
      .finally(() => {
        sweeping = false;
      });
  }
  const verifier =
    deps.verifier ??
    createDigestVerifier({
      realm: deps.realm,
      ...(deps.algorithms ? { algorithms: deps.algorithms } : {}),
      clock,
      ...(deps.nonceLifetimeMs !== undefined ? { nonceLifetimeMs: deps.nonceLifetimeMs } : {}),
      ...(nonceSecret ? { nonceSecret } : {}),
    });
  const minExpires = deps.minExpires ?? 60;
  const maxExpires = deps.maxExpires ?? 86_400;
  const defaultExpires = deps.defaultExpires ?? 3600;
  const maxContacts = deps.maxContacts ?? 10;

  const challengeSpec = async (toTag: string, stale: boolean, why?: string): Promise<SipResponseSpec> => {
    const headers = await verifier.challenges(stale);
    if (why) headers.push(warning(why));
    return spec(401, toTag, headers);
  };

  /** Checks the Authorization header; returns the account or the response to send. */
  async function authenticate(msg: SipMessage, toTag: string): Promise<SipAccount | SipResponseSpec> {
    const out = await verifier.verify(msg, (u) => credentials.byUsername(u, deps.realm));
    switch (out.kind) {
      case 'ok':
        return out.account;
      case 'none':
        return challengeSpec(toTag, false, out.foreign ? 'no Digest credentials for this realm' : undefined);
      case 'malformed':
        return spec(400, toTag, [warning(out.why)]);
      case 'challenge':
        if (out.why === 'wrong credentials' || out.why === 'nonce count replayed')
          deps.log.info({ username: out.username?.slice(0, 64) }, `sip: register: ${out.why}`);
        return challengeSpec(
          toTag,
          out.stale,
          out.stale && out.why === 'nonce expired' ? undefined : out.why,
        );
    }
  }

  return async function register(
    msg: SipMessage,
    ctx: RequestContext,
    toTag: string,
  ): Promise<SipResponseSpec> {
    try {
      return await registerNow(msg, ctx, toTag);
    } catch (err) {
      // the registry is the registrar's only I/O: it failed or did not answer in time
      limiter.log(
        'error',
        'registry',
        { err: (err as Error).message },
        `sip: REGISTER ${msg.get('to') ?? ''}: registry unavailable`,
      );
      return spec(503, toTag, [['Retry-After', '5'], warning('registry unavailable')]);
    }
  };

  async function registerNow(msg: SipMessage, _ctx: RequestContext, toTag: string): Promise<SipResponseSpec> {
    const to = parseNameAddr(msg.get('to') ?? '');
    const keys = to ? aorKeys(to.uri, deps.defaultCountry) : [];
    if (keys.length === 0) return spec(404, toTag, [warning('the To header names no address of record')]);
    const auth = await authenticate(msg, toTag);
    if (!('memberId' in auth)) return auth;
    const account = auth;
    const own = new Set<string>([...account.identities, sipKey(account.username, deps.realm)]);
    const aor = keys.find((k) => own.has(k));
    if (!aor) return spec(403, toTag, [warning(`${account.username} may not register ${keys[0]}`)]);

    const callId = msg.get('call-id') ?? '';
    const cseq = parseCSeq(msg.get('cseq') ?? '')?.seq ?? 0;
    const t = now();
    const expiresHeader = msg.get('expires');
    const headerExpires =
      expiresHeader !== undefined && /^\s*\d+\s*$/.test(expiresHeader) ? Number(expiresHeader) : undefined;
    const contactHeader = msg.get('contact');
    const current = await bindings.list(account.memberId, aor, t);

    if (contactHeader !== undefined && contactHeader.trim() === '*') {
      if (headerExpires !== 0) return spec(400, toTag, [warning('Contact: * needs Expires: 0')]);
      for (const b of current) await bindings.remove(b._id);
      deps.onChange?.([...own]);
      return spec(200, toTag);
    }

    const wanted = contactHeader === undefined ? [] : splitValues(contactHeader).map(parseNameAddr);
    if (wanted.some((c) => c === null || !SAFE_URI.test(c.uri)))
      return spec(400, toTag, [warning('malformed Contact')]);
    const contacts = wanted as NonNullable<(typeof wanted)[number]>[];
    const expiresOf = (c: (typeof contacts)[number]) => {
      const pe = c.params.get('expires');
      return pe !== undefined && /^\d+$/.test(pe) ? Number(pe) : (headerExpires ?? defaultExpires);
    };
    const bound = new Set(current.map((b) => b.contact));
    for (const c of contacts) {
      if (expiresOf(c) === 0) bound.delete(c.uri);
      else bound.add(c.uri);
    }
    if (bound.size > maxContacts)
      return spec(403, toTag, [warning(`at most ${maxContacts} Contacts may be registered for ${aor}`)]);
    for (const c of contacts) {
      const expires = expiresOf(c);
      if (expires !== 0 && expires < minExpires) {
        return spec(423, toTag, [['Min-Expires', String(minExpires)]]);
      }
      // one binding per AOR and Contact: the same terminal under a second AOR of the member is a
      // second binding, not a move (`current` is this AOR's; ids of older bindings are kept)
      const existing = current.find((b) => b.contact === c.uri);
      const id = existing?._id ?? `${account.memberId}|${aor}|${c.uri}`;
      // RFC 3261 §10.3 step 7: a request older than what we hold from the same Call-ID is refused
      if (existing && existing.callId === callId && existing.cseq >= cseq) {
        return spec(500, toTag, [warning('out-of-order REGISTER (CSeq)')]);
      }
      if (expires === 0) {
        if (existing) await bindings.remove(id);
        continue;
      }
      const qParam = Number(c.params.get('q') ?? '1');
      await bindings.put({
        _id: id,
        memberId: account.memberId,
        aor,
        contact: c.uri,
        q: Number.isFinite(qParam) ? Math.min(1, Math.max(0, qParam)) : 1,
        expiresAt: t + Math.min(expires, maxExpires) * 1000,
        callId,
        cseq,
        identities: [...own],
      });
    }
    if (wanted.length > 0) deps.onChange?.([...own]);
    maybeSweep(t);
    const after = await bindings.list(account.memberId, aor, t);
    const headers: [string, string][] = after.map((b) => [
      'Contact',
      `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - t) / 1000))};q=${b.q}`,
    ]);
    return spec(200, toTag, headers);
  }
}
