// A real secondary, Knot DNS from Debian, mirrors callx: it transfers every zone (master files
// and registry data, a zone created in the registry too) by AXFR with TSIG, answers exactly as
// callx does, then follows a registry change by IXFR after callx's NOTIFY. Transfers from an
// address outside the ACL, unsigned or with a bad key are refused with the right codes.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import type { Country, ZoneDoc } from '../../src/core/model.ts';
import { parseTsigKeys, signRequest } from '../../src/dns/xfr/tsig.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { runPeer } from '../helpers/peer.ts';
import { until } from '../helpers/until.ts';
import { normalize } from './helpers/compare.ts';
import { digUntil, soaSerial } from './helpers/dig.ts';
import { freePort, type KnotSecondary, startKnotSecondary } from './helpers/knot.ts';
import {
  APEX,
  DERIVATION,
  embeddedRegistry,
  enumName,
  member,
  publisherOn,
  type Registry,
  zoneDoc,
} from './helpers/registry.ts';
import { buildQuery, type QuerySpec, tcpQuery, udpQuery } from './helpers/wire.ts';

const ROOT = join(import.meta.dirname, '../..');
const KEY = `xfr-key:hmac-sha256:${randomBytes(32).toString('base64')}`;
const ZONES = [APEX, `e164.${APEX}`, 'acme.example'];
const MEMBERS = 1000;
const number = (i: number) => `+8231${String(i).padStart(7, '0')}`;

/** Queries both servers must answer the same (rcode, flags, every section, OPT). */
function querySet(extra: string[] = []): (QuerySpec & { tcp?: boolean })[] {
  const names: [string, string][] = [
    [APEX, 'SOA'],
    [APEX, 'NS'],
    [`e164.${APEX}`, 'SOA'],
    [`e164.${APEX}`, 'NS'],
    ['acme.example', 'SOA'],
    ['acme.example', 'NS'],
    ['www.acme.example', 'A'],
    ['ns1.acme.example', 'A'],
    ['nx.acme.example', 'A'],
    [enumName(number(0)), 'NAPTR'],
    [enumName(number(MEMBERS - 1)), 'NAPTR'],
    [enumName('+82262006200'), 'NAPTR'],
    [enumName('+8299999999'), 'NAPTR'],
    [`1.3.2.8.e164.${APEX}`, 'NAPTR'],
    [`www.${APEX}`, 'CNAME'],
    [`sip.${APEX}`, 'A'],
    [`jp.center.${APEX}`, 'NAPTR'],
    [`_sip._udp.jp.center.${APEX}`, 'SRV'],
    [`0.0.2.6.0.0.2.6.2.2.8.pstn.${APEX}`, 'NAPTR'],
    [`5.4.3.2.1.0.0.1.0.1.2.8.pstn.${APEX}`, 'NAPTR'],
    [`x.partner.${APEX}`, 'A'],
    [`nx.${APEX}`, 'TXT'],
    [`center.${APEX}`, 'A'],
    ...extra.map((n) => [n, 'NAPTR'] as [string, string]),
  ];
  return [
    ...names.map(([name, type]) => ({ name, type, edns: { size: 1232 } })),
    { name: APEX, type: 'ANY', edns: { size: 1232 }, tcp: true },
    { name: `e164.${APEX}`, type: 'NS', edns: null },
  ];
}

async function differences(
  a: number,
  b: number,
  queries: (QuerySpec & { tcp?: boolean })[],
): Promise<string[]> {
  const diffs: string[] = [];
  for (const c of queries) {
    const msg = buildQuery({ ...c, id: 0x5151 });
    const ask = async (port: number) =>
      normalize(c.tcp ? (await tcpQuery(port, [msg]))[0]! : await udpQuery(port, msg));
    const [x, y] = await Promise.all([ask(a), ask(b)]);
    for (const k of Object.keys(x) as (keyof typeof x)[]) {
      if (JSON.stringify(x[k]) !== JSON.stringify(y[k]))
        diffs.push(
          `${c.name} ${c.type} ${k}:\n  callx: ${JSON.stringify(x[k])}\n  knot:  ${JSON.stringify(y[k])}`,
        );
    }
  }
  return diffs;
}

