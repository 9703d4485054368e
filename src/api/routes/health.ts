// Operational endpoints, no token needed: liveness, readiness, Prometheus metrics.
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp, Services } from '../context.ts';
import { json } from '../schemas.ts';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadySchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.boolean()).openapi({ example: { store: true, zones: true } }),
    detail: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description:
          'What operators should know that fails no check, e.g. countries without an emergency route',
        example: { sip_emergency: { missing: ['US'] } },
      }),
  })
  .openapi('Readiness');

const READY_TIMEOUT_MS = 2_000;

/** A check that does not answer in time counts as failed, so /readyz itself never hangs. */
async function within<T>(p: Promise<T> | T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(p), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: json(HealthSchema, 'Alive') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['operations'],
      summary: 'Readiness: the store answers and the other checks (zones loaded) pass',
      responses: {
        200: json(ReadySchema, 'Ready'),
        503: json(ReadySchema, 'Not ready; `checks` says what failed'),
      },
    }),
    async (c) => {
      const checks: Record<string, boolean> = {};
      try {
        await within(s.store.ping(), READY_TIMEOUT_MS);
        checks.store = true;
      } catch (err) {
        checks.store = false;
        s.logger.warn({ err: (err as Error).message }, 'api: readyz: store not reachable');
      }
      if (s.readiness) {
        try {
          Object.assign(checks, await within(s.readiness(), READY_TIMEOUT_MS));
        } catch (err) {
          checks.dependencies = false;
          s.logger.warn({ err: (err as Error).message }, 'api: readyz: readiness check failed');
        }
      }
      const ready = Object.values(checks).every(Boolean);
      const detail = s.readinessDetail?.() ?? {};
      const extra = Object.keys(detail).length > 0 ? { detail } : {};
      c.header('cache-control', 'no-store');
      return ready
        ? c.json({ status: 'ready' as const, checks, ...extra }, 200)
        : c.json({ status: 'not-ready' as const, checks, ...extra }, 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (text format 0.0.4): HTTP, DNS and SIP counters and latency histograms',
      responses: {
        200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
      },
    }),
    async (c) => {
      const text = await s.metrics.text();
      return c.text(text, 200, { 'content-type': s.metrics.contentType });
    },
  );
}
