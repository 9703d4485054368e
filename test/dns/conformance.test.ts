// Differential conformance: the same zone files served by callx and by Knot DNS; the same raw
// queries to both; every response compared field by field. Differences allowed only where
// docs/dns.md ("Differences from Knot") justifies them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsServer, type DnsServer, loadZone, ZoneSet } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { normalize } from './helpers/compare.ts';
import { type Knot, startKnot } from './helpers/knot.ts';
import { buildQuery, type QuerySpec, tcpQuery, udpQuery } from './helpers/wire.ts';

const ROOT = join(import.meta.dirname, '../..');
const FILES = [
  join(ROOT, 'zones/callx.test.zone'),
  join(ROOT, 'zones/e164.callx.test.zone'),
  join(ROOT, 'test/dns/fixtures/edge.test.zone'),
  join(ROOT, 'test/dns/fixtures/other.test.zone'),
];

/**
 * `knotSilent`: a documented difference (docs/dns.md): Knot drops the packet, callx answers
 * FORMERR as RFC 1035 §4.1.1 and BIND do.
 */
type Case = QuerySpec & { tcp?: boolean; raw?: (q: Buffer) => Buffer; knotSilent?: boolean };

const E0 = { size: 1232 };
const C = 'callx.test';
const cases: Case[] = [
  // existing names, apex, additional-section processing
  { name: C, type: 'SOA' },
  { name: C, type: 'NS' },
  { name: `ns1.${C}`, type: 'AAAA' },
  { name: `kr.center.${C}`, type: 'NAPTR' },
  { name: `_sip._udp.kr.center.${C}`, type: 'SRV' },
  { name: 'edge.test', type: 'MX' },
  { name: 'srv.edge.test', type: 'SRV' },
  { name: 'srv2.edge.test', type: 'SRV' },
  { name: `0.0.2.6.0.0.2.6.82.vns.${C}`, type: 'NAPTR' },
  { name: `acme\\.corp.domains.${C}`, type: 'TXT' },
  { name: 'esc\\065\\.x.edge.test', type: 'TXT' },
  { name: 'unknown.edge.test', type: 'TYPE65000' },
  // NODATA, NXDOMAIN, empty non-terminals
  { name: C, type: 'A' },
  { name: `nx.${C}`, type: 'A' },
  { name: `a.b.nx.${C}`, type: 'NAPTR' },
  { name: `center.${C}`, type: 'A' },
  { name: `2.8.pstn.${C}`, type: 'NAPTR' },
  { name: `1.2.8.pstn.${C}`, type: 'NAPTR' },
  { name: `9.pstn.${C}`, type: 'NAPTR' },
  { name: 'b.edge.test', type: 'A' },
  { name: 'x.b.edge.test', type: 'A' },
  { name: 'unknown.edge.test', type: 'A' },
  // wildcards (RFC 4592) and longest-prefix routes
  { name: `0.0.2.6.0.0.2.6.2.2.8.pstn.${C}`, type: 'NAPTR' },
  { name: `5.4.3.2.1.0.0.1.0.1.2.8.pstn.${C}`, type: 'NAPTR' },
  { name: `5.4.3.2.1.0.0.5.1.2.8.pstn.${C}`, type: 'NAPTR' },
  { name: `1.2.3.4.5.6.7.8.9.0.1.pstn.${C}`, type: 'NAPTR' },
  { name: `3.2.1.0.5.5.5.2.0.2.1.carriers.${C}`, type: 'NAPTR' },
  { name: `3.2.1.1.5.5.5.2.0.2.1.carriers.${C}`, type: 'NAPTR' },
  { name: `x.2.8.pstn.${C}`, type: 'A' },
  { name: `*.2.8.pstn.${C}`, type: 'NAPTR' },
  { name: 'x.w.edge.test', type: 'A' },
  { name: 'x.y.w.edge.test', type: 'TXT' },
  { name: 'deep.w.edge.test', type: 'A' },
  { name: 'x.deep.w.edge.test', type: 'A' },
  { name: 'x.cw.edge.test', type: 'A' },
  { name: 'x.cw.edge.test', type: 'MX' },
  { name: 'x.w.edge.test', type: 'ANY' },
  // CNAME: chains, out of zone, dangling, loops, into a delegation
  { name: `sip.${C}`, type: 'A' },
  { name: `sip.${C}`, type: 'AAAA' },
  { name: `sip.${C}`, type: 'CNAME' },
  { name: `sip.${C}`, type: 'TXT' },
  { name: `www.${C}`, type: 'A' },
  { name: 'dangling.edge.test', type: 'A' },
  { name: 'loop1.edge.test', type: 'A' },
  { name: 'todeleg.edge.test', type: 'A' },
  // delegations: referrals with glue, DS at the cut, the child zone on the same server
  { name: `x.partner.${C}`, type: 'A' },
  { name: `partner.${C}`, type: 'NS' },
  { name: `partner.${C}`, type: 'DS' },
  { name: `partner.${C}`, type: 'A' },
  { name: `ns1.partner.${C}`, type: 'A' },
  { name: 'a.sub.edge.test', type: 'TXT' },
  { name: `0.0.2.6.0.0.2.6.2.2.8.e164.${C}`, type: 'NAPTR' },
  { name: `e164.${C}`, type: 'NS' },
  { name: `e164.${C}`, type: 'SOA' },
  { name: `1.e164.${C}`, type: 'NAPTR' },
  // outside our zones, other classes
  { name: 'example.com', type: 'A' },
  { name: 'test', type: 'SOA' },
  { name: C, type: 'SOA', qclass: 3 },
  { name: C, type: 'SOA', qclass: 255 },
  // case: matching is case-insensitive, the question's case comes back
  { name: 'CaLLx.TeSt', type: 'SOA' },
  { name: `0.0.2.6.0.0.2.6.2.2.8.E164.CALLX.TEST`, type: 'NAPTR' },
  { name: `X.2.8.PSTN.callx.TEST`, type: 'NAPTR' },
  { name: `Sip.CallX.Test`, type: 'A' },
  { name: `NX.callx.test`, type: 'A' },
  { name: `X.PARTNER.callx.test`, type: 'A' },
  // ANY (RFC 8482)
  { name: C, type: 'ANY' },
  { name: `kr.center.${C}`, type: 'ANY' },
  { name: 'big.edge.test', type: 'ANY' },
  { name: `center.${C}`, type: 'ANY' },
  { name: C, type: 'ANY', tcp: true },
  // EDNS: none, sizes, DO, version 1
  { name: C, type: 'NS', edns: null },
  { name: C, type: 'NS', edns: { size: 512 } },
  { name: C, type: 'NS', edns: { size: 4096 } },
  { name: C, type: 'NS', edns: { size: 100 } },
  { name: C, type: 'NS', edns: { do: true } },
  { name: `nx.${C}`, type: 'A', edns: { do: true } },
  { name: C, type: 'SOA', edns: { version: 1 } },
  { name: `nx.${C}`, type: 'A', edns: { version: 1, do: true } },
  // truncation and the full answer over TCP
  { name: 'big.edge.test', type: 'TXT', edns: null },
  { name: 'big.edge.test', type: 'TXT', edns: { size: 600 } },
  { name: 'big.edge.test', type: 'TXT', edns: { size: 1232 } },
  { name: 'big.edge.test', type: 'TXT', edns: null, tcp: true },
  { name: `nx.${C}`, type: 'A', tcp: true },
  // header flags
  { name: C, type: 'SOA', rd: true },
  { name: C, type: 'SOA', cd: true },
  { name: C, type: 'SOA', ad: true },
  // opcodes and malformed queries
  { name: C, type: 'SOA', opcode: 2 },
  { name: C, type: 'SOA', opcode: 3 },
  { name: C, type: 'SOA', opcode: 15 },
  { name: C, type: 'AXFR' },
  { name: C, type: 'SOA', raw: (q) => withCount(q, 4, 0), knotSilent: true },
  { name: C, type: 'SOA', raw: (q) => withCount(q, 4, 2), knotSilent: true },
  { name: C, type: 'SOA', raw: (q) => q.subarray(0, q.length - 3) },
  { name: C, type: 'SOA', raw: (q) => Buffer.concat([q, Buffer.from([0, 0])]) },
  { name: C, type: 'SOA', raw: (q) => withCount(q, 6, 1) },
  { name: C, type: 'SOA', edns: {}, raw: (q) => withCount(q, 10, 2) },
];

