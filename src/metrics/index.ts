// Prometheus metrics for the three front-ends (HTTP API, DNS, SIP) in one prom-client registry
// per process. Each server takes the hooks it needs as a dependency (`metrics.http`,
// `metrics.dns`, `metrics.sip`), so nothing reaches for prom-client's global registry and tests
// get a registry of their own. Label values are bounded sets (route patterns, not URLs; rcode
// names; SIP status codes), so the series count stays small whatever clients send.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: DNS and SIP answer in well under a millisecond, HTTP in milliseconds. */
const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HttpMetrics {
  /** One finished request: `route` is the matched route pattern ('/v1/zones/{apex}'), never the raw path. */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** A request refused by the rate limiter. */
  rateLimited(): void;
}

export interface DnsMetrics {
  /** One answered query. `transport` udp|tcp; `rcode` a name (NOERROR, NXDOMAIN, ...); `qtype` a mnemonic. */
  query(transport: 'udp' | 'tcp', qtype: string, rcode: string, seconds: number): void;
  /** A zone transfer served (`kind` AXFR or IXFR, `outcome` ok|refused|error). */
  transfer(kind: 'AXFR' | 'IXFR', outcome: string): void;
  /** The journal position applied by this node, and its lag behind the writer (seconds). */
  journal(position: number, lagSeconds: number): void;
}

export interface SipMetrics {
  /** One answered request: `method` INVITE/OPTIONS/REGISTER/...; `status` the final status code. */
  request(method: string, status: number, seconds: number): void;
  /** One DNS look-up made by the redirector (`outcome` answer|nxdomain|nodata|timeout|error, `cached`). */
  lookup(outcome: string, cached: boolean, seconds: number): void;
}

export interface Metrics {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly dns: DnsMetrics;
  readonly sip: SipMetrics;
  /** The Content-Type of `text()`: Prometheus text format 0.0.4. */
  readonly contentType: string;
  /** Everything in the Prometheus text exposition format. */
  text(): Promise<string>;
}

export interface MetricsOptions {
  /** Prefix of every metric name; default 'callx_'. */
  prefix?: string;
  /** Add Node's process metrics (CPU, memory, event-loop lag, GC); default true. */
  processMetrics?: boolean;
}

// Methods outside this list are counted as OTHER, so a client inventing methods adds no series.
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SIP_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'SUBSCRIBE', 'NOTIFY']);
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

  const dnsQueries = new Counter({
    name: `${prefix}dns_queries_total`,
    help: 'DNS queries answered by transport, query type and rcode',
    labelNames: ['transport', 'qtype', 'rcode'] as const,
    ...reg,
  });
  const dnsDuration = new Histogram({
    name: `${prefix}dns_query_duration_seconds`,
    help: 'DNS answer latency (parse to send) by transport',
    labelNames: ['transport'] as const,
    buckets: FAST_BUCKETS,
    ...reg,
  });
  const dnsTransfers = new Counter({
    name: `${prefix}dns_transfers_total`,
    help: 'Zone transfers served by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    ...reg,
  });
  const dnsJournalPosition = new Gauge({
    name: `${prefix}dns_journal_position`,
    help: 'Change journal sequence applied by this DNS node',
    ...reg,
  });
  const dnsJournalLag = new Gauge({
    name: `${prefix}dns_journal_lag_seconds`,
    help: 'Age of the newest journal entry when this DNS node applied it',
    ...reg,
  });

  const sipRequests = new Counter({
    name: `${prefix}sip_requests_total`,
    help: 'SIP requests answered by method and final status code',
    labelNames: ['method', 'status'] as const,
    ...reg,
  });
  const sipDuration = new Histogram({
    name: `${prefix}sip_request_duration_seconds`,
    help: 'SIP answer latency (request received to final response) by method',
    labelNames: ['method'] as const,
    buckets: FAST_BUCKETS,
    ...reg,
  });
  const sipLookups = new Counter({
    name: `${prefix}sip_dns_lookups_total`,
    help: 'DNS look-ups made by the redirector by outcome and whether the cache answered',
    labelNames: ['outcome', 'cached'] as const,
    ...reg,
  });
  const sipLookupDuration = new Histogram({
    name: `${prefix}sip_dns_lookup_duration_seconds`,
    help: 'Latency of DNS look-ups made by the redirector',
    labelNames: ['cached'] as const,
    buckets: FAST_BUCKETS,
    ...reg,
  });

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
    dns: {
      query(transport, qtype, rcode, seconds) {
        dnsQueries.inc({ transport, qtype, rcode });
        dnsDuration.observe({ transport }, seconds);
      },
      transfer(kind, outcome) {
        dnsTransfers.inc({ kind, outcome });
      },
      journal(position, lagSeconds) {
        dnsJournalPosition.set(position);
        dnsJournalLag.set(lagSeconds);
      },
    },
    sip: {
      request(method, status, seconds) {
        const m = bounded(SIP_METHODS, method);
        sipRequests.inc({ method: m, status: statusLabel(status) });
        sipDuration.observe({ method: m }, seconds);
      },
      lookup(outcome, cached, seconds) {
        sipLookups.inc({ outcome, cached: String(cached) });
        sipLookupDuration.observe({ cached: String(cached) }, seconds);
      },
    },
  };
}
