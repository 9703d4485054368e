// Registry documents: the aggregates of docs/design.md ("Registry") as they are stored.
// Times are epoch milliseconds. Money is in minor units (cents) with an ISO 4217 currency.
// Every aggregate that other writers may race on carries `version` (incremented by each
// update, used as the optimistic-concurrency precondition and as the publishing version).

export type Millis = number;

export interface Versioned {
  version: number;
  createdAt: Millis;
  updatedAt: Millis;
  /**
   * Set (with the change, in the same atomic update) by the publisher on documents visible in
   * DNS, cleared once the journal entry for this version is appended; the sweep republishes
   * documents whose marker is old (a crash in between). docs/registry.md, "Publisher".
   */
  publishPendingAt?: Millis;
  /** Set by the publisher while it removes the document: it publishes nothing from then on. */
  publishRemove?: true;
}

/** Collection names, one per aggregate. */
export const COLLECTIONS = {
  registrars: 'registrars',
  tokens: 'tokens',
  countries: 'countries',
  gateways: 'gateways',
  carriers: 'carriers',
  numbers: 'numbers',
  /** 4-digit n-grams of the inventory's numbers: searches for patterns that start with '*'. */
  numberGrams: 'numberGrams',
  orders: 'orders',
  payments: 'payments',
  priceRules: 'priceRules',
  members: 'members',
  claims: 'claims',
  zones: 'zones',
  rrsets: 'rrsets',
  bindings: 'bindings',
  idempotency: 'idempotency',
  journal: 'journal',
  counters: 'counters',
  tombstones: 'tombstones',
  /** Deployment-wide secrets created once, e.g. the SIP digest nonce key (src/sip/register/stores.ts). */
  secrets: 'secrets',
  // the web (docs/web.md): member logins, staff users, sessions, throttles, reset tokens, checkouts
  logins: 'logins',
  staff: 'staff',
  sessions: 'sessions',
  throttles: 'throttles',
  resetTokens: 'resetTokens',
  checkouts: 'checkouts',
  webhookEvents: 'webhookEvents',
  /** Call policies: who may reach which destinations, fraud limits (docs/trust.md). */
  policies: 'policies',
  /** Call-attempt counts the redirectors share, one document per limit and time window (docs/trust.md). */
  rateWindows: 'rateWindows',
  // the fee system (docs/billing.md)
  rateDecks: 'rateDecks',
  rateChunks: 'rateChunks',
  accounts: 'accounts',
  ledger: 'ledger',
  postings: 'postings',
  callRoutes: 'callRoutes',
  cdrs: 'cdrs',
  billingPeriods: 'billingPeriods',
  statements: 'statements',
  rentalRules: 'rentalRules',
  rentals: 'rentals',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

// --- registrars and API tokens -------------------------------------------------------------

export interface Registrar extends Versioned {
  _id: string;
  name: string;
}

export interface ApiToken {
  /** SHA-256 hex of the secret token; the token itself is shown once and never stored. */
  _id: string;
  role: 'admin' | 'registrar' | 'counterparty';
  registrarId: string | null;
  /** A counterparty's token (role 'counterparty'): whose CDRs it posts, as a party key 'gateway:gw-kr'. */
  party?: string;
  label: string;
  createdAt: Millis;
}

// --- routing data: countries and centers, PSTN gateways, partner carriers ------------------

/**
 * A trusted peer: the country center, PSTN gateway or partner carrier a routing document
 * describes, recognised by the source address of its SIP requests and, when a secret is set, by
 * a digest under its own username (docs/trust.md). Its callers may reach paid destinations.
 */
export interface PeerTrust {
  /** Addresses and CIDR prefixes its requests come from; empty: any address, with the digest. */
  sources: string[];
  /** A shared secret: username '<kind>:<id>' ('gateway:gw-kr'), HA1 digests, never the password. */
  digest?: SipCredentials;
}

export interface CenterTarget {
  /** Host name of one SIP server of the center, e.g. sip1.kr.center.callx.test. */
  host: string;
  port: number;
  priority: number;
  weight: number;
  transport: 'udp' | 'tcp' | 'tls';
  /** A/AAAA addresses published for `host` when it lies inside our name space. */
  addresses: string[];
}

/** A country we serve and its call center, published at <cc>.center.<apex> (SRV, A/AAAA). */
export interface Country extends Versioned {
  /** ISO 3166-1 alpha-2, upper case: 'KR'. */
  _id: string;
  /** ITU calling code digits: '82'. */
  callingCode: string;
  name: string;
  center: { targets: CenterTarget[] };
  /**
   * The country's emergency gateway, SIP host[:port]: emergency short codes dialed by its callers
   * go there (published at <cc>.emergency.<apex>, docs/trust.md).
   */
  emergency?: { host: string };
  /** Its center as a trusted peer. */
  trust?: PeerTrust;
  registrarId: string | null;
}

/** A PSTN gateway and the E.164 prefixes it serves; publishes the pstn tree. */
export interface PstnGateway extends Versioned {
  _id: string;
  name: string;
  /** SIP host[:port] the numbers are rewritten onto: sip:+<digits>@<host>;user=phone. */
  host: string;
  /** E.164 digit prefixes without '+': ['82', '8210']. */
  prefixes: string[];
  /** The gateway as a trusted peer (calls it sends us). */
  trust?: PeerTrust;
  registrarId: string | null;
}

/** How a destination wants the caller's number written (call switching). */
export type CallerIdFormat = 'e164' | 'national' | 'pin';

/** Another carrier: its number ranges route to its SIP ingress; publishes the carriers tree. */
export interface PartnerCarrier extends Versioned {
  _id: string;
  name: string;
  /** SIP host[:port] of the partner's ingress. */
  ingress: string;
  /** E.164 digit prefixes the partner's numbers use. */
  ranges: string[];
  callerIdFormat: CallerIdFormat;
  /** The partner's own ENUM tree, if it runs one (also listed in CALLX_ENUM_SUFFIXES to be asked). */
  enumSuffix?: string;
  /** The partner as a trusted peer (calls it sends us). */
  trust?: PeerTrust;
  registrarId: string | null;
}

// --- number inventory and sales --------------------------------------------------------------

export type NumberKind = 'pin' | 'vns';
export type NumberStatus = 'available' | 'reserved' | 'sold' | 'assigned' | 'released' | 'quarantined';

export interface Money {
  amount: number;
  currency: string;
}

/**
 * One sellable number. `_id` is the canonical key from src/numbering:
 * 'pin:+82262006200' (a PIN is its E.164 number) or 'vns:62006200' (a VNS base, sold once worldwide).
 */
export interface InventoryNumber extends Versioned {
  _id: string;
  kind: NumberKind;
  /** ISO country whose inventory offers it. */
  country: string;
  /** Digits searched by pattern: E.164 digits for a PIN, the base digits for a VNS. */
  digits: string;
  registrarId: string;
  status: NumberStatus;
  price: Money;
  reservation?: { orderId: string; expiresAt: Millis };
  orderId?: string;
  ownerMemberId?: string;
  /** The payment (PaymentRecord `_id`) that sold the number: the sale's decisive write (docs/sales.md). */
  paymentId?: string;
  /** When a release began (status 'released'); the sales sweep finishes releases left half-done. */
  releasedAt?: Millis;
  /** When the number last went back to stock from a sale (kept while available): churn in the CRM. */
  lastReleasedAt?: Millis;
  /**
   * A release into quarantine (unpaid rent, docs/billing.md): the number is not sellable
   * (status 'quarantined') until then; the sales sweep returns it to stock afterwards.
   */
  quarantineUntil?: Millis;
}

/**
 * `pending-verification`: a PIN paid for, waiting for proof that the buyer holds the line
 * (docs/sales.md, "Proof of ownership"); nothing is published until it is approved (`paid`).
 */
export type OrderStatus = 'reserved' | 'pending-verification' | 'paid' | 'cancelled' | 'expired';

/** Proof that the buyer of a PIN holds the line: the evidence recorded, its confirmation, the approval. */
export interface OrderVerification {
  /** A letter of authorisation (its reference), or a code the member confirms from the line. */
  method: 'loa' | 'code';
  /** The letter of authorisation's reference (method 'loa'). */
  reference?: string;
  /** SHA-256 hex of the order id and the code (method 'code'); the code itself is shown once. */
  codeHash?: string;
  codeExpiresAt?: Millis;
  /** Wrong codes tried; the code is void after the limit. */
  attempts?: number;
  /** When the code was confirmed from the line, and by whom (the center's principal). */
  confirmedAt?: Millis;
  confirmedBy?: string;
  recordedAt: Millis;
  recordedBy: string;
  approvedAt?: Millis;
  approvedBy?: string;
}

export interface Order extends Versioned {
  _id: string;
  registrarId: string;
  numberId: string;
  memberId?: string;
  price: Money;
  status: OrderStatus;
  expiresAt: Millis;
  paymentReference?: string;
  /** A PIN's proof of ownership (docs/sales.md, "Proof of ownership"). */
  verification?: OrderVerification;
  /**
   * The proof was rejected (or never came): the order is cancelled, its payment due for refund,
   * its number back in stock; `completedAt` once every step is done (the sweep finishes the rest).
   */
  rejection?: { at: Millis; by: string; reason: string; completedAt?: Millis };
}

/** A payment, keyed by its reference so the same payment twice is one payment. */
export interface PaymentRecord {
  /** `${registrarId}:${reference}` */
  _id: string;
  orderId: string;
  amount: Money;
  at: Millis;
  registrarId?: string;
  reference?: string;
  /** Set when the payment could not buy its order (expired, cancelled, paid by another payment): money to return. */
  refundDue?: { reason: string; at: Millis };
}

/** A premium on memorable digit patterns (src/registry/sales/pricing.ts). */
export interface PremiumRule {
  pattern: 'repeated' | 'ascending' | 'descending' | 'doubled' | 'palindrome' | 'trailing-zeros';
  /** The pattern counts from this many digits on. */
  minRun: number;
  /** Added (minor units) when the pattern is present with minRun digits. */
  amount: number;
  /** Added for each digit of the pattern beyond minRun. */
  perExtraDigit: number;
  /** Kinds of numbers the rule applies to; absent: both. */
  kinds?: NumberKind[];
}

/** A registrar's price rules; `_id` is the registrar id. Prices are fixed on numbers when stocked or re-priced. */
export interface PriceRules extends Versioned {
  _id: string;
  currency: string;
  /** Base price per kind where no country-specific one is set. */
  defaultBase: Record<NumberKind, number>;
  base: Array<{ country: string; kind: NumberKind; amount: number }>;
  premiums: PremiumRule[];
}

// --- members ------------------------------------------------------------------------------

export interface VnsBranch {
  /** ISO country of the branch. */
  country: string;
  /** Where the branch answers: a SIP URI, else its PSTN number, else the country's center. */
  sipUri?: string;
  pstn?: string;
}

export type MemberNumber =
  | { kind: 'pin'; e164: string }
  | { kind: 'vns'; base: string; branches: VnsBranch[] };

export interface SipCredentials {
  username: string;
  realm: string;
  /** HA1 digests (RFC 2617 / RFC 8760): H(username:realm:password), never the password. */
  ha1Md5: string;
  ha1Sha256: string;
}

export interface Member extends Versioned {
  _id: string;
  registrarId: string;
  type: 'individual' | 'company';
  displayName: string;
  /** Individuals: lower-cased address. Unique: claimed as claims/'email:<address>'. */
  email?: string;
  /** Companies: lower-cased domain name. Unique: claimed as claims/'domain:<name>'. */
  domain?: string;
  /** Home country (ISO); national numbers of the member are read in it; a company's domain leads to its branch there. */
  country: string;
  /**
   * The country whose center takes all the member's calls, when the member chose one (ISO).
   * Absent: each number goes to its own country's center (a PIN's, a VNS branch's).
   */
  centerCountry?: string;
  numbers: MemberNumber[];
  /** E.164 number where the member can be reached on the PSTN. */
  contactPstn?: string;
  /** Numbers or URIs at other carriers: sip:/sips: URIs or E.164 numbers. */
  otherCarriers: string[];
  homePage?: string;
  /** Publish the email address as an E2U+email:mailto NAPTR at the member's numbers (opt-in: the e164 tree is public). */
  publishEmail?: boolean;
  personal?: {
    givenName?: string;
    familyName?: string;
    address?: string;
    birthDate?: string;
    language?: string;
  };
  sip?: SipCredentials;
  /** Set when a deletion began: no numbers are assigned to it any more; the members sweep finishes it. */
  deleting?: true;
  /**
   * Number keys ('pin:+82262006200', 'vns:62006200') suspended for unpaid rent: they publish no
   * NAPTR, only the suspension marker (docs/billing.md, "Number rental"). Written by billing only.
   */
  suspendedNumbers?: string[];
}

/** A value that must be unique across documents (an email address, a domain), claimed by its `_id`. */
export interface Claim {
  _id: string;
  ownerId: string;
  createdAt: Millis;
  /** Set once the owner's document holds the value; an unbound claim is a registration in progress. */
  bound?: true;
}

// --- zones and record sets managed over HTTP ------------------------------------------------

export interface SoaValues {
  mname: string;
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  ttl: number;
}

/**
 * A zone created or changed over HTTP. Zones from master files under zones/ need no document;
 * a document with `deleted` hides a file zone.
 */
export interface ZoneDoc extends Versioned {
  /** Apex, lower case, no trailing dot. */
  _id: string;
  registrarId: string | null;
  soa: SoaValues;
  ns: string[];
  deleted?: boolean;
}

/**
 * One RRset set over HTTP; overrides the same owner and type from a master file.
 * `records` empty means the RRset was deleted.
 */
export interface RRsetDoc extends Versioned {
  /** `${zone}|${name}|${type}`, names absolute, lower case, no trailing dot. */
  _id: string;
  zone: string;
  name: string;
  type: string;
  ttl: number;
  /** RDATA in presentation format, as in a master file. */
  records: string[];
}

// --- call policy: who may reach what, fraud limits (docs/trust.md) -------------------------

/** What a destination costs: our own trees are on-net and free; the others are paid. */
export type DestinationClass = 'on-net' | 'pstn' | 'carrier' | 'partner' | 'emergency';
/** Who is calling, as the redirector classifies every INVITE and MESSAGE. */
export type CallerKind = 'anonymous' | 'member' | 'peer';

export interface CallLimits {
  /** Call attempts per minute of one member (its authenticated requests). */
  memberPerMinute?: number;
  /** Call attempts per minute from one source address (an IPv6 /64), whoever sends them. */
  sourcePerMinute?: number;
  /** Call attempts per minute of one trusted peer (0: none). */
  peerPerMinute?: number;
  /** Calls of one member to paid destinations outside its country, per day (UTC). */
  internationalPerDay?: number;
}

/** The rules of one scope; a field absent here comes from the wider scope (registrar > country > default). */
export interface CallPolicyRules {
  /** Destination classes each kind of caller may reach (emergency calls are always routed). */
  access?: Partial<Record<CallerKind, DestinationClass[]>>;
  limits?: CallLimits;
  /** E.164 digit prefixes no call may reach (premium-rate, high-risk ranges). */
  blockedPrefixes?: string[];
  /** Numbers libphonenumber types PREMIUM_RATE are blocked (unless allowed below). */
  blockPremium?: boolean;
  /** E.164 digit prefixes allowed although premium-rate. */
  allowedPrefixes?: string[];
  /** Members refused every call but emergency calls (403). */
  blockedMembers?: string[];
  /** Source addresses and CIDR prefixes refused every call but emergency calls (403). */
  blockedSources?: string[];
}

/** A policy document: `_id` 'default', 'country:KR' (callers of that country) or 'registrar:<id>' (its members). */
export interface CallPolicy extends Versioned, CallPolicyRules {
  _id: string;
}

/** Call attempts counted in one window of one limit, by key (hashed), shared by every redirector. */
export interface RateWindow {
  /** `${rule}|${window index}` */
  _id: string;
  rule: string;
  /** Window index: floor(epoch ms / window length). */
  w: number;
  /** Hashed key -> attempts counted by every redirector that flushed. */
  c: Record<string, number>;
}

// --- SIP registrations ----------------------------------------------------------------------

/** A terminal registered by SIP REGISTER; never published in DNS. */
export interface Binding {
  /** `${memberId}|${aor}|${contact}` (`${memberId}|${contact}` when written before AORs had their own) */
  _id: string;
  memberId: string;
  aor: string;
  contact: string;
  q: number;
  expiresAt: Millis;
  callId: string;
  cseq: number;
  /**
   * Identity keys of the member at REGISTER time ('tel:+82262006200', 'sip:alice@callx.test').
   * Calls no longer rely on it: which identities a binding answers for is computed from the
   * member when a call looks it up (src/registry/members/terminals.ts); it is kept for
   * redirectors of earlier builds during an upgrade and as a hint for bindings of members whose
   * numbers are not in the inventory.
   */
  identities?: string[];
}

// --- HTTP idempotency -----------------------------------------------------------------------

export interface IdempotencyRecord {
  /** `${tokenOwner}:${method}:${path}:${key}` */
  _id: string;
  requestHash: string;
  /** 0 while the first request is still being processed. */
  status: number;
  body: string;
  /** Response headers replayed with the body (content-type, location, etag). */
  headers?: Record<string, string>;
  createdAt: Millis;
}

// --- the change journal ---------------------------------------------------------------------

/** One RRset as published: absolute owner name (lower case, no trailing dot), presentation RDATA. */
export interface PublishedRRset {
  name: string;
  type: string;
  ttl: number;
  rdata: string[];
}

/**
 * One journal entry. `source` names the registry document ("members/m_42", "rrsets/<id>",
 * "zones/callx.test", "countries/KR", ...) and `rrsets` is everything that source publishes at
 * `version`: its whole contribution, not a diff. A DNS node replaces the source's previous
 * contribution when `version` is newer than the one it holds and ignores it otherwise, so
 * replaying entries is idempotent and two writers committing out of order cannot leave stale
 * records (docs/registry.md, "Change journal").
 */
export interface JournalEntry {
  /** Sequence number from 1; readers see entries in this order with no gaps. */
  _id: number;
  at: Millis;
  /** The stored form of a `Source` (src/core/sources.ts: formatSource, parseSource). */
  source: string;
  version: number;
  rrsets: PublishedRRset[];
  /** Set when the source was a zone that is now deleted (its file contents disappear too). */
  deletedZone?: string;
  /** The derivation version (src/publish) that computed `rrsets`; absent before versions existed. */
  derivation?: number;
  /** A gap a reader closed because its writer never completed; carries nothing. */
  noop?: true;
}

/** The next sequence number of the journal is handed out by `$inc` on counters/'journal'. */
export interface Counter {
  _id: string;
  seq: number;
}

/**
 * The last version a removed published document reached, kept so that a document created
 * again under the same `_id` publishes with a higher version, and so that a DNS node loading
 * the registry knows which late entries of a removed source to ignore.
 */
export interface Tombstone {
  /** The journal source: '<collection>/<_id>'. */
  _id: string;
  version: number;
  at: Millis;
}

// --- the web: logins, staff users, sessions, checkouts (docs/web.md) ---------------------------

/**
 * A member's web login. `_id` is the login email, canonical (lower case), so one address has one
 * login. The password is kept only as a scrypt hash (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`).
 */
export interface Login extends Versioned {
  _id: string;
  memberId: string;
  registrarId: string;
  passwordHash: string;
}

export type StaffRole = 'admin' | 'sales' | 'support';

/** A registrar's staff user of the web console. `_id` is the login email, canonical. */
export interface StaffUser extends Versioned {
  _id: string;
  registrarId: string;
  role: StaffRole;
  name: string;
  passwordHash: string;
  language?: string;
  disabled?: true;
}

/**
 * A web session, kept in the registry so every API process shares it. `_id` is the SHA-256 hex
 * of the session id the cookie holds: the store never holds a usable session id.
 */
export interface WebSession {
  _id: string;
  kind: 'member' | 'staff' | 'operator';
  /** The login (member) or staff user `_id`; the operator's admin token id. */
  subject: string;
  registrarId: string;
  memberId?: string;
  language?: string;
  createdAt: Millis;
  lastSeenAt: Millis;
  expiresAt: Millis;
}

/** Failed logins counted per key ('ip:…', 'member:…', 'staff:…') and fixed window. */
export interface Throttle {
  /** `${key}|${window start}` */
  _id: string;
  key: string;
  failures: number;
  windowStart: Millis;
  windowEnd: Millis;
}

/** A password reset token: single use, expiring. `_id` is the SHA-256 hex of the token mailed. */
export interface ResetToken {
  _id: string;
  kind: 'member' | 'staff';
  subject: string;
  createdAt: Millis;
  expiresAt: Millis;
  usedAt?: Millis;
}

export type CheckoutStatus = 'open' | 'pending' | 'paid' | 'failed' | 'closed';

/**
 * A visitor's checkout of one reserved order in the web store: which payment provider, its
 * reference, and whose browser it belongs to (`visitor`: SHA-256 hex of the visitor cookie, or
 * 'member:<id>'). Payments themselves are the sales service's (docs/sales.md).
 */
export interface Checkout extends Versioned {
  _id: string;
  orderId: string;
  registrarId: string;
  numberId: string;
  price: Money;
  visitor: string;
  status: CheckoutStatus;
  provider?: 'test' | 'bank-transfer';
  /** The provider's payment reference (bank transfer: the code the payer writes on the transfer). */
  reference?: string;
  memberId?: string;
  expiresAt: Millis;
  paidAt?: Millis;
  /** Why a payment failed or the checkout closed (the sales error code). */
  failure?: string;
}

/** A provider webhook event already handled: `_id` is `<provider>:<event id>`. */
export interface WebhookEvent {
  _id: string;
  at: Millis;
  type: string;
}

// --- the fee system: rate decks, accounts and ledger, routes, CDRs, settlement, rental --------
// docs/billing.md. Ledger amounts are integers in minor units of their currency (ISO 4217
// exponent); rates and fees are integers in micro-units of the minor unit (1e-6), so a rate of
// 0.0125 USD a minute is 1,250,000. Never floats.

/** Who money flows to or from: 'registrar:reg-a', 'gateway:gw-kr', 'carrier:car-uk', 'center:KR'. */
export type PartyKind = 'registrar' | 'gateway' | 'carrier' | 'center';

/** A rate deck: what a registrar's members pay (sell), or what a gateway or carrier charges us (cost). */
export interface RateDeck extends Versioned {
  /** `<party kind>.<party id>.<CURRENCY>`: one deck per party and currency ('gateway.gw-kr.KRW'). */
  _id: string;
  kind: 'sell' | 'cost';
  /** Party key ('registrar:reg-a' for a sell deck, 'gateway:gw-kr' or 'carrier:car-uk' for a cost deck). */
  party: string;
  /** The registrar a sell deck belongs to; null for the operator's cost decks. */
  registrarId: string | null;
  currency: string;
  name: string;
  /** Billing increments (seconds) of rows that give none. */
  defaults: { first: number; next: number };
  /** The revision whose chunks are the deck's rates (0: none yet). */
  revision: number;
  /** The last revision number handed to an import. */
  nextRevision: number;
  /** Rows of the current revision. */
  entries: number;
  importedAt?: Millis;
}

/** Up to 5,000 rows of one revision of a deck, as columns (FerretDB allows no arrays in arrays). */
export interface RateChunk {
  /** `${deckId}#${revision}#${n}` */
  _id: string;
  deckId: string;
  revision: number;
  n: number;
  createdAt: Millis;
  prefix: string[];
  name: string[];
  /** Price per minute, micro-units of the minor unit. */
  rate: number[];
  /** Connection fee, micro-units of the minor unit. */
  fee: number[];
  first: number[];
  next: number[];
  from: number[];
  /** End of validity (exclusive); null: open-ended. */
  until: (number | null)[];
}

/** A share of an account's funds granted to one holder (a redirector, a rent charge): docs/billing.md, "Leases and holds". */
export interface Lease {
  holder: string;
  /** Minor units still held (granted, less what CDRs released). */
  amount: number;
  /** Everything granted so far. */
  granted: number;
  /** The holder may authorize calls against it until then. */
  authUntil: Millis;
  /** The funds are held until then (calls authorized by authUntil end before it). */
  holdUntil: Millis;
  /** The holder returned its unused part; what is left is held for calls in progress. */
  returned?: true;
}

/** A member's account; `_id` is the member id. */
export interface Account extends Versioned {
  _id: string;
  registrarId: string;
  currency: string;
  mode: 'prepaid' | 'postpaid';
  /** Minor units a postpaid account may go below zero. */
  creditLimit: number;
  /** The last ledger sequence number handed out. */
  next: number;
  /** Ledger entries up to this sequence are folded into `balance`. */
  seq: number;
  /** next − seq: entries handed out and not folded yet (the ledger sweep finds accounts by it). */
  pending: number;
  /** Sum of the folded entries (minor units). */
  balance: number;
  /** balance + credit limit (postpaid) − Σ lease amounts: what may still be leased. */
  available: number;
  /** Lease id -> lease. */
  leases: Record<string, Lease>;
  /** How many leases the map holds (the lease sweep finds accounts with leases by it). */
  leaseCount: number;
}

export type LedgerKind =
  | 'topup'
  | 'refund'
  | 'adjustment'
  | 'charge'
  | 'call'
  | 'rental'
  | 'number-sale'
  | 'payment';

/** What a posting changes: the entry's content. */
export interface Posting {
  kind: LedgerKind;
  /** Signed minor units: credits positive, debits negative. */
  amount: number;
  currency: string;
  memo?: string;
  /** What it is about: a CDR id, an order id, a number. */
  ref?: string;
  /** Held funds this posting releases (a call's hold, a rent reservation). */
  release?: { lease: string; amount: number };
}

/** A posting's claim on its idempotency key, with the sequence number it was given. */
export interface PostingIntent {
  /** `${accountId}|${key}` */
  _id: string;
  accountId: string;
  key: string;
  /** Digest of the posting: the same key with another posting is refused. */
  hash: string;
  seq: number;
  posting: Posting;
  at: Millis;
}

/** One ledger entry; append-only. A `noop` entry fills a sequence number its writer never used. */
export interface LedgerEntry extends Partial<Posting> {
  /** `${accountId}:${seq as 12 digits}` */
  _id: string;
  accountId: string;
  seq: number;
  at: Millis;
  registrarId?: string;
  key?: string;
  /** Settlement period of the posting ('2026-01'). */
  period?: string;
  noop?: true;
}

/** The rate a route was authorized with, copied from its deck. */
export interface RateSnapshot {
  deck: string;
  revision: number;
  prefix: string;
  name: string;
  /** micro-units of the minor unit per minute */
  rate: number;
  /** micro-units of the minor unit */
  fee: number;
  first: number;
  next: number;
  currency: string;
}

/** A route the redirector authorized (written in batches): what its CDR is rated with. */
export interface CallRoute {
  _id: string;
  callId?: string;
  at: Millis;
  accountId: string;
  memberId: string;
  registrarId: string;
  caller: string;
  /** E.164 (or the emergency number dialed). */
  destination: string;
  emergency?: true;
  /** The lease the hold was taken from, and the hold (minor units). */
  lease?: string;
  hold: number;
  /**
   * JSON of the candidates (`RouteCandidate[]`): written once and read whole, so one string
   * keeps the write of a route cheap (the redirector logs one per call).
   */
  candidates: string;
}

/** A candidate of an authorized route: where it leads and the rates it was authorized with. */
export interface RouteCandidate {
  party: string;
  sell: RateSnapshot | null;
  cost: RateSnapshot | null;
  maxSeconds: number;
}

export type CdrDisposition = 'answered' | 'busy' | 'no-answer' | 'failed' | 'cancelled';
export type ReviewReason = 'no-route' | 'conflict' | 'over-max-duration' | 'wrong-party' | 'no-account';

/** A call detail record as received and rated. */
export interface CdrDoc {
  /** `${source}|${callId}`; a conflicting copy in review: `${source}|${callId}|${hash}`. */
  _id: string;
  /** Party key of the poster ('gateway:gw-kr'). */
  source: string;
  callId: string;
  routeId?: string;
  /** Digest of what the poster sent: the same CDR again is a duplicate, other content a conflict. */
  hash: string;
  start: Millis;
  answer?: Millis;
  end: Millis;
  disposition: CdrDisposition;
  receivedAt: Millis;
  status: 'rated' | 'review' | 'dismissed';
  review?: { reason: ReviewReason; detail: string; at: Millis; note?: string };
  accountId?: string;
  memberId?: string;
  registrarId?: string;
  destination?: string;
  /** Seconds from answer to end (whole, rounded up). */
  seconds: number;
  sell?: RateSnapshot | null;
  costRate?: RateSnapshot | null;
  /** Billed seconds and amounts (minor units) to the member and to the counterparty. */
  billedSeconds?: number;
  charge?: number;
  currency?: string;
  costSeconds?: number;
  cost?: number;
  costCurrency?: string;
  /** Settlement period it counts in. */
  period?: string;
  hold?: { lease: string; amount: number };
}

/** A settlement period ('2026-01', or '2026-01-31' with daily periods). */
export interface BillingPeriod {
  _id: string;
  status: 'open' | 'closing' | 'closed';
  closingAt?: Millis;
  closedAt?: Millis;
}

/** Totals of one currency in a statement. */
export interface StatementLine {
  currency: string;
  calls: number;
  answered: number;
  seconds: number;
  /** Minor units. */
  revenue: number;
  cost: number;
  margin: number;
}

/** The statement of a closed period, stored once; `_id` `${party}|${period}`. */
export interface StatementDoc {
  _id: string;
  party: string;
  period: string;
  lines: StatementLine[];
  /** Ledger totals by kind and currency (registrars): number sales, rent, top-ups ... */
  ledger: { kind: string; currency: string; amount: number; count: number }[];
  closedAt: Millis;
}

/** A registrar's number rental prices and life-cycle times; `_id` the registrar id. */
export interface RentalRules extends Versioned {
  _id: string;
  currency: string;
  /** Minor units per period, by kind; 0: no rent. */
  amounts: Record<NumberKind, number>;
  base: Array<{ country: string; kind: NumberKind; amount: number }>;
  graceMs: number;
  suspendMs: number;
  quarantineMs: number;
}

/** A rented number's billing state; `_id` is the number key. */
export interface Rental extends Versioned {
  _id: string;
  registrarId: string;
  memberId: string;
  amount: number;
  currency: string;
  state: 'active' | 'grace' | 'suspended';
  /** Rent is paid up to this time (the end of a period). */
  paidUntil: Millis;
  graceUntil?: Millis;
  releaseAt?: Millis;
  /** The member's DNS still has to follow the state (suspend or restore the number). */
  dns?: 'suspend' | 'restore';
}