/** kdig's verdict on a transfer: the error the server replied with, or 'ok' for a whole transfer. */
async function kdigXfr(port: number, zone: string, args: string[]): Promise<string> {
  const r = await runPeer('kdig', ['@127.0.0.1', '-p', String(port), ...args, zone, 'AXFR'], {
    timeout: 20_000,
  });
  const m = /server replied with error '([A-Z]+)'/.exec(r.stderr);
  if (m) return m[1]!;
  // 'ok' only for a transfer that ran: kdig exited 0 and printed the zone, ending with its SOA
  if (r.code === 0 && /\tSOA\t[^\n]*\n[\s\S]*\tSOA\t/.test(r.stdout)) return 'ok';
  return `kdig exit ${r.code}: ${r.stderr.trim() || r.stdout.trim().slice(-300)}`;
}

async function waitInSync(callx: number, knot: KnotSecondary, deadlineMs = 30_000): Promise<void> {
  let want: number[] = [];
  let got: number[] = [];
  await until(
    () =>
      `the secondary in sync: callx ${want} knot ${got}; knotd log:\n${knot.log().split('\n').slice(-30).join('\n')}`,
    async () => {
      want = await Promise.all(ZONES.map((z) => soaSerial(callx, z)));
      got = await Promise.all(ZONES.map((z) => soaSerial(knot.port, z).catch(() => -1)));
      return want.every((s, i) => s === got[i]);
    },
    deadlineMs,
    100,
  );
}

