// The call policy (docs/trust.md): which destinations each kind of caller may reach, fraud
// limits, blocked destinations. Data in the registry (`policies`: 'default', 'country:<CC>',
// 'registrar:<id>'), merged over the defaults below; the most specific scope wins per field,
// and the block lists of every scope add up (a registrar cannot lift an operator's block).
import { LRUCache } from 'lru-cache';
import type { CallLimits, CallPolicyRules, DestinationClass } from '#core';
import { type Identifier, NumberingError, parseIdentifier } from '#numbering';
import { type AddressSet, addressSet } from './addresses.ts';
import type { CallerClass, CallerKind } from './types.ts';

/** The defaults of the issue: anonymous callers reach on-net destinations only. */
export const DEFAULT_POLICY: Required<CallPolicyRules> & { limits: Required<CallLimits> } = {
  access: {
    anonymous: ['on-net'],
    member: ['on-net', 'pstn', 'carrier', 'partner'],
    peer: ['on-net', 'pstn', 'carrier', 'partner'],
  },
  limits: {
    // a person places a few calls a minute; a member's UA sends each INVITE twice (401, then with credentials)
    memberPerMinute: 60,
    // every INVITE and MESSAGE counts, challenged ones too; an office behind one NAT shares it
    sourcePerMinute: 600,
    // peers carry many callers' traffic: no limit unless set
    peerPerMinute: 0,
    internationalPerDay: 100,
  },
  blockedPrefixes: [],
  blockPremium: true,
  allowedPrefixes: [],
  blockedMembers: [],
  blockedSources: [],
};

/** The policy that applies to one caller, merged and ready to use. */
export interface EffectivePolicy {
  access: Record<CallerKind, ReadonlySet<DestinationClass>>;
  limits: Required<CallLimits>;
  blockedPrefixes: readonly string[];
  allowedPrefixes: readonly string[];
  blockPremium: boolean;
  blockedMembers: ReadonlySet<string>;
  blockedSources: AddressSet;
}

/** The policy documents by `_id` ('default', 'country:KR', 'registrar:reg-a'). */
export type PolicyDocs = ReadonlyMap<string, CallPolicyRules>;

function merge(scopes: CallPolicyRules[]): EffectivePolicy {
  const access = { ...DEFAULT_POLICY.access };
  const limits = { ...DEFAULT_POLICY.limits };
  let blockPremium = DEFAULT_POLICY.blockPremium;
  const blockedPrefixes = new Set<string>();
  const allowedPrefixes = new Set<string>();
  const blockedMembers = new Set<string>();
  const blockedSources: string[] = [];
  for (const s of scopes) {
    for (const [k, v] of Object.entries(s.access ?? {})) if (v) access[k as CallerKind] = v;
    for (const [k, v] of Object.entries(s.limits ?? {}))
      if (typeof v === 'number') limits[k as keyof CallLimits] = v;
    if (s.blockPremium !== undefined) blockPremium = s.blockPremium;
    for (const p of s.blockedPrefixes ?? []) blockedPrefixes.add(p);
    for (const p of s.allowedPrefixes ?? []) allowedPrefixes.add(p);
    for (const m of s.blockedMembers ?? []) blockedMembers.add(m);
    blockedSources.push(...(s.blockedSources ?? []));
  }
  return {
    access: {
      anonymous: new Set(access.anonymous ?? []),
      member: new Set(access.member ?? []),
      peer: new Set(access.peer ?? []),
    },
    limits,
    blockPremium,
    blockedPrefixes: [...blockedPrefixes],
    allowedPrefixes: [...allowedPrefixes],
    blockedMembers,
    blockedSources: addressSet(blockedSources),
  };
}

/** The scopes that apply to a caller, widest first: default, its country, its registrar. */
export function scopesOf(caller: CallerClass): string[] {
  const out = ['default'];
  if (caller.kind === 'member') out.push(`country:${caller.country}`, `registrar:${caller.registrarId}`);
  else if (caller.kind === 'peer' && caller.country) out.push(`country:${caller.country}`);
  return out;
}

export interface Policies {
  /** The effective policy of a caller (merged once per scope combination and data version). */
  of(caller: CallerClass): EffectivePolicy;
  /** The policy data changed (a refresh from the registry). */
  replace(docs: PolicyDocs): void;
}

export function createPolicies(docs: PolicyDocs = new Map()): Policies {
  let current = docs;
  let merged = new Map<string, EffectivePolicy>();
  return {
    of(caller) {
      const scopes = scopesOf(caller);
      const key = scopes.join('|');
      let p = merged.get(key);
      if (!p) {
        p = merge(scopes.flatMap((s) => (current.has(s) ? [current.get(s)!] : [])));
        if (merged.size > 10_000) merged = new Map(); // bounded: one entry per registrar x country
        merged.set(key, p);
      }
      return p;
    },
    replace(next) {
      current = next;
      merged = new Map();
    },
  };
}

const startsWithAny = (digits: string, prefixes: readonly string[]) =>
  prefixes.some((p) => digits.startsWith(p));

// libphonenumber's type of a number a paid Contact reaches (~20 µs a parse): remembered
const typeMemo = new LRUCache<string, { type: string | null; country: string | null }>({ max: 20_000 });

/** libphonenumber's type (PREMIUM_RATE, MOBILE, ...) and country of an E.164 number. */
export function numberInfo(e164: string): { type: string | null; country: string | null } {
  let r = typeMemo.get(e164);
  if (!r) {
    let id: Identifier | null = null;
    try {
      id = parseIdentifier(e164);
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
    }
    r =
      id && (id.kind === 'e164' || id.kind === 'pin')
        ? { type: id.type, country: id.country }
        : { type: null, country: null };
    typeMemo.set(e164, r);
  }
  return r;
}

/** Why a destination is blocked for everyone, or null: the block list, then premium-rate numbers. */
export function blockedDestination(
  p: EffectivePolicy,
  e164: string,
  type: string | null,
): { refusal: 'blocked-destination' | 'premium'; why: string } | null {
  const digits = e164.replace(/^\+/, '');
  if (startsWithAny(digits, p.allowedPrefixes)) return null;
  if (startsWithAny(digits, p.blockedPrefixes))
    return { refusal: 'blocked-destination', why: `${e164} is in a blocked range` };
  if (p.blockPremium && type === 'PREMIUM_RATE')
    return { refusal: 'premium', why: `${e164} is a premium-rate number` };
  return null;
}
