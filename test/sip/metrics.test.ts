// /metrics for the redirector: real SIP traffic over UDP and TCP, then the Prometheus text shows
// the requests by method and final status, their latency, the DNS look-ups the redirector made
// (by outcome, cached or not) and the sizes of its tables.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import { createMetrics, type Metrics } from '#metrics';
import type { SipService } from '#sip';
import { until } from '../helpers/until.ts';
import { headers, request, startDns, startSip, status, TcpClient, UdpClient } from './env.ts';

let dns: DnsServer;
let metrics: Metrics;
let sip: { service: SipService; port: number };
let udp: UdpClient;

beforeAll(async () => {
  dns = await startDns();
  metrics = createMetrics({ processMetrics: false });
  sip = await startSip(dns.port, {}, { metrics: metrics.sip });
  udp = await new UdpClient().open();
});
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
});

/** The value of the sample `name{labels}` in the text format, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const MEMBER = 'sip:+82262006200@callx.test';

describe('SIP metrics after real traffic', () => {
  it('count requests by method and final status, with latency, look-ups and table sizes', async () => {
    const ask = async (text: string) => status(await udp.ask(sip.port, text));
    const L = udp.port;
    const t0 = performance.now(); // the requests below go one after the other: their latencies fit in this
    expect(await ask(request({ uri: MEMBER, localPort: L }))).toBe(302); // DNS asked: not cached
    expect(await ask(request({ uri: MEMBER, localPort: L }))).toBe(302); // the remembered verdict
    // another caller: a new verdict, from the DNS cache this time
    expect(await ask(request({ uri: MEMBER, localPort: L, from: '<sip:+821055550000@callx.test>' }))).toBe(
      302,
    );
    expect(await ask(request({ uri: 'sip:+827012345678@callx.test', localPort: L }))).toBe(604); // NXDOMAIN
    expect(await ask(request({ uri: 'sip:callx.test', method: 'OPTIONS', localPort: L }))).toBe(200);
    expect(await ask(request({ uri: MEMBER, method: 'SUBSCRIBE', localPort: L }))).toBe(405);
    expect(await ask(request({ uri: MEMBER, method: 'BREW', localPort: L }))).toBe(405);
    const garbled = request({ uri: MEMBER, localPort: L }).replace(/^CSeq: .*$/m, 'CSeq: x INVITE');
    expect(await ask(garbled)).toBe(400);
    udp.send(sip.port, request({ uri: MEMBER, method: 'ACK', localPort: L })); // absorbed: no answer, not counted
    const tcp = await new TcpClient().open(sip.port);
    try {
      tcp.write(request({ uri: MEMBER, localPort: tcp.localPort, transport: 'TCP' }));
      expect(status(await tcp.next())).toBe(302);

      const t = await metrics.text();
      const req = (labels: string) => sample(t, 'callx_sip_requests_total', labels);
      expect(req('method="INVITE",status="302"')).toBe(4);
      expect(req('method="INVITE",status="604"')).toBe(1);
      expect(req('method="INVITE",status="400"')).toBe(1);
      expect(req('method="OPTIONS",status="200"')).toBe(1);
      expect(req('method="SUBSCRIBE",status="405"')).toBe(1);
      expect(req('method="OTHER",status="405"')).toBe(1);
      expect(t).not.toMatch(/callx_sip_requests_total\{method="ACK"/);
      expect(sample(t, 'callx_sip_request_duration_seconds_count', 'method="INVITE"')).toBe(6);
      expect(sample(t, 'callx_sip_request_duration_seconds_bucket', 'le="+Inf",method="INVITE"')).toBe(6);
      const sum = sample(t, 'callx_sip_request_duration_seconds_sum', 'method="INVITE"')!;
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan((performance.now() - t0) / 1000); // in seconds

      const look = (labels: string) => sample(t, 'callx_sip_dns_lookups_total', labels) ?? 0;
      expect(look('outcome="answer",cached="false"')).toBeGreaterThanOrEqual(1);
      expect(look('outcome="answer",cached="true"')).toBeGreaterThanOrEqual(1);
      // the 604's number, and the member's PSTN number (its E2U+tel record) asked in the partner's
      // ENUM tree and the carriers tree before the PSTN tree answers it
      expect(look('outcome="nxdomain",cached="false"')).toBe(3);
      expect(look('outcome="timeout",cached="false"')).toBe(0);
      const lookups = ['answer', 'nxdomain', 'nodata'].flatMap((o) =>
        ['true', 'false'].map((c) => look(`outcome="${o}",cached="${c}"`)),
      );
      expect(
        (sample(t, 'callx_sip_dns_lookup_duration_seconds_count', 'cached="false"') ?? 0) +
          (sample(t, 'callx_sip_dns_lookup_duration_seconds_count', 'cached="true"') ?? 0),
      ).toBe(lookups.reduce((a, b) => a + b, 0));

      const table = (name: string) => sample(t, 'callx_sip_table_entries', `table="${name}"`);
      expect(table('transactions')).toBeGreaterThanOrEqual(7);
      expect(table('verdicts')).toBeGreaterThanOrEqual(3);
      expect(table('dns_cache')).toBeGreaterThanOrEqual(2);
      expect(table('tcp_connections')).toBe(1);
      expect(table('dns_inflight')).toBe(0);
    } finally {
      tcp.close();
    }
  });

  it('count DNS silence as timeout and a full DNS queue as overload; the calls get 503', async () => {
    const hole = dgram.createSocket('udp4'); // a "resolver" that never answers
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    const m = createMetrics({ processMetrics: false });
    const dead = await startSip(
      hole.address().port,
      { CALLX_SIP_DNS_TIMEOUT_MS: '300', CALLX_SIP_DNS_TRIES: '1' },
      { metrics: m.sip, limits: { dnsInflight: 1 } },
    );
    const c = await new UdpClient().open();
    try {
      // the first call holds the only query slot until it times out; the second is refused at once
      c.send(dead.port, request({ uri: MEMBER, localPort: c.port, callId: 'first' }));
      await until(
        'the first call to hold the query slot',
        () => dead.service.stats().tables.dns_inflight === 1,
      );
      c.send(dead.port, request({ uri: 'sip:+82262006201@callx.test', localPort: c.port, callId: 'second' }));
      // refused, not queued behind the first: answered before it
      const [one, two] = [await c.next(), await c.next()];
      expect([headers(one ?? '', 'Call-ID'), status(one)]).toEqual([['second'], 503]);
      expect([headers(two ?? '', 'Call-ID'), status(two)]).toEqual([['first'], 503]);
      const t = await m.text();
      expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="timeout",cached="false"')).toBe(1);
      expect(sample(t, 'callx_sip_dns_lookups_total', 'outcome="overload",cached="false"')).toBe(1);
      expect(sample(t, 'callx_sip_requests_total', 'method="INVITE",status="503"')).toBe(2);
    } finally {
      c.close();
      await dead.service.stop();
      hole.close();
    }
    // a stopped redirector no longer reports its tables
    expect(await m.text()).not.toContain('callx_sip_table_entries{');
  });
});
