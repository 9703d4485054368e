// Zone transfers from a DNS node, checked with kdig (which verifies every TSIG signature) and a
// raw TCP client: AXFR of a zone that takes many messages, IXFR from the change history that the
// journal feeds, the fallbacks and refusals of RFC 1995/5936, and that a transfer is a snapshot
// even when the registry changes while it runs.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { parseTsigKeys, signRequest } from '../../src/dns/xfr/tsig.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { Packet, registerDns2Codecs } from '../helpers/dns2.ts';
import { runPeer } from '../helpers/peer.ts';
import { until } from '../helpers/until.ts';
import { dig, digUntil, soaSerial } from './helpers/dig.ts';
import {
  APEX,
  DERIVATION,
  embeddedRegistry,
  enumName,
  member,
  publisherOn,
  type Registry,
} from './helpers/registry.ts';
import { buildQuery, tcpQuery, udpQuery } from './helpers/wire.ts';

registerDns2Codecs();
const ROOT = join(import.meta.dirname, '../..');
const KEY = `xfr-key:hmac-sha256:${randomBytes(32).toString('base64')}`;
const [KEY_NAME, KEY_ALG, KEY_SECRET] = KEY.split(':') as [string, string, string];
// more than the kernel buffers a paused client and the server hold together (~4 MB here), so a
// transfer held by its client is still in progress
const BIG = 150_000;
const E164 = `e164.${APEX}`;

interface Kdig {
  records: string[];
  messages: number;
  error: string | null;
}

