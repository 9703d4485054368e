// Hostile input: random and mutated packets over UDP and TCP (garbage, truncated length
// prefixes, slow partial frames, connection floods). Afterwards the server must still answer
// correctly, the handler must never have thrown, and every answer it gave must be well formed.
import dgram from 'node:dgram';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsServer, type DnsServer } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { parseTsigKeys, signRequest } from '../../src/dns/xfr/tsig.ts';
import { Writer } from '../../src/wire/writer.ts';
import { Packet, registerDns2Codecs } from '../helpers/dns2.ts';
import { buildQuery, tcpQuery, udpQuery } from './helpers/wire.ts';

registerDns2Codecs();
const ROOT = join(import.meta.dirname, '../..');

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  buildQuery({
    name: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
    type: 'NAPTR',
    edns: { size: 1232, do: true },
  }),
  buildQuery({ name: 'x.2.8.pstn.callx.test', type: 'NAPTR', edns: null }),
  buildQuery({ name: 'sip.callx.test', type: 'A', rd: true }),
  buildQuery({ name: 'x.partner.callx.test', type: 'ANY' }),
];

function mutate(r: () => number, base: Buffer): Buffer {
  const b = Buffer.from(base);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = r();
    const at = Math.floor(r() * b.length);
    if (k < 0.4) b[at] = Math.floor(r() * 256);
    else if (k < 0.55) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    else if (k < 0.7)
      b.writeUInt16BE(Math.floor(r() * 65536), 2 * Math.floor(r() * 6)); // header fields
    else if (k < 0.8)
      b[12 + Math.floor(r() * 10)] = [0, 63, 64, 0xc0, 0xff][Math.floor(r() * 5)]!; // label lengths
    else if (k < 0.9) return b.subarray(0, at);
    else
      return Buffer.concat([
        b,
        Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))),
      ]);
  }
  return b;
}

function packets(seed: number, count: number, seeds = SEEDS): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (r() < 0.3)
      out.push(Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256))));
    else out.push(mutate(r, seeds[Math.floor(r() * seeds.length)]!));
  }
  return out;
}

const KEY = `fuzz-key:hmac-sha256:${Buffer.from('fuzzing secret, 32 octets long!!').toString('base64')}`;
const key = [...parseTsigKeys([KEY]).values()][0]!;
const signed = (q: Buffer) => signRequest(q, key, Math.floor(Date.now() / 1000)).wire;

/** An IXFR query with the client's SOA in the authority section (RFC 1995). */
function ixfr(serial: number): Buffer {
  const q = buildQuery({ name: 'e164.callx.test', type: 'IXFR', edns: null });
  const w = new Writer(64, false);
  w.u16(0xc00c); // the question's name
  w.u16(6);
  w.u16(1);
  w.u32(3600);
  w.u16(22);
  w.u8(0); // mname, rname: the root
  w.u8(0);
  for (const v of [serial, 0, 0, 0, 0]) w.u32(v);
  const out = Buffer.concat([q, w.toBuffer()]);
  out.writeUInt16BE(1, 8);
  return out;
}

/** Transfers, signed queries and NOTIFY: the slow path. */
const XFR_SEEDS = [
  signed(buildQuery({ name: 'e164.callx.test', type: 'AXFR', edns: null })),
  signed(ixfr(2026112600)),
  ixfr(2026112601),
  signed(buildQuery({ name: 'callx.test', type: 'SOA', edns: { size: 1232 } })),
  buildQuery({ name: 'callx.test', type: 'SOA', opcode: 4 }),
];

describe('fuzzing the DNS server', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = createDnsServer({
      config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 500, xfrAllow: ['127.0.0.1'], tsigKeys: [KEY] },
      logger: silentLogger,
      zonesDir: join(ROOT, 'zones'),
      maxTcpConnections: 50,
    });
    await dns.start();
  });
  afterAll(async () => {
    await dns?.stop();
  });

  async function stillAnswers() {
    const q = buildQuery({ name: 'X.2.8.PSTN.callx.test', type: 'NAPTR', id: 4321 });
    const u = Packet.parse(await udpQuery(dns.port, q));
    expect(u.header).toMatchObject({ id: 4321, aa: 1, rcode: 0 });
    expect(u.answers[0]).toMatchObject({
      name: 'X.2.8.PSTN.callx.test',
      regexp: '!^\\+(.*)$!sip:+\\1@gw.kr.callx.test;user=phone!',
    });
    const [t] = await tcpQuery(dns.port, [q]);
    expect(t!.subarray(2)).toEqual((await udpQuery(dns.port, q)).subarray(2));
  }

  it('the handler never throws and every response is well formed', () => {
    for (const p of packets(1, 20_000)) {
      const out = dns.handler.handle(p, false);
      if (!out) continue;
      expect(out.readUInt16BE(0)).toBe(p.readUInt16BE(0));
      expect(out[2]! & 0x80).toBe(0x80);
      expect(() => Packet.parse(out)).not.toThrow();
      expect(out.length).toBeLessThanOrEqual(1232);
    }
  });

  it('signed queries, transfers and NOTIFY: never a throw, every message of every answer well formed', async () => {
    let jobs = 0;
    for (const p of packets(4, 4000, XFR_SEEDS)) {
      const out = dns.handler.handleTcp(p, '127.0.0.1');
      if (!out) continue;
      const msgs: Buffer[] = [];
      if (out instanceof Uint8Array) msgs.push(out);
      else {
        jobs++;
        await out.run(async (m) => {
          msgs.push(m);
        });
      }
      for (const m of msgs) {
        expect(m.readUInt16BE(0)).toBe(p.readUInt16BE(0));
        expect(m[2]! & 0x80).toBe(0x80);
        expect(() => Packet.parse(m)).not.toThrow();
      }
    }
    expect(jobs).toBeGreaterThan(0);
    expect(dns.stats().transfers).toBe(0);
    for (const p of packets(5, 4000, XFR_SEEDS)) dns.handler.handle(p, false, '127.0.0.1');
    expect(dns.stats().transfers).toBe(0);
  });

  it('survives random and mutated datagrams', async () => {
    const sock = dgram.createSocket('udp4');
    const list = packets(2, 5000);
    for (let i = 0; i < list.length; i += 100) {
      await Promise.all(
        list.slice(i, i + 100).map((p) => new Promise((r) => sock.send(p, dns.port, '127.0.0.1', r))),
      );
    }
    sock.close();
    await stillAnswers();
  });

  it('survives garbage, truncated length prefixes, partial frames and a connection flood over TCP', async () => {
    const r = rng(3);
    const conns: net.Socket[] = [];
    for (let i = 0; i < 120; i++) {
      const s = net.connect(dns.port, '127.0.0.1');
      s.on('error', () => {});
      conns.push(s);
      const kind = i % 4;
      if (kind === 0) s.write(Buffer.from([0xff])); // half a length prefix
      if (kind === 1) s.write(Buffer.from([0xff, 0xff, 1, 2, 3])); // announces 65535, sends 3
      if (kind === 2)
        for (const p of packets(10 + i, 20))
          s.write(Buffer.concat([Buffer.from([p.length >> 8, p.length & 0xff]), p]));
      if (kind === 3) s.write(Buffer.from(Array.from({ length: 2000 }, () => Math.floor(r() * 256))));
    }
    await new Promise((res) => setTimeout(res, 300));
    // the flood cannot hold more than maxTcpConnections open
    expect(dns.stats().tcpConnections).toBeLessThanOrEqual(50);
    for (const s of conns) s.destroy();
    await stillAnswers();
  });
});
