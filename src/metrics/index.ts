// Prometheus metrics for the three front-ends (HTTP API, DNS, SIP) in one prom-client registry
// per process. Each server takes the hooks it needs as a dependency (`metrics.http`,
// `metrics.dns`, `metrics.sip`), so nothing reaches for prom-client's global registry and tests
// get a registry of their own. Label values are bounded sets (route patterns, not URLs; rcode
// names; SIP status codes), so the series count stays small whatever clients send.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { createDnsMetrics } from './dns.ts';
import { createSipMetrics } from './sip.ts';
import type { Metrics, MetricsOptions } from './types.ts';

export type {
  DnsLimitsSample,
  DnsMetrics,
  HttpMetrics,
  Metrics,
  MetricsOptions,
  SipHealthSample,
  SipMetrics,
  SipTable,
} from './types.ts';
export { SIP_CALLER_KINDS, SIP_REFUSALS } from './types.ts';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// Methods outside this list are counted as OTHER, so a client inventing methods adds no series.
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const bounded = (allowed: Set<string>, value: string): string => {
  const v = value.toUpperCase();
  return allowed.has(v) ? v : 'OTHER';
};

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const prefix = opts.prefix ?? 'callx_';
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const reg = { registers: [registry] };

  const httpRequests = new Counter({
    name: `${prefix}http_requests_total`,
    help: 'HTTP API requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    ...reg,
  });
  const httpDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP API request latency by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: HTTP_BUCKETS,
    ...reg,
  });
  const httpLimited = new Counter({
    name: `${prefix}http_rate_limited_total`,
    help: 'HTTP API requests refused with 429 by the per-token rate limit',
    ...reg,
  });

  const dns = createDnsMetrics(registry, prefix);
  const sip = createSipMetrics(registry, prefix);

  const statusLabel = (s: number): string =>
    Number.isInteger(s) && s >= 100 && s <= 699 ? String(s) : 'other';

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    http: {
      observe(method, route, status, seconds) {
        const m = bounded(HTTP_METHODS, method);
        httpRequests.inc({ method: m, route, status: statusLabel(status) });
        httpDuration.observe({ method: m, route }, seconds);
      },
      rateLimited() {
        httpLimited.inc();
      },
    },
    dns,
    sip,
  };
}
