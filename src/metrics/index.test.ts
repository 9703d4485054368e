import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './index.ts';

/** The value of one sample line `name{labels} value` in the text format, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('metrics', () => {
  it('counts HTTP requests by method, route pattern and status, with a latency histogram', async () => {
    const m = createMetrics({ processMetrics: false });
    m.http.observe('get', '/v1/zones/{apex}', 200, 0.003);
    m.http.observe('GET', '/v1/zones/{apex}', 200, 0.2);
    m.http.observe('GET', '/v1/zones/{apex}', 404, 0.001);
    const t = await m.text();
    expect(sample(t, 'callx_http_requests_total', 'method="GET",route="/v1/zones/{apex}",status="200"')).toBe(
      2,
    );
    expect(sample(t, 'callx_http_requests_total', 'method="GET",route="/v1/zones/{apex}",status="404"')).toBe(
      1,
    );
    expect(
      sample(
        t,
        'callx_http_request_duration_seconds_bucket',
        'le="0.005",method="GET",route="/v1/zones/{apex}"',
      ),
    ).toBe(2);
    expect(
      sample(t, 'callx_http_request_duration_seconds_count', 'method="GET",route="/v1/zones/{apex}"'),
    ).toBe(3);
  });

  it('bounds label values a client controls', async () => {
    const m = createMetrics({ processMetrics: false });
    m.http.observe('BREW', '/x', 200, 0.001);
    m.sip.request('FOO', 999, 0.001);
    const t = await m.text();
    expect(sample(t, 'callx_http_requests_total', 'method="OTHER",route="/x",status="200"')).toBe(1);
    expect(sample(t, 'callx_sip_requests_total', 'method="OTHER",status="other"')).toBe(1);
  });

  it('has DNS and SIP series, and registries do not share state', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.dns.query('udp', 35, 0, 0.0002); // NAPTR, NOERROR
    a.dns.transfer('AXFR', 'ok');
    a.dns.journal(42, 0.1);
    a.sip.request('INVITE', 302, 0.0004);
    a.sip.lookup('answer', true, 0.00001);
    const t = await a.text();
    expect(sample(t, 'callx_dns_queries_total', 'transport="udp",qtype="NAPTR",rcode="NOERROR"')).toBe(1);
    expect(sample(t, 'callx_dns_transfers_total', 'kind="AXFR",outcome="ok"')).toBe(1);
    expect(t).toContain('callx_dns_journal_position 42');
    expect(sample(t, 'callx_sip_requests_total', 'method="INVITE",status="302"')).toBe(1);
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="answer",cached="true"')).toBe(1);
    expect(await b.text()).not.toContain('callx_dns_queries_total{');
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('includes process metrics by default', async () => {
    expect(await createMetrics().text()).toContain('callx_process_cpu_seconds_total');
  });
});

describe('DNS metrics (typed arrays read at scrape time)', () => {
  it('print the same text as prom-client Counter and Histogram would for the same observations', async () => {
    const fast = createMetrics({ processMetrics: false, prefix: 'x_' });
    const reference = new Registry();
    const counter = new Counter({
      name: 'x_dns_queries_total',
      help: 'DNS queries answered by transport, query type and rcode',
      labelNames: ['transport', 'qtype', 'rcode'],
      registers: [reference],
    });
    const histogram = new Histogram({
      name: 'x_dns_query_duration_seconds',
      help: 'DNS answer latency (query parsed to answer ready) by transport',
      labelNames: ['transport'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [reference],
    });
    const seen: ['udp' | 'tcp', number, number, string, string, number][] = [
      ['udp', 35, 0, 'NAPTR', 'NOERROR', 0.000002],
      ['udp', 35, 0, 'NAPTR', 'NOERROR', 0.0001], // on a bucket bound: counted in it (le is inclusive)
      ['udp', 35, 3, 'NAPTR', 'NXDOMAIN', 0.0003],
      ['udp', 1, 5, 'A', 'REFUSED', 0.00001],
      ['udp', 65280, 0, 'OTHER', 'NOERROR', 0.00001], // a private type: OTHER, no new series
      ['udp', 6, 16, 'SOA', 'BADVERS', 0.00001],
      ['udp', 6, 12, 'SOA', 'OTHER', 0.00001], // an unassigned rcode
      ['tcp', 252, 9, 'AXFR', 'NOTAUTH', 2], // above every bucket: +Inf only
      ['tcp', 28, 1, 'AAAA', 'FORMERR', 0.004],
    ];
    for (const [transport, qtype, rcode, qname, rname, s] of seen) {
      fast.dns.query(transport, qtype, rcode, s);
      counter.inc({ transport, qtype: qname, rcode: rname });
      histogram.observe({ transport }, s);
    }
    const lines = (t: string) =>
      t
        .split('\n')
        .filter((l) => /^x_dns_query/.test(l))
        .sort();
    const ours = lines(await fast.text());
    expect(ours.length).toBeGreaterThan(20);
    expect(ours).toEqual(lines(await reference.metrics()));
    fast.registry.resetMetrics();
    expect(await fast.text()).not.toContain('x_dns_queries_total{');
  });
});

describe('SIP metrics (typed arrays read at scrape time)', () => {
  it('print the same text as prom-client Counter and Histogram would for the same observations', async () => {
    const fast = createMetrics({ processMetrics: false, prefix: 'x_' });
    const reference = new Registry();
    const counter = new Counter({
      name: 'x_sip_requests_total',
      help: 'SIP requests answered by method and final status code',
      labelNames: ['method', 'status'],
      registers: [reference],
    });
    const histogram = new Histogram({
      name: 'x_sip_request_duration_seconds',
      help: 'SIP answer latency (request received to final response) by method',
      labelNames: ['method'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [reference],
    });
    const seen: [string, number, number][] = [
      ['INVITE', 302, 0.00005],
      ['INVITE', 302, 0.0001], // on a bucket bound: counted in that bucket (le is inclusive)
      ['INVITE', 404, 0.0007],
      ['INVITE', 503, 1.5], // above every bucket: +Inf only
      ['OPTIONS', 200, 0.00002],
      ['MESSAGE', 302, 0.003],
    ];
    for (const [method, status, s] of seen) {
      fast.sip.request(method, status, s);
      counter.inc({ method, status: String(status) });
      histogram.observe({ method }, s);
    }
    const lines = (t: string) =>
      t
        .split('\n')
        .filter((l) => /^x_sip_request/.test(l))
        .sort();
    const ours = lines(await fast.text());
    expect(ours.length).toBeGreaterThan(20);
    expect(ours).toEqual(lines(await reference.metrics()));
  });

  it('count look-ups by outcome and cache, and unknown outcomes as error', async () => {
    const m = createMetrics({ processMetrics: false });
    m.sip.lookup('answer', true, 0.000002);
    m.sip.lookup('answer', true, 0.000003);
    m.sip.lookup('nxdomain', false, 0.0003);
    m.sip.lookup('timeout', false, 1);
    m.sip.lookup('overload', false, 0);
    m.sip.lookup('bogus', false, 0.001);
    const t = await m.text();
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="answer",cached="true"')).toBe(2);
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="nxdomain",cached="false"')).toBe(1);
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="timeout",cached="false"')).toBe(1);
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="overload",cached="false"')).toBe(1);
    expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="error",cached="false"')).toBe(1);
    expect(sample(t, 'callx_sip_dns_lookup_duration_seconds_bucket', 'le="0.0001",cached="true"')).toBe(2);
    expect(sample(t, 'callx_sip_dns_lookup_duration_seconds_count', 'cached="false"')).toBe(4);
    m.registry.resetMetrics();
    expect(await m.text()).not.toContain('callx_sip_dns_lookups_total{');
  });

  it('read table sizes from every registered redirector at scrape time', async () => {
    const m = createMetrics({ processMetrics: false });
    expect(await m.text()).not.toContain('callx_sip_table_entries{');
    let transactions = 5;
    const forgetA = m.sip.tables(() => ({ transactions, verdicts: 2 }));
    m.sip.tables(() => ({ transactions: 1, dns_cache: 7 }));
    let t = await m.text();
    expect(sample(t, 'callx_sip_table_entries', 'table="transactions"')).toBe(6);
    expect(sample(t, 'callx_sip_table_entries', 'table="dns_cache"')).toBe(7);
    expect(sample(t, 'callx_sip_table_entries', 'table="tcp_connections"')).toBe(0);
    transactions = 50;
    forgetA();
    t = await m.text();
    expect(sample(t, 'callx_sip_table_entries', 'table="transactions"')).toBe(1);
    expect(sample(t, 'callx_sip_table_entries', 'table="verdicts"')).toBe(0);
  });

  it('reads what DNS servers hold and shed at scrape time, added up over the servers of a process', async () => {
    const m = createMetrics({ processMetrics: false });
    const server = (connections: number, evicted: number) => () => ({
      tcpConnections: connections,
      tcpHeldBytes: 100 * connections,
      tcpShed: { perSource: 1, evicted, idle: 2, overBudget: 0 },
      cacheEntries: 10,
      cacheBytes: 4_000,
      logSuppressed: 7,
    });
    let connections = 3;
    const forget = m.dns.limits(() => server(connections, 4)());
    m.dns.limits(server(1, 0));
    let t = await m.text();
    expect(sample(t, 'callx_dns_tcp_connections', '')).toBeUndefined(); // no labels: no braces
    expect(t).toMatch(/^callx_dns_tcp_connections 4$/m);
    expect(t).toMatch(/^callx_dns_tcp_held_bytes 400$/m);
    expect(t).toMatch(/^callx_dns_cache_bytes 8000$/m);
    expect(sample(t, 'callx_dns_tcp_shed_total', 'reason="evicted"')).toBe(4);
    expect(sample(t, 'callx_dns_tcp_shed_total', 'reason="per_source"')).toBe(2);
    expect(t).toMatch(/^callx_dns_log_lines_suppressed_total 14$/m);
    connections = 9;
    forget();
    t = await m.text();
    expect(t).toMatch(/^callx_dns_tcp_connections 1$/m);
  });
});