function withCount(q: Buffer, at: number, v: number): Buffer {
  const b = Buffer.from(q);
  b.writeUInt16BE(v, at);
  return b;
}

function label(c: Case): string {
  const bits = [c.name, c.type];
  if (c.qclass) bits.push(`class=${c.qclass}`);
  if (c.edns === null) bits.push('noedns');
  else if (c.edns) bits.push(`edns=${JSON.stringify(c.edns)}`);
  if (c.tcp) bits.push('tcp');
  if (c.opcode) bits.push(`opcode=${c.opcode}`);
  if (c.rd) bits.push('rd');
  if (c.cd) bits.push('cd');
  if (c.ad) bits.push('ad');
  if (c.raw) bits.push(`raw:${c.raw.toString().replace(/\s+/g, ' ').slice(6, 60)}`);
  return bits.join(' ');
}

/** The response, or null when the server stays silent (both must then stay silent). */
async function ask(port: number, c: Case, msg: Buffer): Promise<Buffer | null> {
  try {
    if (c.tcp) return (await tcpQuery(port, [msg], '127.0.0.1', 2000))[0]!;
    return await udpQuery(port, msg, '127.0.0.1', 1500);
  } catch {
    return null;
  }
}

const SILENT = {
  header: 'no response',
  rcode: -1,
  question: [],
  answer: [],
  authority: [],
  additional: [],
  opt: null,
};

