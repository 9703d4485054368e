// Hostile input: random and mutated packets over UDP and TCP (garbage, truncated length
// prefixes, slow partial frames, connection floods). Afterwards the server must still answer
// correctly, the handler must never have thrown, and every answer it gave must be well formed.
// Then a seeded run sized to a time budget (a new seed each run, printed on failure; set
// CALLX_DNS_FUZZ_SEED to replay one, CALLX_DNS_FUZZ_MS to change the budget), and the memory a
// long malformed flood may hold.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
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

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function capture() {
  let lines = 0;
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines += String(chunk).split('\n').filter(Boolean).length;
      done();
    },
  });
  return { lines: () => lines, logger: pino({ level: 'info' }, sink) };
}

/** Flips the case of the question name's letters at random (the cache must give the client's case back). */
function recase(r: () => number, q: Buffer): Buffer {
  const b = Buffer.from(q);
  for (let p = 12, len = b[p]!; len !== 0 && p + len < b.length; p += len + 1, len = b[p]!)
    for (let i = p + 1; i <= p + len; i++) {
      const c = b[i]! | 0x20;
      if (c >= 97 && c <= 122 && r() < 0.5) b[i] = b[i]! ^ 0x20;
    }
  if (b.length >= 2) b.writeUInt16BE(Math.floor(r() * 65536), 0);
  return b;
}

const SEED = process.env.CALLX_DNS_FUZZ_SEED ? Number(process.env.CALLX_DNS_FUZZ_SEED) : randomInt(2 ** 31);
const BUDGET_MS = Number(process.env.CALLX_DNS_FUZZ_MS ?? 15_000);

/** Questions that reach every answer kind: members, wildcards, referrals, CNAME, NXDOMAIN, big, TC. */
const NAMES = [
  '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
  'x.2.8.pstn.callx.test',
  '5.4.3.2.1.0.0.2.6.2.8.pstn.callx.test',
  'sip.callx.test',
  'callx.test',
  'e164.callx.test',
  'x.partner.callx.test',
  'nx.callx.test',
  '_sip._udp.kr.center.callx.test',
  'no.such.zone.test',
];
const TYPES = ['A', 'AAAA', 'NAPTR', 'SRV', 'NS', 'SOA', 'TXT', 'ANY', 'MX', 'CNAME', 'PTR'];

describe('seeded DNS fuzz run', () => {
  it(
    `within its time budget: never a throw, every answer well formed, cached answers equal fresh ones, few log lines`,
    async () => {
      let i = 0;
      onTestFailed(() => {
        process.stderr.write(
          `dns fuzz: failed at packet ${i}; replay with CALLX_DNS_FUZZ_SEED=${SEED} CALLX_DNS_FUZZ_MS=${BUDGET_MS}\n`,
        );
      });
      const { lines, logger } = capture();
      const dns = createDnsServer({
        config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 500, xfrAllow: ['127.0.0.2'], tsigKeys: [KEY] },
        logger,
        zonesDir: join(ROOT, 'zones'),
      });
      await dns.start();
      // the same model without any cache: what every answer must be
      const fresh = createDnsServer({
        config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 500, xfrAllow: ['127.0.0.2'], tsigKeys: [KEY] },
        logger: silentLogger,
        zones: dns.zones,
        cacheEntries: 0,
        wildcardTemplates: false,
      });
      const r = rng(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const recent: Buffer[] = [];
      const deadline = Date.now() + BUDGET_MS;
      let answered = 0;
      let hits = 0;
      try {
        for (; Date.now() < deadline; i++) {
          const k = r();
          let p: Buffer;
          if (k < 0.3 && recent.length > 0) p = recase(r, pick(recent));
          else if (k < 0.55) {
            const edns = r() < 0.5 ? null : { size: pick([512, 1232, 4096]), do: r() < 0.5 };
            p = buildQuery({ name: pick(NAMES), type: pick(TYPES), edns, rd: r() < 0.5 });
            if (r() < 0.3) p = mutate(r, p);
          } else if (k < 0.6) p = mutate(r, pick(XFR_SEEDS));
          else p = packets(Math.floor(r() * 2 ** 31), 1)[0]!;
          if (recent.length < 500) recent.push(p);
          else recent[Math.floor(r() * 500)] = p;
          const tcp = r() < 0.1;
          const out = tcp ? dns.handler.handleTcp(p, '127.0.0.1') : dns.handler.handle(p, false, '127.0.0.1');
          const msgs: Buffer[] = [];
          if (out instanceof Uint8Array) msgs.push(out);
          else if (out) await out.run(async (m) => void msgs.push(m));
          for (const m of msgs) {
            if (m.readUInt16BE(0) !== p.readUInt16BE(0) || (m[2]! & 0x80) === 0)
              throw new Error(`packet ${i}: answer without the query's ID or QR`);
            Packet.parse(m);
            if (!tcp && m.length > 1232) throw new Error(`packet ${i}: UDP answer of ${m.length} octets`);
          }
          // signed answers carry the time: only unsigned ones are compared octet for octet
          if (out instanceof Uint8Array && !msgs[0]!.includes(Buffer.from('fuzz-key'))) {
            const want = tcp
              ? fresh.handler.handleTcp(p, '127.0.0.1')
              : fresh.handler.handle(p, false, '127.0.0.1');
            if (!(want instanceof Uint8Array) || !want.equals(out))
              throw new Error(`packet ${i}: cached answer differs from a fresh one (${p.toString('hex')})`);
            answered++;
          }
        }
        hits = dns.stats().cache.hits;
        expect(dns.stats().transfers).toBe(0);
      } finally {
        await dns.stop();
      }
      // the run did reach the cache's both sides, and logged a handful of lines, not one per packet
      expect(answered).toBeGreaterThan(1000);
      expect(hits).toBeGreaterThan(100);
      expect(lines()).toBeLessThan(60);
    },
    BUDGET_MS + 30_000,
  );
});

describe('memory under a malformed flood', () => {
  it('420,000 mutated packets hold no more than the packet cache bound beyond the first 40,000', async () => {
    const CACHE = 2 * 1024 * 1024;
    const dns = createDnsServer({
      config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 500, cacheBytes: CACHE },
      logger: silentLogger,
      zonesDir: join(ROOT, 'zones'),
    });
    await dns.start();
    // full collections, with time between them for V8 to free the ArrayBuffers it swept
    const mem = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const r = rng(7);
    const flood = (n: number) => {
      for (let i = 0; i < n; i++) {
        const p =
          r() < 0.3
            ? Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)))
            : mutate(r, SEEDS[Math.floor(r() * SEEDS.length)]!);
        dns.handler.handle(p, false, '127.0.0.1');
      }
    };
    try {
      flood(40_000);
      const base = await mem();
      flood(380_000);
      const grown = (await mem()) - base;
      // what the server may hold beyond the baseline: its bounded cache, plus a tenth of the
      // baseline for V8's own book-keeping (measured in the same process, never a fixed figure)
      expect(grown).toBeLessThan(CACHE + base / 10);
      expect(dns.stats().cache.bytes).toBeLessThanOrEqual(CACHE);
    } finally {
      await dns.stop();
    }
  }, 60_000);
});