/** kdig with the key: every record of the answer, how many messages, or the error it reports. */
async function kdig(port: number, args: string[]): Promise<Kdig> {
  const r = await runPeer(
    'kdig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      '-y',
      `${KEY_ALG}:${KEY_NAME}:${KEY_SECRET}`,
      '+noall',
      '+answer',
      '+stats',
      ...args,
    ],
    { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
  );
  const out = r.stdout;
  const err = r.stderr;
  const error = /server replied with error '([A-Z]+)'/.exec(err)?.[1] ?? /ERROR: (.*)/.exec(err)?.[1] ?? null;
  return {
    records: out
      .split('\n')
      .filter((l) => l && !l.startsWith(';') && !/\tTSIG\t/.test(l))
      .map((l) => l.replace(/\s+/g, ' ').trim()),
    messages: Number(/\((\d+) messages?,/.exec(out)?.[1] ?? 0),
    error,
  };
}

describe('zone transfers from a DNS node', () => {
  let reg: Registry;
  let pub: Publisher;
  let node: DnsNode;
  let zonesDir: string;

  beforeAll(async () => {
    zonesDir = mkdtempSync(join(tmpdir(), 'callx-xfr-'));
    for (const f of ['callx.test.zone', 'e164.callx.test.zone', 'routes.inc', 'carriers.inc'])
      copyFileSync(join(ROOT, 'zones', f), join(zonesDir, f));
    const lines = ['$TTL 300', '@ SOA ns1 hostmaster 7 3600 600 86400 60', '@ NS ns1', 'ns1 A 192.0.2.53'];
    for (let i = 0; i < BIG; i++)
      lines.push(`r${String(i).padStart(5, '0')} TXT "record ${i} of the big zone"`);
    writeFileSync(join(zonesDir, 'big.test.zone'), `${lines.join('\n')}\n`);
    reg = embeddedRegistry();
    pub = publisherOn(await reg.open());
    await pub.insert('members', member('m1', ['+82262006401']));
    node = createDnsNode({
      config: {
        addr: '127.0.0.1',
        port: 0,
        tcpIdleMs: 5000,
        xfrAllow: ['127.0.0.1'],
        tsigKeys: [KEY],
        notify: [],
        journalPollMs: 100,
      },
      logger: silentLogger,
      store: await reg.open(),
      zonesDir,
      apex: APEX,
      derivation: DERIVATION,
      maxTransfers: 2,
    });
    await node.start();
  });

  afterAll(async () => {
    await node?.stop();
    await reg?.close();
    rmSync(zonesDir, { recursive: true, force: true });
  });

  it('AXFR: SOA first and last, every record once, in many signed messages', async () => {
    const r = await kdig(node.port, ['big.test', 'AXFR']);
    expect(r.error).toBeNull();
    expect(r.messages).toBeGreaterThan(10);
    expect(r.records).toHaveLength(BIG + 4);
    expect(r.records[0]).toBe('big.test. 300 IN SOA ns1.big.test. hostmaster.big.test. 7 3600 600 86400 60');
    expect(r.records.at(-1)).toBe(r.records[0]);
    const exported = (await node.exportZone('big.test'))!
      .split('\n')
      .filter((l) => l && !l.startsWith(';') && !l.startsWith('$'))
      .map((l) => l.replace(/\s+/g, ' '));
    expect(new Set(r.records.slice(1, -1))).toEqual(new Set(exported.slice(1)));
  });

  it('IXFR: the differences since the client serial, from the history the journal feeds', async () => {
    const s0 = await soaSerial(node.port, E164);
    await pub.insert('members', member('m2', ['+82262006402']));
    await digUntil(node.port, enumName('+82262006402'), 'NAPTR', (a) => a.rdata.length === 1);
    const s1 = await soaSerial(node.port, E164);
    await pub.update(
      'members',
      { _id: 'm1' },
      { $set: { numbers: [{ kind: 'pin', e164: '+82262006403' }] } },
    );
    await digUntil(node.port, enumName('+82262006403'), 'NAPTR', (a) => a.rdata.length === 1);
    const s2 = await soaSerial(node.port, E164);
    expect([s1 > s0, s2 > s1]).toEqual([true, true]);
    const soa = (s: number) =>
      `${E164}. 3600 IN SOA ns1.callx.test. hostmaster.callx.test. ${s} 3600 600 1209600 300`;
    const rd = (e164: string) =>
      `${enumName(e164)}. 300 IN NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:${e164}@kr.center.callx.test!" .`;

    const all = await kdig(node.port, [E164, `IXFR=${s0}`]);
    expect(all.error).toBeNull();
    expect(all.records).toEqual([
      soa(s2),
      soa(s0),
      soa(s1),
      rd('+82262006402'),
      soa(s1),
      rd('+82262006401'),
      soa(s2),
      rd('+82262006403'),
      soa(s2),
    ]);
    const last = await kdig(node.port, [E164, `IXFR=${s1}`]);
    expect(last.records).toEqual([
      soa(s2),
      soa(s1),
      rd('+82262006401'),
      soa(s2),
      rd('+82262006403'),
      soa(s2),
    ]);
    // up to date, or ahead: the single SOA
    for (const s of [s2, s2 + 5])
      expect((await kdig(node.port, [E164, `IXFR=${s}`])).records).toEqual([soa(s2)]);
    // over UDP: the single SOA tells the client to come back over TCP (RFC 1995 §2)
    expect((await kdig(node.port, ['+notcp', E164, `IXFR=${s0}`])).records).toEqual([soa(s2)]);
    // a serial the history does not know: the whole zone, AXFR style
    const axfr = await kdig(node.port, [E164, 'IXFR=2000000000']);
    expect(axfr.records[0]).toBe(soa(s2));
    expect(axfr.records.at(-1)).toBe(soa(s2));
    expect(axfr.records).toContain(rd('+82262006402'));
    expect(axfr.records).not.toContain(rd('+82262006401'));
    expect(axfr.records.filter((l) => l.includes(' SOA ')).length).toBe(2);
  });

  it('answers what it cannot transfer as Knot does: NOTIMP over UDP, NOTAUTH outside a zone apex or for NOTIFY', async () => {
    expect((await kdig(node.port, ['+notcp', APEX, 'AXFR'])).error).toBe('NOTIMPL'); // kdig's name for NOTIMP
    expect((await kdig(node.port, [`center.${APEX}`, 'AXFR'])).error).toBe('NOTAUTH');
    expect((await kdig(node.port, ['example.org', 'AXFR'])).error).toBe('NOTAUTH');
    const notify = await dig(node.port, APEX, 'SOA', ['+opcode=notify']);
    expect(notify.status).toBe('NOTAUTH');
    // IXFR without the client's SOA in the authority section
    const key = [...parseTsigKeys([KEY]).values()][0]!;
    const bare = signRequest(
      buildQuery({ name: E164, type: 'IXFR', id: 9, edns: null }),
      key,
      Math.floor(Date.now() / 1000),
    );
    const [r] = await tcpQuery(node.port, [bare.wire]);
    expect(r![3]! & 0xf).toBe(1);
  });

  it('a transfer is a snapshot: a registry change while it streams is not mixed in', async () => {
    const key = [...parseTsigKeys([KEY]).values()][0]!;
    const before = await soaSerial(node.port, 'big.test');
    const q = signRequest(
      buildQuery({ name: 'big.test', type: 'AXFR', id: 0x0a0a, edns: null }),
      key,
      Math.floor(Date.now() / 1000),
    );
    const sock = net.connect(node.port, '127.0.0.1');
    const frames: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let paused = false;
    let resumed: () => void = () => {};
    const done = new Promise<void>((resolveDone, reject) => {
      sock.on('error', reject);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          frames.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (!paused) {
          paused = true;
          sock.pause(); // hold the transfer in the middle
          resumed();
        }
        const last = frames.at(-1);
        if (frames.length > 1 && last) {
          const p = Packet.parse(last);
          if (p.answers.at(-1)?.type === 6) {
            sock.end();
            resolveDone();
          }
        }
      });
    });
    sock.write(Buffer.concat([Buffer.from([q.wire.length >> 8, q.wire.length & 255]), q.wire]));
    await new Promise<void>((r) => {
      resumed = r;
    });
    // while it is held: change the zone through the registry, and the transfer slots are busy
    const now = Date.now();
    await pub.update(
      'rrsets',
      { _id: 'big.test|r00001.big.test|TXT' },
      {
        $set: {
          zone: 'big.test',
          name: 'r00001.big.test',
          type: 'TXT',
          ttl: 300,
          records: ['"changed"'],
          updatedAt: now,
        },
      },
      { upsert: true },
    );
    await digUntil(node.port, 'r00001.big.test', 'TXT', (a) => a.rdata[0] === '"changed"');
    expect(node.stats().server.transfers).toBe(1);
    const other = await kdig(node.port, ['big.test', 'AXFR']); // slot 2 of 2
    expect(other.error).toBeNull();
    sock.resume();
    await done;
    const records = frames.flatMap((f) => Packet.parse(f).answers);
    const soas = records
      .filter((r: { type: number }) => r.type === 6)
      .map((r: { serial: number }) => r.serial);
    expect(soas).toEqual([before, before]);
    const r1 = records.filter((r: { name: string }) => r.name === 'r00001.big.test');
    expect(r1.map((r: { data: string[] }) => r.data.join(''))).toEqual(['record 1 of the big zone']);
    expect(records).toHaveLength(BIG + 4);
    expect(await soaSerial(node.port, 'big.test')).toBeGreaterThan(before);
    await until('no transfer running', () => node.stats().server.transfers === 0);
    expect(node.stats().server.transfers).toBe(0);
  });

  it('refuses a transfer beyond the limit of transfers running at once', async () => {
    const key = [...parseTsigKeys([KEY]).values()][0]!;
    const socks: net.Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const q = signRequest(
          buildQuery({ name: 'big.test', type: 'AXFR', id: i, edns: null }),
          key,
          Math.floor(Date.now() / 1000),
        );
        const s = net.connect(node.port, '127.0.0.1');
        s.on('error', () => {});
        await new Promise((r) => s.once('connect', r));
        s.once('data', () => s.pause()); // a slow secondary: holds its slot
        s.write(Buffer.concat([Buffer.from([q.wire.length >> 8, q.wire.length & 255]), q.wire]));
        socks.push(s);
      }
      await until('two transfers running', () => node.stats().server.transfers === 2);
      expect(node.stats().server.transfers).toBe(2);
      const third = await kdig(node.port, ['big.test', 'AXFR']);
      expect(third.error).toBe('REFUSED');
      // normal queries are answered meanwhile
      const a = await udpQuery(node.port, buildQuery({ name: 'r00002.big.test', type: 'TXT', edns: null }));
      expect(a.readUInt16BE(6)).toBe(1);
    } finally {
      for (const s of socks) s.destroy();
    }
    await until('no transfer running', () => node.stats().server.transfers === 0);
    expect(node.stats().server.transfers).toBe(0);
  });
});
