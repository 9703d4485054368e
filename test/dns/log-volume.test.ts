// Log storms: spoofable packets that the server refuses (transfers from outside the ACL) or
// cannot verify (forged TSIG) must not write a line each. A flood writes a bounded number of
// lines, and the lines it writes count every refusal they stand for.

import dgram from 'node:dgram';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDnsServer } from '#dns';
import { parseTsigKeys, signRequest } from '../../src/dns/xfr/tsig.ts';
import { Writer } from '../../src/wire/writer.ts';
import { buildQuery, tcpQuery } from './helpers/wire.ts';

const ROOT = join(import.meta.dirname, '../..');
const SECRET = Buffer.from('the real secret, 32 octets long!').toString('base64');
const KEY = `xfr-key:hmac-sha256:${SECRET}`;
const key = (spec: string) => [...parseTsigKeys([spec]).values()][0]!;
const real = key(KEY);
const unknown = key(`nobody:hmac-sha256:${SECRET}`);
const forged = key(
  `xfr-key:hmac-sha256:${Buffer.from('a guessed secret, 32 octets long').toString('base64')}`,
);
const now = () => Math.floor(Date.now() / 1000);

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

/** An IXFR query with the client's SOA in the authority section (RFC 1995). */
function ixfr(zone: string, serial: number): Buffer {
  const q = buildQuery({ name: zone, type: 'IXFR', edns: null });
  const w = new Writer(64, false);
  w.u16(0xc00c);
  w.u16(6);
  w.u16(1);
  w.u32(3600);
  w.u16(22);
  w.u8(0);
  w.u8(0);
  for (const v of [serial, 0, 0, 0, 0]) w.u32(v);
  const out = Buffer.concat([q, w.toBuffer()]);
  out.writeUInt16BE(1, 8);
  return out;
}

/** Sends every packet over UDP (a window at a time) and counts the answers. */
async function flood(port: number, packets: Buffer[]): Promise<number> {
  const sock = dgram.createSocket('udp4');
  let answers = 0;
  let wake: (() => void) | null = null;
  sock.on('message', () => {
    answers++;
    wake?.();
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const WINDOW = 200;
  for (let i = 0; i < packets.length; i += WINDOW) {
    const batch = packets.slice(i, i + WINDOW);
    const want = answers + batch.length;
    for (const p of batch) sock.send(p, port, '127.0.0.1');
    // the answers of this window, or a pause long enough to call the rest lost
    const deadline = Date.now() + 2000;
    while (answers < want && Date.now() < deadline)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
  }
  sock.close();
  return answers;
}

describe('DNS log volume under a flood of refused and forged packets', () => {
  it('writes a bounded number of lines, whose counts add up to every refusal', async () => {
    const { lines, logger } = capture();
    const dns = createDnsServer({
      // 127.0.0.1 is outside the transfer ACL: every transfer request is refused
      config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 2000, xfrAllow: ['192.0.2.1'], tsigKeys: [KEY] },
      logger,
      zonesDir: join(ROOT, 'zones'),
    });
    await dns.start();
    const soa = (id: number) => buildQuery({ name: 'callx.test', type: 'SOA', edns: null, id });
    const kinds = {
      refusedIxfr: Array.from({ length: 8000 }, (_v, i) => ixfr(i % 2 ? 'callx.test' : 'e164.callx.test', i)),
      signedIxfrRefused: Array.from(
        { length: 2000 },
        (_v, i) => signRequest(ixfr('callx.test', i), real, now()).wire,
      ),
      badKey: Array.from({ length: 5000 }, (_v, i) => signRequest(soa(i), unknown, now()).wire),
      badSig: Array.from({ length: 5000 }, (_v, i) => signRequest(soa(i), forged, now()).wire),
      badTime: Array.from({ length: 2000 }, (_v, i) => signRequest(soa(i), real, now() - 3600).wire),
    };
    const all = Object.values(kinds).flat();
    // interleaved, as a flood from many spoofed sources would arrive
    const mixed = all.map((p, i) => ({ p, k: (i * 7919) % all.length })).sort((a, b) => a.k - b.k);
    const answered = await flood(
      dns.port,
      mixed.map((x) => x.p),
    );
    expect(answered).toBeGreaterThan(all.length * 0.95);
    // AXFR over TCP, refused too: 300 on one connection
    const axfr = buildQuery({ name: 'callx.test', type: 'AXFR', edns: null });
    const tcp = await tcpQuery(
      dns.port,
      Array.from({ length: 300 }, () => axfr),
    );
    expect(tcp.every((m) => (m[3]! & 0x0f) === 5)).toBe(true);
    const before = lines.length;
    await dns.stop(); // writes what is still counted
    const written = lines.filter(
      (l) => l.msg !== 'dns: zones loaded' && l.msg !== 'dns: listening (udp, tcp)',
    );

    // 22,300 refusals: a handful of lines, not one each
    expect(written.length).toBeLessThanOrEqual(20);
    expect(before).toBeLessThanOrEqual(20);
    // every refusal is either a line of its own or counted in a summary line
    const refusals = written.filter((l) => /refused|TSIG/.test(String(l.msg)));
    const counted = refusals.reduce((n, l) => n + (l.suppressed === undefined ? 1 : Number(l.suppressed)), 0);
    expect(counted).toBe(answered + tcp.length);
    const summary = refusals.find((l) => Number(l.suppressed) > 1000);
    expect(String(summary?.msg)).toMatch(/\(\d+ more like this suppressed in 10 s\)$/);
  }, 60_000);
});