describe('Knot DNS as a secondary of callx', () => {
  let reg: Registry;
  let pub: Publisher;
  let node: DnsNode;
  let knot: KnotSecondary;

  beforeAll(async () => {
    reg = embeddedRegistry();
    pub = publisherOn(await reg.open());
    for (let i = 0; i < MEMBERS; i++) await pub.insert('members', member(`m${i}`, [number(i)]));
    const now = Date.now();
    await pub.insert<ZoneDoc>('zones', zoneDoc('acme.example', 'r1', now));
    const rrset = (zone: string, name: string, type: string, records: string[]) =>
      pub.update(
        'rrsets',
        { _id: `${zone}|${name}|${type}` },
        { $set: { zone, name, type, ttl: 300, records, updatedAt: now }, $setOnInsert: { createdAt: now } },
        { upsert: true },
      );
    await rrset('acme.example', 'ns1.acme.example', 'A', ['192.0.2.53']);
    await rrset('acme.example', 'www.acme.example', 'A', ['192.0.2.80']);
    await rrset(APEX, `www.${APEX}`, 'CNAME', []); // hides the master file's www CNAME
    await pub.insert<Country>('countries', {
      _id: 'JP',
      callingCode: '81',
      name: 'Japan',
      registrarId: null,
      center: {
        targets: [
          {
            host: `sip1.jp.center.${APEX}`,
            port: 5060,
            priority: 10,
            weight: 100,
            transport: 'udp',
            addresses: ['127.0.12.1'],
          },
        ],
      },
      createdAt: now,
      updatedAt: now,
    });

    const knotPort = await freePort();
    node = createDnsNode({
      config: {
        addr: '127.0.0.1',
        port: 0,
        tcpIdleMs: 5000,
        xfrAllow: ['127.0.0.1'],
        tsigKeys: [KEY],
        notify: [{ host: '127.0.0.1', port: knotPort }],
        journalPollMs: 200,
      },
      logger: silentLogger,
      store: await reg.open(),
      zonesDir: join(ROOT, 'zones'),
      apex: APEX,
      derivation: DERIVATION,
      notifyRetryMs: 300,
      notifyMaxRetryMs: 2000,
    });
    await node.start();
    knot = await startKnotSecondary({ port: knotPort, primaryPort: node.port, zones: ZONES, key: KEY });
    await waitInSync(node.port, knot);
  });

  afterAll(async () => {
    await knot?.stop();
    await node?.stop();
    await reg?.close();
  });

  it('transfers every zone by AXFR with TSIG, in several messages for a big zone, and answers as callx does', async () => {
    const log = knot.log();
    for (const z of ZONES)
      expect(log, z).toMatch(
        new RegExp(`\\[${z}\\.\\] AXFR, incoming, remote 127\\.0\\.0\\.1@${node.port}.* finished`),
      );
    const e164 = new RegExp(
      `\\[e164\\.${APEX}\\.\\] AXFR, incoming, remote [^,]+, finished, [0-9.]+ seconds, (\\d+) messages`,
    ).exec(log);
    expect(Number(e164?.[1])).toBeGreaterThan(1);
    expect(await differences(node.port, knot.port, querySet())).toEqual([]);
  });

  it('follows a registry change by IXFR after NOTIFY, and still answers as callx does', async () => {
    const mark = knot.log().length;
    const added = '+8231999999';
    await pub.insert('members', member('m-added', [added]));
    await pub.update('members', { _id: 'm0' }, { $set: { numbers: [] } });
    await pub.update(
      'rrsets',
      { _id: 'acme.example|www.acme.example|A' },
      { $set: { records: ['192.0.2.81'] } },
    );
    await digUntil(knot.port, enumName(added), 'NAPTR', (a) => a.rdata.length === 1, 20_000);
    await waitInSync(node.port, knot);
    const log = knot.log().slice(mark);
    expect(log).toMatch(/notify, incoming, remote 127\.0\.0\.1@\d+, serial \d+/i);
    for (const z of [`e164.${APEX}`, 'acme.example'])
      expect(log, z).toMatch(
        new RegExp(`\\[${z}\\.\\] IXFR, incoming, remote 127\\.0\\.0\\.1@${node.port}.* finished`),
      );
    expect(log).not.toMatch(/fallback to AXFR|AXFR, incoming/);
    expect(await differences(node.port, knot.port, querySet([enumName(added)]))).toEqual([]);
  });

  it('refuses transfers from outside the ACL, unsigned or with a bad key (REFUSED, NOTAUTH/BADKEY, BADSIG, BADTIME)', async () => {
    const [name, alg, secret] = KEY.split(':') as [string, string, string];
    const good = ['-y', `${alg}:${name}:${secret}`];
    expect(await kdigXfr(node.port, APEX, good)).toBe('ok');
    expect(await kdigXfr(node.port, APEX, ['-b', '127.0.0.2', ...good])).toBe('REFUSED');
    expect(await kdigXfr(node.port, APEX, [])).toBe('REFUSED');
    expect(await kdigXfr(node.port, APEX, ['-y', `${alg}:other-key:${secret}`])).toBe('BADKEY');
    expect(
      await kdigXfr(node.port, APEX, ['-y', `${alg}:${name}:${randomBytes(32).toString('base64')}`]),
    ).toBe('BADSIG');
    expect(await kdigXfr(node.port, APEX, ['-y', `hmac-sha512:${name}:${secret}`])).toBe('BADKEY');
    // BADTIME: a request signed ten minutes in the past (kdig cannot do that)
    const key = [...parseTsigKeys([KEY]).values()][0]!;
    const q = buildQuery({ name: APEX, type: 'SOA', id: 0x7777, edns: null });
    const stale = signRequest(q, key, Math.floor(Date.now() / 1000) - 600).wire;
    const r = await udpQuery(node.port, stale);
    expect(r[3]! & 0xf).toBe(9); // NOTAUTH
    const tsigError = r.readUInt16BE(r.length - 10);
    expect(tsigError).toBe(18);
    expect(r.readUInt16BE(r.length - 8)).toBe(6); // other data: the server's time
  });
});
