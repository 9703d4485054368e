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
    a.dns.query('udp', 'NAPTR', 'NOERROR', 0.0002);
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
