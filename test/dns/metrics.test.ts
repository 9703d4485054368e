// /metrics for DNS: a node with a metrics registry answers real queries over UDP and TCP, serves
// and refuses transfers and follows the journal; the Prometheus text shows each of them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { createMetrics, type Metrics } from '#metrics';
import { silentLogger } from '../../src/core/log.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { until } from '../helpers/until.ts';
import {
  DERIVATION,
  embeddedRegistry,
  enumName,
  member,
  publisherOn,
  type Registry,
} from './helpers/registry.ts';
import { buildQuery, tcpQuery, udpQuery } from './helpers/wire.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The value of `name{labels}` in the text format, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('DNS metrics in the Prometheus text', () => {
  let reg: Registry;
  let pub: Publisher;
  let node: DnsNode;
  let metrics: Metrics;

  beforeAll(async () => {
    reg = embeddedRegistry();
    pub = publisherOn(await reg.open());
    await pub.insert('members', member('m1', ['+82262006301']));
    metrics = createMetrics({ processMetrics: false });
    node = createDnsNode({
      config: {
        addr: '127.0.0.1',
        port: 0,
        tcpIdleMs: 5000,
        xfrAllow: ['127.0.0.1'],
        tsigKeys: [],
        notify: [],
        journalPollMs: 100,
      },
      logger: silentLogger,
      store: await reg.open(),
      zonesDir: join(ROOT, 'zones'),
      apex: 'callx.test',
      derivation: DERIVATION,
      checkpointMs: 0,
      metrics: metrics.dns,
    });
    await node.start();
  });

  afterAll(async () => {
    await node?.stop();
    await reg?.close();
  });

  it('counts queries by transport, type and rcode, with their latency', async () => {
    const q = (name: string, type: string, extra: object = {}) =>
      udpQuery(node.port, buildQuery({ name, type, edns: null, ...extra }));
    await q(enumName('+82262006301'), 'NAPTR'); // NOERROR, answered from the model
    await q(enumName('+82262006301'), 'NAPTR'); // NOERROR again, from the packet cache
    await q(`9.9.9.9.${enumName('+82262006301')}`, 'NAPTR'); // NXDOMAIN
    await q('example.org', 'A'); // REFUSED: not our zone
    await q('callx.test', 'SOA', { edns: { version: 1 } }); // BADVERS
    await q('callx.test', 'TYPE65280'); // a type outside the list: OTHER
    const bad = buildQuery({ name: 'callx.test', type: 'A', edns: null });
    bad.writeUInt16BE(2, 4); // QDCOUNT 2: FORMERR, before the question is read (type unknown)
    await udpQuery(node.port, bad);
    await tcpQuery(node.port, [buildQuery({ name: 'callx.test', type: 'SOA', edns: null })]);

    const t = await metrics.text();
    const q2 = (labels: string) => sample(t, 'callx_dns_queries_total', labels);
    expect(q2('transport="udp",qtype="NAPTR",rcode="NOERROR"')).toBe(2);
    expect(q2('transport="udp",qtype="NAPTR",rcode="NXDOMAIN"')).toBe(1);
    expect(q2('transport="udp",qtype="A",rcode="REFUSED"')).toBe(1);
    expect(q2('transport="udp",qtype="SOA",rcode="BADVERS"')).toBe(1);
    expect(q2('transport="udp",qtype="OTHER",rcode="NOERROR"')).toBe(1); // NODATA
    expect(q2('transport="udp",qtype="OTHER",rcode="FORMERR"')).toBe(1);
    expect(q2('transport="tcp",qtype="SOA",rcode="NOERROR"')).toBe(1);
    expect(sample(t, 'callx_dns_query_duration_seconds_count', 'transport="udp"')).toBe(7);
    expect(sample(t, 'callx_dns_query_duration_seconds_bucket', 'le="+Inf",transport="tcp"')).toBe(1);
    // answers take microseconds here: the one-second bucket holds them all
    expect(sample(t, 'callx_dns_query_duration_seconds_bucket', 'le="1",transport="udp"')).toBe(7);
  });

  it('counts transfers by kind and outcome', async () => {
    await tcpQuery(node.port, [buildQuery({ name: 'callx.test', type: 'AXFR', edns: null })]);
    // AXFR over UDP is refused (NOTIMP), an unknown zone too (NOTAUTH)
    await udpQuery(node.port, buildQuery({ name: 'callx.test', type: 'AXFR', edns: null }));
    await tcpQuery(node.port, [buildQuery({ name: 'nowhere.test', type: 'AXFR', edns: null })]);
    await until('the AXFR counted', async () =>
      (await metrics.text()).includes('callx_dns_transfers_total{kind="AXFR",outcome="ok"} 1'),
    );
    expect(sample(await metrics.text(), 'callx_dns_transfers_total', 'kind="AXFR",outcome="refused"')).toBe(
      2,
    );
  });

  it('shows the journal position the node applied, and its lag', async () => {
    const before = node.stats().position;
    expect(sample(await metrics.text(), 'callx_dns_journal_position', '')).toBe(before);
    await pub.insert('members', member('m2', ['+82262006302']));
    await until('the new journal position', async () => {
      const p = sample(await metrics.text(), 'callx_dns_journal_position', '');
      return p !== undefined && p > before;
    });
    const t = await metrics.text();
    expect(sample(t, 'callx_dns_journal_position', '')).toBe(node.stats().position);
    expect(sample(t, 'callx_dns_journal_lag_seconds', '')).toBeGreaterThanOrEqual(0);
  });
});
