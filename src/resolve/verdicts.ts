// Remembered verdicts: what the SIP path answered for a Request-URI and caller, kept for as long
// as every DNS answer it used is valid, so that a repeated call costs one map look-up instead of
// identifier parsing, owner names and NAPTR processing. Bounded by count and estimated bytes.
import { LRUCache } from 'lru-cache';
import type { CallerInput, Decision, Verdict } from './resolver.ts';

export interface VerdictsOptions {
  /** Verdicts remembered at most ... */
  max: number;
  /** ... and their estimated heap bytes at most (a verdict holds up to 16 Contacts). */
  maxBytes: number;
  /** Longest a verdict that read registered terminals is kept (their own cache time), ms. */
  bindingsTtlMs: number;
}

export interface Verdicts {
  /** The remembered verdict, or resolve()'s, remembered for its TTL (never our own failure). */
  decide(target: string, caller?: CallerInput): Promise<Verdict>;
  /** Drops the verdicts that read these identities' bindings (after a REGISTER). */
  forget(identityKeys: string[]): void;
  readonly size: number;
  purgeStale(): void;
}

/** A remembered verdict, and which identities' bindings it read at which generation (forget()). */
interface Remembered {
  verdict: Verdict;
  bindingKeys: string[] | null;
  generation: number;
}

/** Rough heap bytes of a remembered verdict, for the byte bound (measured ~420 B with one Contact). */
function rememberedSize(key: string, r: Remembered): number {
  let n = 300 + key.length * 2 + (r.verdict.warning?.length ?? 0) * 2;
  for (const c of r.verdict.contacts) n += 40 + c.length * 2;
  for (const x of r.verdict.routes) n += 60 + x.source.length * 2 + (x.e164 ? 60 : 0);
  for (const k of r.bindingKeys ?? []) n += 40 + k.length * 2;
  return n;
}

const PARSE_ERROR_TTL_S = 300; // a malformed identifier stays malformed

/** How long a decision may be reused: the smallest TTL among the answers it used. */
export function verdictTtlMs(d: Decision, bindingsTtlMs: number): number {
  if (d.status >= 500 && d.status < 600) return 0; // our failures (503, 500); a 604 is an answer
  if (d.classification === null) return PARSE_ERROR_TTL_S * 1000;
  let ttl = Number.POSITIVE_INFINITY;
  for (const q of d.queries) ttl = Math.min(ttl, q.outcome === 'FAILED' ? 0 : q.ttl);
  if (!Number.isFinite(ttl)) ttl = 0;
  ttl *= 1000;
  if (d.bindingKeys.length > 0) ttl = Math.min(ttl, bindingsTtlMs); // terminals may come and go
  return ttl;
}

export function createVerdicts(
  resolve: (target: string, caller?: CallerInput) => Promise<Decision>,
  opts: VerdictsOptions,
): Verdicts {
  const verdicts = new LRUCache<string, Remembered>({
    max: opts.max,
    maxSize: opts.maxBytes,
    sizeCalculation: (v, k) => rememberedSize(k, v),
  });
  // forget(): instead of listing the verdicts that read an identity's bindings (a list that grows
  // with every caller), note when the identity changed; a verdict read before that is not used.
  // Such verdicts live at most bindingsTtlMs, so a note is needed little longer than that.
  let generation = 0;
  const changed = new LRUCache<string, number>({ max: 10_000, ttl: 2 * opts.bindingsTtlMs + 5000 });
  const stillValid = (r: Remembered): boolean => {
    if (r.bindingKeys === null) return true;
    for (const k of r.bindingKeys) {
      const g = changed.get(k);
      if (g !== undefined && g > r.generation) return false;
    }
    return true;
  };

  function remember(key: string, d: Decision, started: number): Verdict {
    const v: Verdict = {
      status: d.status,
      contacts: d.contacts.map((c) => c.header),
      routes: d.contacts.map((c) => (c.e164 ? { source: c.source, e164: c.e164 } : { source: c.source })),
    };
    const id = d.classification;
    if (id && (id.kind === 'e164' || id.kind === 'pin'))
      v.dialed = { e164: id.e164, country: id.country, type: id.type };
    if (d.emergency) v.emergency = d.emergency;
    if (d.warning) v.warning = d.warning;
    if (d.retryAfter !== undefined) v.retryAfter = d.retryAfter;
    const ttl = verdictTtlMs(d, opts.bindingsTtlMs);
    if (ttl > 0) {
      const bindingKeys = d.bindingKeys.length > 0 ? d.bindingKeys : null;
      verdicts.set(key, { verdict: v, bindingKeys, generation: started }, { ttl });
    }
    return v;
  }

  return {
    decide(target, caller) {
      const key = caller
        ? `${target}\u0000${caller.uri}\u0000${caller.display ?? ''}\u0000${caller.assert === false ? '' : 'a'}\u0000${caller.country ?? ''}`
        : target;
      const hit = verdicts.get(key);
      if (hit && stillValid(hit)) return Promise.resolve(hit.verdict);
      const started = ++generation; // bindings read from now on are newer than any change noted before
      return resolve(target, caller).then((d) => remember(key, d, started));
    },
    forget(identityKeys) {
      const g = ++generation;
      for (const k of identityKeys) changed.set(k, g);
    },
    get size() {
      return verdicts.size;
    },
    purgeStale() {
      verdicts.purgeStale();
      changed.purgeStale();
    },
  };
}
