// The createRoute of every /v1 endpoint: the bearer scheme, one tag, and the problem responses
// every authenticated route can give (400, 401, 429; 413 and 415 when it takes a body) are added
// here, so a route module states only its own request, responses and errors. The route keeps
// its exact type (request schemas, response statuses and bodies), so `app.openapi(route,
// handler)` checks what the handler reads and answers.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { problemResponses } from './errors.ts';

export const SECURITY = [{ bearer: [] as string[] }];

/** The error responses every authenticated route can give. */
export const AUTH_ERRORS = [400, 401, 429] as const;
/** ... and every route that takes a body. */
export const BODY_ERRORS = [413, 415] as const;

export type Tag = 'registrars' | 'zones' | 'routing' | 'sales' | 'members' | 'resolve' | 'billing';

type V1Input = Omit<RouteConfig, 'tags' | 'security' | 'summary'> & {
  tag: Tag;
  summary: string;
  /** Statuses of the route's own problem responses (404, 409, ...). */
  errors?: readonly number[];
};

/** The problem statuses v1Route declares for a route, as a type (the same rule as at run time). */
type ProblemStatus<R> =
  | (typeof AUTH_ERRORS)[number]
  | (R extends { errors: readonly (infer S extends number)[] } ? S : never)
  | (R extends { request: { body: object } } ? (typeof BODY_ERRORS)[number] : never);

/** `o[k]` with the type `T[K]` (a property read of a generic object is typed by its constraint). */
const prop = <T, K extends keyof T>(o: T, k: K): T[K] => o[k];
const merge = <A extends object, B extends object>(a: A, b: B): A & B => ({ ...a, ...b });

export function v1Route<const R extends V1Input>(r: R) {
  const { tag, errors = [], responses: _, ...rest } = r;
  const statuses: number[] = [...AUTH_ERRORS, ...errors, ...(r.request?.body ? BODY_ERRORS : [])];
  return createRoute({
    ...rest,
    tags: [tag],
    security: SECURITY,
    // problems last: their order in the OpenAPI document
    responses: merge(
      prop(r, 'responses'),
      problemResponses<ProblemStatus<R>>(...(statuses as ProblemStatus<R>[])),
    ),
  });
}
