// Collections and their indexes, created by Store.ensureSchema at start (openStore).
// Indexes are never unique (uniqueness is by `_id`, docs/registry.md). An index on a path that
// crosses an array (members' numbers.e164) would not help the embedded store, so look-ups by
// such values go through a document keyed by the value instead (inventory, claims).

import type { IndexSpec } from '#core';
import { COLLECTIONS } from '#core';

const ix = (...fields: string[]): IndexSpec => ({
  fields: Object.fromEntries(fields.map((f) => [f, 1 as const])),
});

/** Collections whose documents are visible in DNS: the publisher writes them, the sweep scans them. */
export const PUBLISHED_COLLECTIONS = [
  COLLECTIONS.countries,
  COLLECTIONS.gateways,
  COLLECTIONS.carriers,
  COLLECTIONS.members,
  COLLECTIONS.zones,
  COLLECTIONS.rrsets,
] as const;

/** Published documents carry `publishPendingAt` while a journal entry may be missing (publisher sweep). */
const pending = ix('publishPendingAt');

export const SCHEMA: Record<string, IndexSpec[]> = {
  [COLLECTIONS.registrars]: [],
  [COLLECTIONS.tokens]: [ix('registrarId'), ix('party')],
  [COLLECTIONS.countries]: [ix('callingCode'), pending],
  [COLLECTIONS.gateways]: [ix('registrarId'), pending],
  [COLLECTIONS.carriers]: [ix('registrarId'), pending],
  // keyed by country|kind|gram|digits: a gram's numbers are an _id range in digit order
  [COLLECTIONS.numberGrams]: [],
  [COLLECTIONS.numbers]: [
    // Sales search: country, kind, status, then digits (pattern prefix or sort).
    ix('country', 'kind', 'status', 'digits'),
    // Expiry of reservations.
    ix('status', 'reservation.expiresAt'),
    ix('registrarId', 'status'),
    ix('ownerMemberId'),
    // Sales search by price range; the sales sweep's half-done sales and releases.
    ix('country', 'kind', 'status', 'price.amount'),
    ix('status', 'updatedAt'),
    // the web CRM: numbers sold and churned per registrar
    ix('registrarId', 'lastReleasedAt'),
  ],
  [COLLECTIONS.orders]: [
    ix('registrarId', 'createdAt'),
    ix('status', 'expiresAt'),
    ix('numberId'),
    ix('memberId'),
    // the fee system posts paid orders to the ledger (docs/billing.md, "Number sales")
    ix('status', 'updatedAt'),
  ],
  [COLLECTIONS.payments]: [ix('orderId'), ix('registrarId', 'at')],
  [COLLECTIONS.priceRules]: [],
  // sip.username: the SIP registrar's credential look-up; deleting: the members sweep.
  [COLLECTIONS.members]: [
    ix('registrarId'),
    ix('email'),
    ix('domain'),
    ix('sip.username'),
    ix('deleting'),
    pending,
  ],
  [COLLECTIONS.claims]: [ix('ownerId')],
  [COLLECTIONS.zones]: [ix('registrarId'), pending],
  [COLLECTIONS.rrsets]: [ix('zone', 'name'), pending],
  // identities is an array: a multikey index on MongoDB; the embedded store scans bindings.
  [COLLECTIONS.bindings]: [ix('memberId'), ix('expiresAt'), ix('identities')],
  [COLLECTIONS.idempotency]: [ix('createdAt')],
  [COLLECTIONS.journal]: [],
  [COLLECTIONS.counters]: [],
  [COLLECTIONS.tombstones]: [],
  [COLLECTIONS.secrets]: [],
  // the web (docs/web.md)
  [COLLECTIONS.logins]: [ix('memberId')],
  [COLLECTIONS.staff]: [ix('registrarId')],
  [COLLECTIONS.sessions]: [ix('subject'), ix('expiresAt')],
  [COLLECTIONS.throttles]: [ix('windowEnd'), ix('key')],
  [COLLECTIONS.resetTokens]: [ix('expiresAt')],
  [COLLECTIONS.checkouts]: [ix('orderId'), ix('registrarId', 'status'), ix('status', 'expiresAt')],
  [COLLECTIONS.webhookEvents]: [ix('at')],
  [COLLECTIONS.policies]: [],
  // old windows are deleted by rule and window index (src/sip/trust/limits.ts)
  [COLLECTIONS.rateWindows]: [ix('rule', 'w')],
  // the fee system (docs/billing.md)
  [COLLECTIONS.rateDecks]: [ix('party'), ix('registrarId')],
  [COLLECTIONS.rateChunks]: [ix('deckId', 'revision', 'n'), ix('createdAt')],
  [COLLECTIONS.accounts]: [ix('registrarId'), ix('leaseCount'), ix('pending')],
  [COLLECTIONS.ledger]: [ix('accountId', 'seq'), ix('registrarId', 'period')],
  [COLLECTIONS.postings]: [ix('accountId', 'seq')],
  [COLLECTIONS.callRoutes]: [ix('callId'), ix('at')],
  [COLLECTIONS.cdrs]: [
    ix('status', 'receivedAt'),
    ix('source', 'period'),
    ix('registrarId', 'period'),
    ix('accountId', 'end'),
    ix('receivedAt'),
    // one call per route and counterparty (src/registry/billing/cdrs.ts)
    ix('routeId', 'source'),
  ],
  [COLLECTIONS.billingPeriods]: [ix('status')],
  [COLLECTIONS.statements]: [],
  [COLLECTIONS.rentalRules]: [],
  [COLLECTIONS.rentals]: [ix('state', 'paidUntil'), ix('memberId', 'state'), ix('dns')],
};
