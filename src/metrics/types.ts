// The hooks each front end takes as a dependency (`metrics.http`, `.dns`, `.sip`).
import type { Registry } from 'prom-client';

export interface HttpMetrics {
  /** One finished request: `route` is the matched route pattern ('/v1/zones/{apex}'), never the raw path. */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** A request refused by the rate limiter. */
  rateLimited(): void;
}

export interface DnsMetrics {
  /**
   * One answered query, with numbers straight from the packet (no strings on the hot path):
   * `qtype` (counted by mnemonic, OTHER beyond a fixed list), `rcode` (16 = BADVERS), and the
   * time from the query's parse to its answer.
   */
  query(transport: 'udp' | 'tcp', qtype: number, rcode: number, seconds: number): void;
  /** A zone transfer request: `outcome` ok (sent, or IXFR's up-to-date SOA), refused or error. */
  transfer(kind: 'AXFR' | 'IXFR', outcome: 'ok' | 'refused' | 'error'): void;
  /** The journal position applied by this node, and its lag behind the writer (seconds). */
  journal(position: number, lagSeconds: number): void;
  /** Where a DNS server's limits and caches are read at scrape time; returns the function that forgets it. */
  limits(read: () => DnsLimitsSample): () => void;
}

/** What a DNS server holds and sheds (docs/dns.md, "Limits"); counts are totals since start. */
export interface DnsLimitsSample {
  tcpConnections: number;
  /** Bytes held for TCP clients: unanswered queries and answers not yet read. */
  tcpHeldBytes: number;
  /** Connections refused or closed, by why: the per-source limit, the oldest idle closed for a new one, idle timeout, the byte budget. */
  tcpShed: { perSource: number; evicted: number; idle: number; overBudget: number };
  cacheEntries: number;
  cacheBytes: number;
  /** Log lines the rate limiter suppressed. */
  logSuppressed: number;
}

export interface SipMetrics {
  /** One answered request: `method` INVITE/OPTIONS/REGISTER/...; `status` the final status code. */
  request(method: string, status: number, seconds: number): void;
  /** One DNS look-up made by the redirector (`outcome` answer|nxdomain|nodata|timeout|error|overload, `cached`). */
  lookup(outcome: string, cached: boolean, seconds: number): void;
  /** Where the sizes of a redirector's tables are read at scrape time; returns the function that forgets it. */
  tables(read: () => Partial<Record<SipTable, number>>): () => void;
  /** Where a redirector's dependencies (drachtio-server, the registry) are read at scrape time; returns the forget function. */
  health(read: () => SipHealthSample): () => void;
  /** One INVITE or MESSAGE classified: `kind` anonymous, member or peer (docs/trust.md). */
  caller(kind: string): void;
  /** A call refused by the trust steps: `reason` one of SIP_REFUSALS, `caller` the caller's kind (the audit trail). */
  refusal(reason: string, caller: string): void;
  /** A caller identity placed in a 302: `signed` by us, or `passed` on from a trusted peer. */
  identity(outcome: string): void;
}

/** A redirector's dependencies as /metrics shows them; a field is absent when the redirector has no such part. */
export interface SipHealthSample {
  /** Connected to drachtio-server (authenticated, routes registered). */
  drachtioConnected?: boolean;
  /** Connections to drachtio-server established since start (reconnections are the rest). */
  drachtioConnects?: number;
  /** Calls run on the bindings last read because the registry fails or does not answer in time. */
  registryDegraded?: boolean;
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

export const SIP_TABLES = [
  'transactions',
  'verdicts',
  'dns_cache',
  'dns_inflight',
  'parsed',
  'bindings',
  'tcp_connections',
  'accounts',
  'rate_keys',
] as const;

/** Kinds of callers (src/sip/trust/types.ts CallerKind). */
export const SIP_CALLER_KINDS = ['anonymous', 'member', 'peer'] as const;
/** Why calls are refused (src/sip/trust/types.ts REFUSALS: the same list, checked by a test). */
export const SIP_REFUSALS = [
  'auth-required',
  'auth-failed',
  'auth-malformed',
  'identity-invalid',
  'blocked-caller',
  'blocked-source',
  'rate-member',
  'rate-source',
  'rate-peer',
  'policy',
  'blocked-destination',
  'premium',
  'international-limit',
  'insufficient-funds',
  'no-rate',
  'billing-unavailable',
] as const;
export const SIP_IDENTITY_OUTCOMES = ['signed', 'passed'] as const;
export type SipTable = (typeof SIP_TABLES)[number];
