// Errors of the registry services over HTTP-managed data (registrars and tokens, routing data,
// zones and record sets). Each carries a machine-readable `code` that the HTTP API maps to a
// status and a problem type (src/api/errors.ts), and a message that names what it is about.

export type ServiceErrorCode =
  /** The thing does not exist, or the principal may not see it (never tell which). */
  | 'not-found'
  /** The principal may see it but not do this (a registrar calling an admin-only operation). */
  | 'forbidden'
  /** Something with this identifier exists already. */
  | 'exists'
  /** The document moved on since the version the caller named (If-Match). */
  | 'version-mismatch'
  /** A zone or name would fall inside, or swallow, someone else's zone. */
  | 'overlap'
  /** Semantically invalid input the request schema cannot catch (a record that fails to parse). */
  | 'invalid';

export interface FieldProblem {
  /** JSON pointer into the request body ('/rrsets/0/records/1/content'). */
  pointer: string;
  detail: string;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly code: ServiceErrorCode;
  readonly fields: FieldProblem[];
  constructor(code: ServiceErrorCode, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}