describe('callx answers exactly as Knot DNS does', () => {
  let knot: Knot;
  let callx: DnsServer;

  beforeAll(async () => {
    const zones = new ZoneSet();
    for (const f of FILES)
      zones.addZone(
        loadZone(
          f,
          f
            .split('/')
            .pop()!
            .replace(/\.zone$/, ''),
        ).zone,
      );
    callx = createDnsServer({
      config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
      logger: silentLogger,
      zones,
    });
    await callx.start();
    knot = await startKnot(FILES);
  });

  afterAll(async () => {
    await callx?.stop();
    await knot?.stop();
  });

  it('gives the same response to every query of the set', async () => {
    const diffs: string[] = [];
    for (const c of cases) {
      const base = buildQuery({ edns: E0, ...c, id: 0x4242 });
      const msg = c.raw ? c.raw(base) : base;
      // twice: the second answer comes from callx's packet cache
      for (const round of [1, 2]) {
        const [ours, theirs] = await Promise.all([ask(callx.port, c, msg), ask(knot.port, c, msg)]);
        const a = ours ? normalize(ours) : SILENT;
        const b = theirs ? normalize(theirs) : SILENT;
        if (c.knotSilent) {
          if (theirs !== null || a.rcode !== 1)
            diffs.push(
              `${label(c)}: expected Knot silent and callx FORMERR, got ${b.header} / ${a.header} rcode ${a.rcode}`,
            );
          continue;
        }
        for (const k of Object.keys(b) as (keyof typeof b)[]) {
          if (JSON.stringify(a[k]) !== JSON.stringify(b[k]))
            diffs.push(
              `${label(c)} (round ${round}) ${k}:\n  callx: ${JSON.stringify(a[k])}\n  knot:  ${JSON.stringify(b[k])}`,
            );
        }
      }
    }
    expect(diffs.join('\n')).toBe('');
  });

  it('preserves the question case in the answer owner (compressed to the question)', async () => {
    const msg = buildQuery({ name: 'X.2.8.PSTN.callx.TEST', type: 'NAPTR', edns: E0 });
    const r = await udpQuery(callx.port, msg);
    const qEnd = 12 + 'X.2.8.PSTN.callx.TEST'.length + 2;
    expect(r.subarray(12, qEnd).toString('latin1')).toContain('PSTN');
    expect(r.readUInt16BE(qEnd + 4)).toBe(0xc00c);
  });
});
