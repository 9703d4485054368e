// The sales and members services' DomainErrors as problem kinds. The domain layer proposes a
// status per code; the API decides, so every route answers alike (a version conflict is 409
// here, as every conflict of this API is: docs/api.md).
import { DomainError, type DomainErrorCode } from '../registry/sales/index.ts';
import type { DomainErrorMapper, FieldError, ProblemKind } from './errors.ts';

const KIND: Record<DomainErrorCode, ProblemKind> = {
  'invalid-input': 'validation-failed',
  'bad-cursor': 'validation-failed',
  forbidden: 'forbidden',
  'not-found': 'not-found',
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

/** Where a request's fields are: query parameters for reads, the body for writes. */
export function domainErrorMapper(
  location: (method: string) => FieldError['location'],
): (method: string) => DomainErrorMapper {
  return (method) => (err) => {
    if (!(err instanceof DomainError)) return null;
    const loc = location(method);
    const errors: FieldError[] = err.issues.map((i) => ({
      location: loc,
      pointer: loc === 'body' ? i.pointer : i.path,
      detail: i.message,
    }));
    return { kind: KIND[err.code], detail: err.message, code: err.code, errors, extra: err.details };
  };
}

export const mapDomainError = domainErrorMapper((method) => (method === 'GET' ? 'query' : 'body'));
