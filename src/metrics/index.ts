// Prometheus metrics for the three front-ends (HTTP API, DNS, SIP) in one prom-client registry
// per process. Each server takes the hooks it needs as a dependency (`metrics.http`,
// `metrics.dns`, `metrics.sip`), so nothing reaches for prom-client's global registry and tests
// get a registry of their own. Label values are bounded sets (route patterns, not URLs; rcode
// names; SIP status codes), so the series count stays small whatever clients send.
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';

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
  /** One DNS look-up made by the redirector (`outcome` answer|nxdomain|nodata|timeout|error|overload, `cached`). */
  lookup(outcome: string, cached: boolean, seconds: number): void;
  /** Where the sizes of a redirector's tables are read at scrape time; returns the function that forgets it. */
  tables(read: () => Partial<Record<SipTable, number>>): () => void;
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
    sip,
  };
}

// --- SIP ------------------------------------------------------------------------------------
// The redirector answers in tens of microseconds, so its hot path only bumps cells of
// preallocated typed arrays (a counter per method x status, fixed latency buckets); prom-client
// sees the values when /metrics is scraped, through metrics that read those arrays in get().

/** Methods counted by name (the ones the redirector answers or absorbs); others are OTHER. */
const SIP_METHOD_NAMES = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'MESSAGE',
  'SUBSCRIBE',
  'NOTIFY',
  'OTHER',
] as const;
const SIP_METHOD_INDEX = new Map<string, number>(SIP_METHOD_NAMES.map((m, i) => [m, i]));
const SIP_OTHER_METHOD = SIP_METHOD_NAMES.length - 1;
/** Status cells per method: 100..699, then one for anything else. */
const SIP_STATUS_CELLS = 601;
const SIP_LOOKUP_OUTCOMES = ['answer', 'nxdomain', 'nodata', 'timeout', 'error', 'overload'] as const;
const SIP_TABLES = [
  'transactions',
  'verdicts',
  'dns_cache',
  'dns_inflight',
  'parsed',
  'bindings',
  'tcp_connections',
] as const;
export type SipTable = (typeof SIP_TABLES)[number];

function sipMethodIndex(method: string): number {
  // methods are case-sensitive (RFC 3261 §7.1): 'invite' is not INVITE
  return SIP_METHOD_INDEX.get(method) ?? SIP_OTHER_METHOD;
}

function lookupOutcomeIndex(outcome: string): number {
  switch (outcome) {
    case 'answer':
      return 0;
    case 'nxdomain':
      return 1;
    case 'nodata':
      return 2;
    case 'timeout':
      return 3;
    case 'overload':
      return 5;
    default:
      return 4;
  }
}

type Sample = { labels: Record<string, string>; value: number; metricName?: string };

/** A metric prom-client formats like its own, whose samples are read from typed arrays at scrape time. */
function arrayMetric(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  samples: () => Sample[],
  reset: () => void,
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    // metric.name, not name: the registry renames counters for OpenMetrics, as for its own
    get: async () => ({ name: metric.name, help, type, aggregator: 'sum', values: samples() }),
    reset,
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** Latency histogram over fixed buckets for `series` label sets: observe() is a short search and two adds. */
function fixedHistogram(buckets: readonly number[], series: number) {
  const bounds = Float64Array.from(buckets);
  const width = bounds.length + 1; // the last cell is +Inf
  const counts = new Float64Array(series * width);
  const sums = new Float64Array(series);
  return {
    observe(s: number, seconds: number): void {
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]!) i++;
      counts[s * width + i]!++;
      sums[s]! += seconds;
    },
    /** Prometheus samples (cumulative buckets, sum, count) of every series observed at least once. */
    samples(name: string, labelsOf: (s: number) => Record<string, string>): Sample[] {
      const out: Sample[] = [];
      for (let s = 0; s < series; s++) {
        let total = 0;
        const base = s * width;
        for (let i = 0; i < width; i++) total += counts[base + i]!;
        if (total === 0) continue;
        const labels = labelsOf(s);
        let acc = 0;
        for (let i = 0; i < width; i++) {
          acc += counts[base + i]!;
          const le = i < bounds.length ? String(bounds[i]) : '+Inf';
          out.push({ metricName: `${name}_bucket`, labels: { le, ...labels }, value: acc });
        }
        out.push({ metricName: `${name}_sum`, labels, value: sums[s]! });
        out.push({ metricName: `${name}_count`, labels, value: total });
      }
      return out;
    },
    reset(): void {
      counts.fill(0);
      sums.fill(0);
    },
  };
}

