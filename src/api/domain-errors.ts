// The registry services' errors as problem kinds, in one table: ServiceError (registrars and
// tokens, routing data, zones) and DomainError (sales and members). The services propose no
// status the API must follow; the API decides, so every route answers alike (a version conflict
// is 409 here, as every conflict of this API is: docs/api.md).
import {
  DomainError,
  type DomainErrorCode,
  type InputIssue,
  ServiceError,
  type ServiceErrorCode,
} from '#registry';
import type { FieldError, ProblemKind } from './errors.ts';

const KIND: Record<ServiceErrorCode | DomainErrorCode, ProblemKind> = {
  invalid: 'validation-failed',
  'invalid-input': 'validation-failed',
  'bad-cursor': 'validation-failed',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  exists: 'already-exists',
  overlap: 'overlap',
  'version-mismatch': 'version-mismatch',
  'version-conflict': 'version-mismatch',
  'email-taken': 'already-taken',
  'domain-taken': 'already-taken',
  'username-taken': 'already-taken',
  'payment-reference-reused': 'conflict',
  'already-paid': 'order-already-paid',
  'order-not-payable': 'order-not-payable',
  'order-state': 'state-conflict',
  'number-state': 'state-conflict',
  'member-deleting': 'state-conflict',
  'amount-mismatch': 'payment-mismatch',
  'member-type': 'unprocessable',
};

/** Field issues at `location`: a JSON pointer into the body, else the parameter's dotted name. */
export function fieldErrorsOf(location: FieldError['location'], issues: readonly InputIssue[]): FieldError[] {
  return issues.map((i) => ({
    location,
    pointer: location === 'body' ? i.pointer : i.path,
    detail: i.message,
  }));
}

export interface RegistryProblem {
  kind: ProblemKind;
  detail: string;
  errors: FieldError[];
  /** Members of the problem besides the standard ones: the domain `code` and its details. */
  extra: Record<string, unknown>;
}

/**
 * The problem a registry error becomes, or null for any other error. A DomainError's fields are
 * query parameters on reads and body fields on writes, and it adds its `code` and details; a
 * ServiceError's fields are always body pointers.
 */
export function registryProblem(err: unknown, method: string): RegistryProblem | null {
  if (err instanceof ServiceError)
    return {
      kind: KIND[err.code],
      detail: err.message,
      errors: err.fields.map((f) => ({ location: 'body', pointer: f.pointer, detail: f.detail })),
      extra: {},
    };
  if (err instanceof DomainError)
    return {
      kind: KIND[err.code],
      detail: err.message,
      errors: fieldErrorsOf(method === 'GET' ? 'query' : 'body', err.issues),
      extra: { ...err.details, code: err.code },
    };
  return null;
}
