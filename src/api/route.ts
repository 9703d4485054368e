// The createRoute of every /v1 endpoint: the bearer scheme, one tag, and the problem responses
// every authenticated route can give (400, 401, 429; 413 and 415 when it takes a body) are added
// here, so a route module states only its own request, responses and errors.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { problemResponses } from './errors.ts';

export const SECURITY = [{ bearer: [] as string[] }];

/** The error responses every authenticated route can give. */
export const AUTH_ERRORS = [400, 401, 429] as const;
/** ... and every route that takes a body. */
export const BODY_ERRORS = [413, 415] as const;

export type Tag = 'registrars' | 'zones' | 'routing' | 'sales' | 'members' | 'resolve';

type V1Input = Omit<RouteConfig, 'tags' | 'security' | 'summary'> & {
  tag: Tag;
  summary: string;
  /** Statuses of the route's own problem responses (404, 409, ...). */
  errors?: readonly number[];
};

type V1Route<R extends V1Input> = Omit<R, 'tag' | 'errors' | 'responses'> & {
  tags: Tag[];
  security: typeof SECURITY;
  responses: R['responses'] & ReturnType<typeof problemResponses>;
};

export function v1Route<P extends string, R extends V1Input & { path: P }>(r: R) {
  const { method, path, tag, summary, description, request, responses, errors = [], ...rest } = r;
  const statuses = [...AUTH_ERRORS, ...errors, ...(request?.body ? BODY_ERRORS : [])];
  // Key order is the operation's key order in the OpenAPI document.
  return createRoute({
    method,
    path,
    tags: [tag],
    summary,
    ...(description === undefined ? {} : { description }),
    security: SECURITY,
    ...rest,
    ...(request === undefined ? {} : { request }),
    responses: { ...responses, ...problemResponses(...statuses) },
  } as unknown as V1Route<R>);
}
