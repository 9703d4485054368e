// What resolution takes and gives: the types shared by the resolver, the redirector,
// `callx resolve` and GET /v1/resolve.
import type { Identifier } from '#numbering';
import type { DnsCache } from './cache.ts';
import type { Caller, SwitchedCallerId } from './callerid.ts';
import type { QueryStep } from './lookup.ts';

/** Registered terminals of an identity (mobility): never in DNS, read from the registry. */
export interface BindingSource {
  /**
   * Live bindings of whoever holds an identity now (#core identity keys: 'tel:+8226200001',
   * 'email:alice@example.com', 'sip:alice@callx.test', 'vns:62006200#82', 'domain:acme.example'),
   * best first.
   */
  lookup(identityKey: string): Promise<{ contact: string; q: number }[]>;
}

export interface ResolutionDeps {
  apex: string;
  /** The SIP realm (default the apex): sip:<user>@<realm> also names a member's SIP account. */
  realm?: string;
  enumSuffixes: string[];
  /** E.164 digit prefixes of ranges this exchange owns: an unassigned number there is 604. */
  ownedRanges: string[];
  defaultCountry: string | undefined;
  dns: DnsCache;
  bindings?: BindingSource | undefined;
  /** Retry-After seconds on 503. */
  retryAfterS?: number;
  /** Most Contacts in one 302. */
  maxContacts?: number;
  /** Parsed identifiers remembered (Request-URIs and callers). */
  parseCacheEntries?: number;
  /** Verdicts remembered by decide(). */
  verdictCacheEntries?: number;
  /** Largest estimated heap of the remembered verdicts, bytes (a verdict holds up to 16 Contacts). */
  verdictCacheBytes?: number;
  /** Longest a verdict is kept when bindings are consulted (their own cache time), ms. */
  bindingsTtlMs?: number;
}

/** URI parameter by which the carriers tree tells the partner's caller-id format (removed from the Contact). */
export const CID_PARAM = 'callx-cid';

export interface ResolvedContact {
  /** The Contact URI as sent, with the embedded P-Asserted-Identity. */
  uri: string;
  /** The destination before the caller identity was embedded. */
  target: string;
  q: string;
  /** Where it came from: registered, e164, enum:<suffix>, carriers, pstn, vns, domains, email (a > b when followed: e164>carriers is a member's number at another carrier). */
  source: string;
  callerId: SwitchedCallerId | null;
  /** The Contact header value. */
  header: string;
  /** The E.164 number this Contact reaches off our network (PSTN, carrier, partner tree), for the call policy. */
  e164?: string;
}

/** Where a Contact leads, as the call policy needs it (src/sip/trust). */
export interface Route {
  /** Where it came from (ResolvedContact.source): its last hop is the destination's class. */
  source: string;
  /** The E.164 number it reaches off our network (PSTN, carrier, partner tree). */
  e164?: string;
}

export interface Decision {
  target: string;
  classification: Identifier | null;
  caller: (Omit<Caller, 'identifier'> & { identifier: Identifier | null }) | null;
  status: number;
  reason: string;
  /** Why, for a Warning header and people. */
  warning?: string;
  retryAfter?: number;
  error?: { code: string; message: string };
  queries: QueryStep[];
  contacts: ResolvedContact[];
  /** Web and mail services found on the way (kept for `callx resolve`, not used for calls). */
  services: { service: string; uri: string }[];
  /** Identity keys whose registered terminals were consulted. */
  bindingKeys: string[];
  /** What was decided besides the Contacts: routes skipped and why, shared calling codes, terminals. */
  notes: string[];
  /** An emergency short code, routed to the emergency gateway of that country. */
  emergency?: { code: string; country: string };
}

/**
 * The caller as resolution takes it. `assert: false` (an anonymous caller, docs/trust.md): no
 * P-Asserted-Identity is placed in the Contacts; the caller still gives the country national
 * numbers and emergency codes are read in. `country`, when known (an authenticated member's
 * home country), wins over the country of the caller's number.
 */
export type CallerInput = {
  uri: string;
  display?: string | undefined;
  header?: Caller['header'];
  assert?: boolean;
  country?: string | undefined;
};

/** What a SIP answer needs from a decision. */
export interface Verdict {
  status: number;
  /** Contact header values in order. */
  contacts: string[];
  /** Where each Contact leads, in the same order (the call policy filters by it). */
  routes: Route[];
  /** The dialed number, when it is one (E.164, its country and libphonenumber type). */
  dialed?: { e164: string; country: string | null; type: string | null };
  /** An emergency short code and the country whose emergency gateway the Contacts reach. */
  emergency?: { code: string; country: string };
  warning?: string;
  retryAfter?: number;
}

/** An identifier's number page: its E2U+web target (and mail), found through the trees calls take. */
export interface PageDecision {
  target: string;
  classification: Identifier | null;
  /** 200 (web, or a page saying there is none), 400 not an identifier, 404 nobody has it, 503 DNS unavailable. */
  status: 200 | 400 | 404 | 503;
  /** The home page (E2U+web). */
  web?: string;
  /** The published address (E2U+email), if any. */
  email?: string;
  warning?: string;
  queries: QueryStep[];
  notes: string[];
}

export interface Resolution {
  /** The whole decision, every query and NAPTR recorded (`callx resolve`, the API). */
  resolve(target: string, caller?: CallerInput): Promise<Decision>;
  /** The number page of an identifier (GET /n/{identifier}): the same DNS path, web and mail records. */
  page(target: string, callerCountry?: string): Promise<PageDecision>;
  /**
   * The SIP path: resolve()'s verdict, remembered for as long as every answer it used is valid
   * (the smallest TTL among them; never a failure; at most the bindings cache time when
   * registered terminals are consulted).
   */
  decide(target: string, caller?: CallerInput): Promise<Verdict>;
  /** Drops remembered verdicts that consulted these identities' bindings (after a REGISTER). */
  forget(identityKeys: string[]): void;
  /** Entries in the bounded tables (metrics, tests). */
  tables(): { verdicts: number; parsed: number };
  /** Drops expired verdicts now (they are otherwise dropped when asked for or evicted). */
  purgeStale(): void;
}
