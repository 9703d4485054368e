// Typed errors of the sales and members services (the domain layer). `code` is for programs (the HTTP API maps it
// to a status and a problem+json type); `message` is one line for people that says where the
// error comes from and names the identifier ("registry: sales: order o_...: already paid").
import type { z } from 'zod';

export const DOMAIN_ERROR_CODES = [
  /** The input failed validation; `issues` lists each field and what is wrong with it. */
  'invalid-input',
  /** No such number, order or member — or it belongs to another registrar (never revealed). */
  'not-found',
  /** The principal may not act for that registrar. */
  'forbidden',
  /** The document moved on since `expectedVersion` (the ETag): read it again. */
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
  /** The order can no longer be paid (expired, cancelled, its number gone); a payment is marked for refund. */
  'order-not-payable',
  /** The order is not in a state that allows this (cancel a paid order, assign an unpaid one). */
  'order-state',
  /** The number is not in a state that allows this (release a number that is not sold). */
  'number-state',
  /** A VNS base can only belong to a company. */
  'member-type',
  /** The member is being deleted. */
  'member-deleting',
  /** A pagination cursor that is malformed or belongs to another query. */
  'bad-cursor',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** The HTTP status each code maps to (problem+json `status`). */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
  'invalid-input': 400,
  'bad-cursor': 400,
  forbidden: 403,
  'not-found': 404,
  'version-conflict': 412,
  'email-taken': 409,
  'domain-taken': 409,
  'username-taken': 409,
  'payment-reference-reused': 409,
  'already-paid': 409,
  'order-not-payable': 409,
  'order-state': 409,
  'number-state': 409,
  'member-deleting': 409,
  'amount-mismatch': 422,
  'member-type': 422,
};

export interface InputIssue {
  /** Dotted path of the field ('personal.birthDate', 'numbers.3'); '' for the whole input. */
  path: string;
  /** The same as a JSON pointer (RFC 6901) into the input: '/personal/birthDate'. */
  pointer: string;
  message: string;
}

const pointerOf = (path: readonly PropertyKey[]): string =>
  path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** An issue about one field. */
export const issue = (path: string, message: string): InputIssue => ({
  path,
  pointer: path === '' ? '' : pointerOf(path.split('.')),
  message,
});

export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly status: number;
  readonly issues: InputIssue[];
  /** Machine-readable facts for the client (current version, order status, refund due ...). */
  readonly details: Record<string, unknown>;

  constructor(
    code: DomainErrorCode,
    message: string,
    extra: { issues?: InputIssue[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.code = code;
    this.status = DOMAIN_ERROR_STATUS[code];
    this.issues = extra.issues ?? [];
    this.details = extra.details ?? {};
  }
}

/** Zod issues as InputIssues: 'path: message'. */
export function issuesOf(err: z.ZodError): InputIssue[] {
  return err.issues.map((i) => {
    // unrecognized_keys names the keys in `keys`, not in the path
    const keys = (i as { keys?: string[] }).keys;
    const path = keys?.length ? [...i.path, keys.join(',')] : i.path;
    return { path: path.map(String).join('.'), pointer: pointerOf(path), message: i.message };
  });
}

/**
 * Validates `input` with `schema`; a failure is a DomainError('invalid-input') whose message
 * names `where` and the first problem, and whose `issues` list all of them.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = issuesOf(r.error);
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new DomainError(
    'invalid-input',
    `${where}: ${first.path === '' ? '' : `${first.path}: `}${first.message}${more}`,
    { issues },
  );
}
