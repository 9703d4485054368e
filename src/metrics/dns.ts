import { Counter, Gauge, type Registry } from 'prom-client';
import { arrayMetric, FAST_BUCKETS, fixedHistogram, type Sample } from './array.ts';
import type { DnsLimitsSample, DnsMetrics } from './types.ts';

// A DNS node answers ~100,000 queries a second on one core: like SIP's, its query path only
// bumps typed-array cells (a counter per transport x qtype x rcode, fixed latency buckets), read
// when /metrics is scraped. Transfers and the journal are rare: plain prom-client metrics.

const DNS_QTYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  43: 'DS',
  48: 'DNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  257: 'CAA',
};
const DNS_RCODES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADVERS',
};
/** Label values by index; 0 is OTHER (types and rcodes outside the lists add no series). */
const DNS_QTYPE_NAMES = ['OTHER', ...Object.values(DNS_QTYPES)];
const DNS_RCODE_NAMES = ['OTHER', ...Object.values(DNS_RCODES)];
const DNS_QTYPE_INDEX = new Uint8Array(65536);
for (const [n, name] of Object.entries(DNS_QTYPES))
  DNS_QTYPE_INDEX[Number(n)] = DNS_QTYPE_NAMES.indexOf(name);
const DNS_RCODE_INDEX = new Uint8Array(4096);
for (const [n, name] of Object.entries(DNS_RCODES))
  DNS_RCODE_INDEX[Number(n)] = DNS_RCODE_NAMES.indexOf(name);
const DNS_TRANSPORTS = ['udp', 'tcp'] as const;

export function createDnsMetrics(registry: Registry, prefix: string): DnsMetrics {
  const nq = DNS_QTYPE_NAMES.length;
  const nr = DNS_RCODE_NAMES.length;
  /** [transport][qtype][rcode] */
  const queries = new Float64Array(2 * nq * nr);
  const latency = fixedHistogram(FAST_BUCKETS, 2);

  arrayMetric(
    registry,
    `${prefix}dns_queries_total`,
    'DNS queries answered by transport, query type and rcode',
    'counter',
    () => {
      const out: Sample[] = [];
      for (let i = 0; i < queries.length; i++) {
        if (queries[i] === 0) continue;
        const r = i % nr;
        const q = ((i - r) / nr) % nq;
        const t = (i - r - q * nr) / (nq * nr);
        out.push({
          labels: { transport: DNS_TRANSPORTS[t]!, qtype: DNS_QTYPE_NAMES[q]!, rcode: DNS_RCODE_NAMES[r]! },
          value: queries[i]!,
        });
      }
      return out;
    },
    () => queries.fill(0),
  );
  arrayMetric(
    registry,
    `${prefix}dns_query_duration_seconds`,
    'DNS answer latency (query parsed to answer ready) by transport',
    'histogram',
    () => latency.samples(`${prefix}dns_query_duration_seconds`, (t) => ({ transport: DNS_TRANSPORTS[t]! })),
    () => latency.reset(),
  );
  const transfers = new Counter({
    name: `${prefix}dns_transfers_total`,
    help: 'Zone transfer requests by kind and outcome (ok, refused, error)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const position = new Gauge({
    name: `${prefix}dns_journal_position`,
    help: 'Change journal sequence applied by this DNS node',
    registers: [registry],
  });
  const lag = new Gauge({
    name: `${prefix}dns_journal_lag_seconds`,
    help: 'Age of the newest journal entry when this DNS node applied it',
    registers: [registry],
  });

  // what the servers hold and shed, read from them at scrape time; several servers in one process add up
  const servers = new Set<() => DnsLimitsSample>();
  const sum = (pick: (s: DnsLimitsSample) => number): number => {
    let n = 0;
    for (const read of servers) n += pick(read());
    return n;
  };
  const gauge = (name: string, help: string, pick: (s: DnsLimitsSample) => number) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(sum(pick));
      },
    });
  gauge('dns_tcp_connections', 'Open DNS TCP connections', (s) => s.tcpConnections);
  gauge(
    'dns_tcp_held_bytes',
    'Bytes held for DNS TCP clients (unanswered queries, answers not yet read)',
    (s) => s.tcpHeldBytes,
  );
  gauge('dns_cache_entries', 'Answers in the DNS packet cache', (s) => s.cacheEntries);
  gauge('dns_cache_bytes', 'Bytes the DNS packet cache counts against its bound', (s) => s.cacheBytes);
  const SHED = ['perSource', 'evicted', 'idle', 'overBudget'] as const;
  const SHED_LABEL = { perSource: 'per_source', evicted: 'evicted', idle: 'idle', overBudget: 'over_budget' };
  new Counter({
    name: `${prefix}dns_tcp_shed_total`,
    help: 'DNS TCP connections refused or closed by a limit, by reason (per_source, evicted, idle, over_budget)',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (servers.size === 0) return;
      for (const r of SHED)
        this.inc(
          { reason: SHED_LABEL[r] },
          sum((s) => s.tcpShed[r]),
        );
    },
  });
  new Counter({
    name: `${prefix}dns_log_lines_suppressed_total`,
    help: 'Repeated DNS log lines the rate limiter suppressed (counted in the line that follows them)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(sum((s) => s.logSuppressed));
    },
  });

  return {
    query(transport, qtype, rcode, seconds) {
      const t = transport === 'tcp' ? 1 : 0;
      queries[(t * nq + DNS_QTYPE_INDEX[qtype & 0xffff]!) * nr + DNS_RCODE_INDEX[rcode & 0xfff]!]!++;
      latency.observe(t, seconds);
    },
    transfer(kind, outcome) {
      transfers.inc({ kind, outcome });
    },
    journal(pos, lagSeconds) {
      position.set(pos);
      lag.set(lagSeconds);
    },
    limits(read) {
      servers.add(read);
      return () => {
        servers.delete(read);
      };
    },
  };
}
