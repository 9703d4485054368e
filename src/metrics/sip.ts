import { Gauge, type Registry } from 'prom-client';
import { arrayMetric, FAST_BUCKETS, fixedHistogram, type Sample } from './array.ts';
import {
  SIP_CALLER_KINDS,
  SIP_IDENTITY_OUTCOMES,
  SIP_REFUSALS,
  SIP_TABLES,
  type SipHealthSample,
  type SipMetrics,
  type SipTable,
} from './types.ts';

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
export function createSipMetrics(registry: Registry, prefix: string): SipMetrics {
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

  // the redirectors' dependencies, read at scrape time; a series appears only when some redirector has that part
  const healthSources = new Set<() => SipHealthSample>();
  const readHealth = () => [...healthSources].map((read) => read());
  new Gauge({
    name: `${prefix}sip_drachtio_connected`,
    help: 'Redirectors on the drachtio transport connected to drachtio-server (authenticated, routes registered); absent without one',
    registers: [registry],
    collect() {
      this.reset();
      const samples = readHealth().filter((h) => h.drachtioConnected !== undefined);
      if (samples.length > 0) this.set(samples.filter((h) => h.drachtioConnected).length);
    },
  });
  new Gauge({
    name: `${prefix}sip_drachtio_reconnects`,
    help: 'Connections to drachtio-server re-established since start (after a drachtio-server restart or a lost connection)',
    registers: [registry],
    collect() {
      this.reset();
      const samples = readHealth().filter((h) => h.drachtioConnects !== undefined);
      if (samples.length === 0) return;
      this.set(samples.reduce((n, h) => n + Math.max(0, (h.drachtioConnects ?? 0) - 1), 0));
    },
  });
  new Gauge({
    name: `${prefix}sip_degraded`,
    help: 'Redirectors running degraded, by cause (registry: its bindings fail or time out, calls route from DNS and the bindings last read)',
    labelNames: ['cause'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const samples = readHealth().filter((h) => h.registryDegraded !== undefined);
      if (samples.length === 0) return;
      this.set({ cause: 'registry' }, samples.filter((h) => h.registryDegraded).length);
    },
  });

  // the trust steps (docs/trust.md): callers by kind, refusals by reason and caller kind, identities
  const callers = new Float64Array(SIP_CALLER_KINDS.length);
  const refusals = new Float64Array(SIP_REFUSALS.length * SIP_CALLER_KINDS.length);
  const identities = new Float64Array(SIP_IDENTITY_OUTCOMES.length);
  const kindIndex = (k: string) => Math.max(0, (SIP_CALLER_KINDS as readonly string[]).indexOf(k));
  arrayMetric(
    registry,
    `${prefix}sip_callers_total`,
    'INVITE and MESSAGE requests by caller class: anonymous, member (digest), peer (trusted)',
    'counter',
    () =>
      SIP_CALLER_KINDS.flatMap((kind, i) =>
        callers[i]! > 0 ? [{ labels: { class: kind }, value: callers[i]! }] : [],
      ),
    () => callers.fill(0),
  );
  arrayMetric(
    registry,
    `${prefix}sip_refusals_total`,
    'Calls refused by the trust steps, by reason (authentication, limits, policy, blocked destinations) and caller class',
    'counter',
    () => {
      const out: Sample[] = [];
      for (let i = 0; i < refusals.length; i++) {
        if (refusals[i] === 0) continue;
        const k = i % SIP_CALLER_KINDS.length;
        const reason = SIP_REFUSALS[(i - k) / SIP_CALLER_KINDS.length]!;
        out.push({ labels: { reason, class: SIP_CALLER_KINDS[k]! }, value: refusals[i]! });
      }
      return out;
    },
    () => refusals.fill(0),
  );
  arrayMetric(
    registry,
    `${prefix}sip_identity_total`,
    "Caller identities placed in 302 Contacts: signed (a PASSporT of ours) or passed (a trusted peer's)",
    'counter',
    () =>
      SIP_IDENTITY_OUTCOMES.flatMap((outcome, i) =>
        identities[i]! > 0 ? [{ labels: { outcome }, value: identities[i]! }] : [],
      ),
    () => identities.fill(0),
  );

  return {
    caller(kind) {
      callers[kindIndex(kind)]!++;
    },
    refusal(reason, caller) {
      const r = (SIP_REFUSALS as readonly string[]).indexOf(reason);
      if (r < 0) return;
      refusals[r * SIP_CALLER_KINDS.length + kindIndex(caller)]!++;
    },
    identity(outcome) {
      const i = (SIP_IDENTITY_OUTCOMES as readonly string[]).indexOf(outcome);
      if (i >= 0) identities[i]!++;
    },
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
    health(read) {
      healthSources.add(read);
      return () => {
        healthSources.delete(read);
      };
    },
  };
}
