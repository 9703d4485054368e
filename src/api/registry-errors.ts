// The registry's errors as problem kinds, in one table: every RegistryError code (one code set
// for every service, src/registry/kernel/errors.ts) has exactly one problem kind here. The
// registry proposes no status; the API decides, so every route answers alike (a version
// conflict is 409, as every conflict of this API is: docs/api.md).
import { type InputIssue, RegistryError, type RegistryErrorCode } from '#registry';
import type { FieldError, ProblemKind } from './errors.ts';

export const REGISTRY_PROBLEMS: Record<RegistryErrorCode, ProblemKind> = {
  'invalid-input': 'validation-failed',
  'bad-cursor': 'validation-failed',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  exists: 'already-exists',
  overlap: 'overlap',
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
  'no-center': 'conflict',
  'verification-required': 'state-conflict',
  'verification-failed': 'unprocessable',
  unavailable: 'unavailable',
  'currency-mismatch': 'currency-mismatch',
  'insufficient-funds': 'insufficient-funds',
  'key-reused': 'idempotency-key-reused',
  'period-closed': 'state-conflict',
  'review-state': 'state-conflict',
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
  /** Members of the problem besides the standard ones: the registry's `code` and its details. */
  extra: Record<string, unknown>;
}

/**
 * The problem a registry error becomes, or null for any other error. Its fields are query
 * parameters on reads (GET) and body fields on writes; it adds its `code` and its details.
 */
export function registryProblem(err: unknown, method: string): RegistryProblem | null {
  if (!(err instanceof RegistryError)) return null;
  return {
    kind: REGISTRY_PROBLEMS[err.code],
    detail: err.message,
    errors: fieldErrorsOf(method === 'GET' || method === 'HEAD' ? 'query' : 'body', err.issues),
    extra: { ...err.details, code: err.code },
  };
}