function createSipMetrics(registry: Registry, prefix: string): SipMetrics {
  const requests = new Float64Array(SIP_METHOD_NAMES.length * SIP_STATUS_CELLS);
  const requestLatency = fixedHistogram(FAST_BUCKETS, SIP_METHOD_NAMES.length);
  const lookups = new Float64Array(SIP_LOOKUP_OUTCOMES.length * 2);
  const lookupLatency = fixedHistogram(FAST_BUCKETS, 2);
  const cachedLabel = (c: number) => (c === 1 ? 'true' : 'false');

  arrayMetric(
    registry,
    `${prefix}sip_requests_total`,
    'SIP requests answered by method and final status code',
    'counter',
    () => {
      const out: Sample[] = [];
      for (let i = 0; i < requests.length; i++) {
        if (requests[i] === 0) continue;
        const cell = i % SIP_STATUS_CELLS;
        const method = SIP_METHOD_NAMES[(i - cell) / SIP_STATUS_CELLS]!;
        const status = cell === SIP_STATUS_CELLS - 1 ? 'other' : String(cell + 100);
        out.push({ labels: { method, status }, value: requests[i]! });
      }
      return out;
    },
    () => requests.fill(0),
  );
  arrayMetric(
    registry,
    `${prefix}sip_request_duration_seconds`,
    'SIP answer latency (request received to final response) by method',
    'histogram',
    () =>
      requestLatency.samples(`${prefix}sip_request_duration_seconds`, (s) => ({
        method: SIP_METHOD_NAMES[s]!,
      })),
    () => requestLatency.reset(),
  );
  arrayMetric(
    registry,
    `${prefix}sip_dns_lookups_total`,
    'DNS look-ups made by the redirector by outcome and whether the cache answered',
    'counter',
    () => {
      const out: Sample[] = [];
      for (let i = 0; i < lookups.length; i++) {
        if (lookups[i] === 0) continue;
        const outcome = SIP_LOOKUP_OUTCOMES[i >> 1]!;
        out.push({ labels: { outcome, cached: cachedLabel(i & 1) }, value: lookups[i]! });
      }
      return out;
    },
    () => lookups.fill(0),
  );
  arrayMetric(
    registry,
    `${prefix}sip_dns_lookup_duration_seconds`,
    'Latency of DNS look-ups made by the redirector (cached ones included)',
    'histogram',
    () =>
      lookupLatency.samples(`${prefix}sip_dns_lookup_duration_seconds`, (s) => ({ cached: cachedLabel(s) })),
    () => lookupLatency.reset(),
  );

  // table sizes are read from their owners at scrape time; several redirectors in one process add up
  const sources = new Set<() => Partial<Record<SipTable, number>>>();
  new Gauge({
    name: `${prefix}sip_table_entries`,
    help: "Entries in the redirector's bounded tables and caches (transactions, verdicts, DNS answers, ...)",
    labelNames: ['table'] as const,
    registers: [registry],
    collect() {
      const sum: Record<string, number> = {};
      for (const read of sources) {
        for (const [table, n] of Object.entries(read())) sum[table] = (sum[table] ?? 0) + (n ?? 0);
      }
      this.reset();
      if (sources.size === 0) return;
      for (const table of SIP_TABLES) this.set({ table }, sum[table] ?? 0);
    },
  });

  return {
    request(method, status, seconds) {
      const m = sipMethodIndex(method);
      const cell =
        status >= 100 && status <= 699 && Number.isInteger(status) ? status - 100 : SIP_STATUS_CELLS - 1;
      requests[m * SIP_STATUS_CELLS + cell]!++;
      requestLatency.observe(m, seconds);
    },
    lookup(outcome, cached, seconds) {
      const c = cached ? 1 : 0;
      lookups[lookupOutcomeIndex(outcome) * 2 + c]!++;
      lookupLatency.observe(c, seconds);
    },
    tables(read) {
      sources.add(read);
      return () => {
        sources.delete(read);
      };
    },
  };
}
