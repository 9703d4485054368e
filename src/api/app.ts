// The hono app: middleware (metrics and access log, problem+json errors, bearer auth and rate
// limit, body limit), every route module, the OpenAPI document and Swagger UI.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { DEFAULT_BILLING } from '#registry';
import { authMiddleware } from './auth.ts';
import type { ApiApp, Env, Services } from './context.ts';
import { ApiError, problemResponse, toProblem, validationHook } from './errors.ts';
import { registerOpenApiRoutes } from './openapi.ts';
import { createRateLimiter } from './ratelimit.ts';
import { checkResponse, type RouteTable, routeTable } from './responses.ts';
import { registerRoutes } from './routes/index.ts';
import { storeGate } from './store-gate.ts';

/** PUT /v1/billing/decks/{id}/rates: the one route whose body may exceed CALLX_HTTP_BODY_LIMIT. */
const DECK_IMPORT = /^\/v1\/billing\/decks\/[^/]+\/rates$/;

export interface AppOptions {
  /** Check every JSON response against its declared schema (tests); a mismatch is a 500 and an error log. */
  validateResponses?: boolean;
}

/** The route pattern a request matched, OpenAPI style ('/v1/zones/{apex}'), for metrics and logs. */
function routeLabel(c: Context): string {
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
  return handler ? handler.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}') : 'unmatched';
}

export function createApp(s: Services, opts: AppOptions = {}): ApiApp {
  const app: ApiApp = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const log = s.logger.child({ component: 'api' });
  const limiter = createRateLimiter(s.config.http.rateLimit, s.clock);
  // Set once every route is registered (below); the middleware reads it per request.
  let routes: RouteTable;

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    s.metrics.http.observe(c.req.method, route, c.res.status, seconds);
    c.header('x-content-type-options', 'nosniff');
    if (c.req.path.startsWith('/v1/') && !c.res.headers.has('cache-control'))
      c.header('cache-control', 'no-store');
    log.debug(
      { method: c.req.method, path: c.req.path, route, status: c.res.status, ms: seconds * 1000 },
      'api: request',
    );
  });

  app.onError((err, c) => toProblem(err, c, log));
  app.notFound((c) => {
    const allowed = routes.allowedMethods(c.req.path);
    if (allowed.length)
      return problemResponse(
        c,
        'method-not-allowed',
        `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}`,
        {
          headers: { allow: allowed.join(', ') },
        },
      );
    return problemResponse(c, 'not-found', `no resource at ${c.req.path}`);
  });

  app.use('/v1/*', storeGate(s.store));
  app.use('/v1/*', authMiddleware(s.auth, limiter, s.metrics));
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError('payload-too-large', `the request body is larger than ${maxSize} bytes`);
      },
    });
  const normal = limit(s.config.http.bodyLimit);
  // rate decks are large CSV files (100,000 prefixes: ~5 MB): their import has a limit of its own
  const decks = limit(s.config.billing?.importLimit ?? DEFAULT_BILLING.importLimit);
  app.use('*', (c, next) => (DECK_IMPORT.test(c.req.path) ? decks(c, next) : normal(c, next)));

  if (opts.validateResponses) {
    app.use('*', async (c, next) => {
      await next();
      const problem = await checkResponse(routes, c);
      if (problem) {
        log.error(
          { method: c.req.method, path: c.req.path, problem },
          'api: response does not match its schema',
        );
        c.res = problemResponse(
          c,
          'internal-error',
          `response does not match its declared schema: ${problem}`,
        );
      }
    });
  }

  registerOpenApiRoutes(app);
  registerRoutes(app, s);
  routes = routeTable(app);
  return app;
}
