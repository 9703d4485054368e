// Bearer-token authentication and the per-token rate limit for /v1/*.
import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '#metrics';
import type { AuthService, Principal } from '#registry';
import type { Env } from './context.ts';
import { ApiError } from './errors.ts';
import type { RateLimiter } from './ratelimit.ts';

const REALM = 'callx';

export function authMiddleware(
  auth: AuthService,
  limiter: RateLimiter,
  metrics: Metrics,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const m = header ? /^Bearer[ ]+([\x21-\x7e]+)\s*$/i.exec(header) : null;
    if (!m)
      throw new ApiError(
        'unauthorized',
        header
          ? 'Authorization: expected "Bearer <token>"'
          : 'no Authorization header: send "Authorization: Bearer <token>"',
        { headers: { 'www-authenticate': `Bearer realm="${REALM}"` } },
      );
    const who = await auth.authenticate(m[1]!);
    if (!who)
      throw new ApiError('unauthorized', 'the bearer token is unknown or revoked', {
        headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token"` },
      });
    const rate = limiter.take(who.tokenId);
    const headers = {
      'ratelimit-limit': String(rate.limit),
      'ratelimit-remaining': String(rate.remaining),
      'ratelimit-reset': String(rate.reset),
    };
    if (!rate.allowed) {
      metrics.http.rateLimited();
      throw new ApiError(
        'rate-limited',
        `this token is limited to ${rate.limit} requests a minute; retry in ${rate.retryAfter} s`,
        {
          headers: { 'retry-after': String(rate.retryAfter), ...headers },
          extra: { retryAfter: rate.retryAfter },
        },
      );
    }
    c.set('auth', who);
    await next();
    // After the handler, so problem answers (validation, not found, conflicts) carry them too.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}

/** The acting principal: what services take. */
export function principalOf(c: { get(key: 'auth'): Env['Variables']['auth'] }): Principal {
  return c.get('auth').principal;
}
