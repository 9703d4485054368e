// Every failure of the HTTP API becomes an RFC 9457 problem+json document with a stable `type`
// per kind of failure (documented in docs/api.md), a human `detail` that names what it is about,
// and for validation failures every offending field. Nothing else leaves the server on error:
// unexpected exceptions are logged with their stack and answered with a generic 500.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { StoreUnavailableError } from '#core';
import { issuesOf, type RegistryErrorCode } from '#registry';
import { fieldErrorsOf, registryProblem } from './registry-errors.ts';

/** Problem types are identifiers (RFC 9457 §3.1.1), not links: `.test` is reserved and never resolves. */
export const PROBLEM_BASE = 'https://callx.test/problems/';

export const PROBLEMS = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-request': { status: 400, title: 'The request cannot be parsed' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: 'This token may not do that' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed on this resource' },
  'already-exists': { status: 409, title: 'It exists already' },
  'version-mismatch': { status: 409, title: 'The resource changed since the version given in If-Match' },
  overlap: { status: 409, title: "It would overlap another registrar's name space or routes" },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'number-taken': { status: 409, title: 'The number is sold, assigned or held by another order' },
  'order-already-paid': { status: 409, title: 'The order is paid already' },
  'order-not-payable': { status: 409, title: 'The order can no longer be paid (expired or cancelled)' },
  'state-conflict': { status: 409, title: 'The order, number or member is not in a state that allows this' },
  'already-taken': {
    status: 409,
    title: 'The email address, domain name or SIP username belongs to another member',
  },
  'payment-mismatch': { status: 422, title: "The payment does not match the order's price" },
  'currency-mismatch': {
    status: 409,
    title: 'Amounts of two currencies met: the account, deck or posting is in another currency',
  },
  'insufficient-funds': { status: 409, title: "The account's available funds do not cover this" },
  unprocessable: { status: 422, title: 'The request is well-formed but cannot be applied' },
  'idempotency-key-in-use': {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed',
  },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for a different request' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Content-Type' },
  'rate-limited': { status: 429, title: 'Too many requests for this token' },
  'internal-error': { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'A service this request needs is unavailable' },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

export const typeOf = (kind: ProblemKind): string => `${PROBLEM_BASE}${kind}`;

export const FieldErrorSchema = z
  .object({
    location: z.enum(['body', 'query', 'path', 'header']).openapi({ description: 'Where the field is' }),
    pointer: z.string().openapi({
      description: 'JSON pointer (RFC 6901) into the body, or the name of the parameter',
      example: '/rrsets/0/records/1/content',
    }),
    detail: z.string().openapi({ example: "bad IPv4 address '192.0.2.300'" }),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_BASE}validation-failed` }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request path' }),
    errors: z
      .array(FieldErrorSchema)
      .optional()
      .openapi({ description: 'Every offending field (validation-failed)' }),
    code: z.string().optional().openapi({
      description:
        "The registry's machine-readable reason (e.g. email-taken, version-conflict); invalid-input for every validation failure",
    }),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details' });

export type FieldError = z.infer<typeof FieldErrorSchema>;
export type Problem = z.infer<typeof ProblemSchema>;

/** What a problem carries besides its kind and detail. */
export interface ProblemOptions {
  /** Every offending field (validation-failed). */
  errors?: FieldError[] | undefined;
  headers?: Record<string, string>;
  /** Extension members (RFC 9457 §3.2): `code`, `reason`, `retryAfter` ... */
  extra?: Record<string, unknown>;
}

/** A failure with its problem kind, thrown by handlers and middleware. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly kind: ProblemKind;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;
  constructor(kind: ProblemKind, detail: string, opts: ProblemOptions = {}) {
    super(detail);
    this.kind = kind;
    this.errors = opts.errors;
    this.headers = opts.headers ?? {};
    this.extra = opts.extra ?? {};
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json' as const;

export function problemResponse(
  c: Context,
  kind: ProblemKind,
  detail: string,
  opts: ProblemOptions = {},
): Response {
  const { status, title } = PROBLEMS[kind];
  const body: Problem = {
    ...opts.extra,
    type: typeOf(kind),
    title,
    status,
    detail,
    instance: c.req.path,
    ...(opts.errors?.length ? { errors: opts.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...opts.headers },
  });
}

const LOCATION = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'header',
} as const;

/** Every issue of a failed zod validation as field errors (the same reading as the registry's). */
export function fieldErrors(target: string, error: ZodError): FieldError[] {
  return fieldErrorsOf(LOCATION[target as keyof typeof LOCATION] ?? 'body', issuesOf(error));
}

/**
 * The zod-openapi hook: a failed validation becomes one problem with every offending field, and
 * the registry's code for it (most bodies and parameters are the registry's own input schemas).
 */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const errors = fieldErrors(result.target, result.error);
  const summary = errors.map((e) => `${e.pointer || e.location}: ${e.detail}`).join('; ');
  return problemResponse(
    c,
    'validation-failed',
    `invalid ${LOCATION[result.target as keyof typeof LOCATION] ?? result.target}: ${summary}`,
    { errors, extra: { code: 'invalid-input' satisfies RegistryErrorCode } },
  );
}

const HTTP_KIND: Record<number, ProblemKind> = {
  400: 'malformed-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

export interface ErrorLog {
  error(obj: object, msg: string): void;
}

/** The app's onError: any thrown value to a problem response, never with a stack trace. */
export function toProblem(err: unknown, c: Context, log: ErrorLog): Response {
  if (err instanceof ApiError) return problemResponse(c, err.kind, err.message, err);
  const registry = registryProblem(err, c.req.method);
  if (registry) return problemResponse(c, registry.kind, registry.detail, registry);
  if (err instanceof HTTPException) {
    const kind = HTTP_KIND[err.status] ?? (err.status >= 500 ? 'internal-error' : 'malformed-request');
    return problemResponse(c, kind, err.message || PROBLEMS[kind].title);
  }
  if (err instanceof StoreUnavailableError) {
    log.error({ err: err.message, path: c.req.path }, 'api: store unavailable');
    return problemResponse(c, 'unavailable', 'the registry store is unavailable; retry later', {
      headers: { 'retry-after': '5' },
    });
  }
  log.error({ err, method: c.req.method, path: c.req.path }, 'api: unexpected error');
  return problemResponse(c, 'internal-error', 'an unexpected error happened; it has been logged');
}

/** The declared response of a problem status, for the OpenAPI document. */
export interface ProblemResponse {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } };
}

/** Declared error responses of a route, for the OpenAPI document: one per status, keyed by it. */
export function problemResponses<S extends number>(...statuses: S[]): Record<S, ProblemResponse> {
  const entries = statuses.map((s): [S, ProblemResponse] => {
    const kinds = (Object.keys(PROBLEMS) as ProblemKind[]).filter((k) => PROBLEMS[k].status === s);
    return [
      s,
      {
        description: kinds.map((k) => `${PROBLEMS[k].title} (${typeOf(k)})`).join('; ') || 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ];
  });
  // a record of exactly the statuses given (Object.fromEntries types its keys as string)
  return Object.fromEntries(entries) as Record<S, ProblemResponse>;
}
