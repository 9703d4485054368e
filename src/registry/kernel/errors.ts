// The one error of the registry services. `code` is for programs — one set for every service,
// which front ends map to their own answers (the HTTP API: src/api/registry-errors.ts); the
// registry proposes no HTTP status. `message` is one line for people that says where and names
// the identifier ("registry: sales: pay order o_…: order o_… is expired"). `issues` lists every
// offending field of invalid input; `details` carries machine-readable facts.
import type { InputIssue } from './input.ts';

export const REGISTRY_ERROR_CODES = [
  /** The input failed validation; `issues` lists each field and what is wrong with it. */
  'invalid-input',
  /** A pagination cursor that is malformed, or belongs to another list or query. */
  'bad-cursor',
  /** The principal may see it but not do this (a registrar creating registrars, writing routing data, acting for another registrar). */
  'forbidden',
  /** No such thing — or it belongs to another registrar (never revealed). */
  'not-found',
  /** Something with this identifier exists already (registrar, zone, country, gateway, carrier). */
  'exists',
  /** A zone would be, contain or lie inside another registrar's or the operator's name space. */
  'overlap',
  /** The document moved on since the version the caller named (If-Match, `expectedVersion`): read it again. */
  'version-conflict',
  'email-taken',
  'domain-taken',
  'username-taken',
  /** The paid amount is not the order's price. */
  'amount-mismatch',
  /** The payment reference was used before for another order or amount. */
  'payment-reference-reused',
  /** The order was paid by another payment; this payment is marked for refund. */
  'already-paid',
  /** The order can no longer be paid (expired, cancelled, its number gone); the payment is marked for refund. */
  'order-not-payable',
  /** The order is not in a state that allows this (cancel a paid order, assign an unpaid one). */
  'order-state',
  /** The number is not in a state that allows this (release a reserved number). */
  'number-state',
  /** A VNS base can only belong to a company. */
  'member-type',
  /** The member is being deleted. */
  'member-deleting',
  /** The country has no call center, so calls to the number, member or branch would reach nobody (`details.country`). */
  'no-center',
  /** The order is waiting for proof that the buyer holds the PIN's line (docs/sales.md, "Proof of ownership"). */
  'verification-required',
  /** The verification code is wrong, expired or was tried too often. */
  'verification-failed',
  /** A service the registry needs to decide (DNS) did not answer; try again. */
  'unavailable',
  /** Amounts of two currencies met: an account, a deck or a posting in another currency (docs/billing.md). */
  'currency-mismatch',
  /** The account's available funds do not cover this debit. */
  'insufficient-funds',
  /** The idempotency key was used before for a different posting. */
  'key-reused',
  /** The settlement period is closed (or closing): its statements no longer change. */
  'period-closed',
  /** The CDR in review is not in a state that allows this (resolved already). */
  'review-state',
] as const;

export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly issues: InputIssue[];
  /** Machine-readable facts for the client (current version, order status, refund due ...). */
  readonly details: Record<string, unknown>;

  constructor(
    code: RegistryErrorCode,
    message: string,
    extra: { issues?: InputIssue[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.code = code;
    this.issues = extra.issues ?? [];
    this.details = extra.details ?? {};
  }
}
