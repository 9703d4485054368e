// Fuzzing: random and mutated messages over UDP and TCP (and many more straight into the
// message pipeline). Nothing may crash, hang or leak, and the server must still answer right.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { silentLogger } from '../../src/core/log.ts';
import { processMessage } from '../../src/sip/transport/process.ts';
import { until } from '../helpers/until.ts';
import { headers, request, startDns, startSip, status, TcpClient, UdpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port, {}, { limits: { tcpIdleMs: 2000 } });
});
afterAll(async () => {
  await sip?.service.stop();
  await dns?.stop();
});

/** Small seeded PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

const SEEDS = (localPort: number) => [
  request({ uri: 'sip:+82262006200@callx.test', localPort }),
  request({ uri: 'sip:62006200%2382@callx.test', localPort, pai: '"X" <tel:+442079460999>' }),
  request({ uri: 'sip:alice@example.com', localPort, method: 'MESSAGE' }),
  request({ uri: 'sip:callx.test', localPort, method: 'OPTIONS' }),
  request({
    uri: 'sip:callx.test',
    localPort,
    method: 'REGISTER',
    extra: ['Contact: <sip:a@192.0.2.1>', 'Authorization: Digest username="a", nonce="x"'],
  }),
  request({ uri: 'sip:+82262006200@callx.test', localPort, method: 'CANCEL' }),
  request({ uri: 'sip:+82262006200@callx.test', localPort, method: 'ACK' }),
];

const NASTY = [
  '\r\n',
  '\r\n\r\n',
  ':',
  ';',
  ',',
  '<',
  '>',
  '"',
  '\\',
  '%',
  '%00',
  '\u0000',
  '\u00ff',
  '\u202e',
  '😀',
  'Via: ',
  'Via: SIP/2.0/UDP [::1',
  'Content-Length: 99999999999',
  'Content-Length: -1',
  'l: 5',
  'CSeq: 99999999999999 INVITE',
  'Max-Forwards: -1',
  'To: <sip:a@b>;tag=',
  'From: "unterminated <sip:x@y>',
  'Contact: *',
  'P-Asserted-Identity: <tel:+',
  'Require: ',
  'a'.repeat(3000),
  '#'.repeat(50),
  `sip:${'9'.repeat(40)}@x`,
];

function mutate(s: string, r: ReturnType<typeof rng>): string {
  let out = s;
  const n = 1 + r.int(4);
  for (let k = 0; k < n; k++) {
    const i = r.int(out.length + 1);
    switch (r.int(8)) {
      case 0: // flip a character
        out = out.slice(0, i) + String.fromCharCode(r.int(256)) + out.slice(i + 1);
        break;
      case 1: // delete a range
        out = out.slice(0, i) + out.slice(i + 1 + r.int(40));
        break;
      case 2: // duplicate a range
        out = out.slice(0, i) + out.slice(i, i + r.int(80)) + out.slice(i);
        break;
      case 3: // insert something nasty
        out = out.slice(0, i) + r.pick(NASTY) + out.slice(i);
        break;
      case 4: // truncate
        out = out.slice(0, i);
        break;
      case 5: // add a header line
        out = out.replace('\r\n', `\r\n${r.pick(NASTY)}: ${r.pick(NASTY)}\r\n`);
        break;
      case 6: // swap CRLF for LF or CR
        out = out.replace(/\r\n/, r.pick(['\n', '\r', '\r\r\n']));
        break;
      default: // random bytes
        out = Array.from({ length: r.int(200) }, () => String.fromCharCode(r.int(256))).join('');
    }
  }
  return out;
}

async function stillCorrect(udp: UdpClient): Promise<void> {
  const res = await udp.ask(
    sip.port,
    request({ uri: 'sip:+82262006200@callx.test', localPort: udp.port }),
    10_000,
  );
  expect(status(res)).toBe(302);
  expect(headers(res, 'Contact')[0]).toMatch(/^<sip:\+82262006200@kr\.center\.callx\.test\?/);
}

describe('fuzz', () => {
  it('the message pipeline survives 20,000 mutated messages', async () => {
    const r = rng(1);
    const seeds = SEEDS(5060);
    const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5060 };
    const codes = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const out = await processMessage(
        Buffer.from(mutate(r.pick(seeds), r), 'latin1'),
        ctx,
        sip.service.redirector,
        silentLogger,
      );
      const c = out ? status(out.text) : 0;
      codes.set(c, (codes.get(c) ?? 0) + 1);
      if (out) expect(out.text).toMatch(/^SIP\/2\.0 \d{3} [^\r\n]+\r\n(?:[A-Za-z-]+: [^\r\n]*\r\n)+\r\n$/);
    }
    // the mutations reach every outcome: dropped, redirected, errors
    expect(codes.get(0)).toBeGreaterThan(0);
    expect(codes.get(302)).toBeGreaterThan(0);
    expect(codes.get(400)).toBeGreaterThan(0);
  }, 120_000);

  it('over UDP: 3,000 random and mutated datagrams, then correct answers', async () => {
    const r = rng(2);
    const udp = await new UdpClient().open();
    try {
      const seeds = SEEDS(udp.port);
      for (let i = 0; i < 3000; i++) {
        udp.send(sip.port, Buffer.from(mutate(r.pick(seeds), r), 'latin1'));
        if (i % 100 === 0) await new Promise((res) => setImmediate(res));
      }
      // drain what came back, then the server still answers correctly
      while ((await udp.next(500)) !== null) {}
      await stillCorrect(udp);
    } finally {
      udp.close();
    }
  }, 120_000);

  it('over TCP: 200 connections of mutated streams, then no connection is left and answers are right', async () => {
    const r = rng(3);
    for (let c = 0; c < 200; c++) {
      const t = await new TcpClient().open(sip.port);
      const seeds = SEEDS(t.localPort);
      let stream = '';
      for (let k = 0; k < 1 + r.int(4); k++)
        stream += r.next() < 0.3 ? r.pick(seeds) : mutate(r.pick(seeds), r);
      const bytes = Buffer.from(stream, 'latin1');
      for (let i = 0; i < bytes.length; i += 1 + r.int(400)) t.write(bytes.subarray(i, i + 1 + r.int(400)));
      t.close();
    }
    await until('no connection left', () => sip.service.stats().tcpConnections === 0);
    const t = await new TcpClient().open(sip.port);
    t.write(request({ uri: 'sip:alice@example.com', localPort: t.localPort, transport: 'TCP' }));
    expect(status(await t.next(10_000))).toBe(302);
    t.close();
    const udp = await new UdpClient().open();
    await stillCorrect(udp);
    udp.close();
  }, 120_000);

  it("memory stays bounded: past the caches' limits, more distinct requests do not grow the heap", async () => {
    // the DNS server runs in this process too: bound its answer cache as well
    const smallDns = await startDns(undefined, 1000);
    const small = await startSip(
      smallDns.port,
      {},
      {
        limits: {
          dnsCacheEntries: 2000,
          transactions: 2000,
          parseCacheEntries: 2000,
          verdictCacheEntries: 2000,
        },
      },
    );
    try {
      const r = rng(4);
      const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5060 };
      const round = async () => {
        for (let i = 0; i < 5000; i++) {
          // every request distinct: new branch, Call-ID and a random (mostly unknown) number
          const uri = `sip:+8226${String(r.int(1e7)).padStart(7, '0')}@callx.test`;
          await processMessage(
            Buffer.from(request({ uri, localPort: 5060 })),
            ctx,
            small.service.redirector,
            silentLogger,
          );
        }
      };
      await round(); // fills the caches to their limits
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void; // a real collection, so only live objects count
      gc();
      const before = process.memoryUsage().heapUsed;
      await round();
      await round();
      gc();
      const after = process.memoryUsage().heapUsed;
      expect(small.service.stats().dnsCacheEntries).toBeLessThanOrEqual(2000);
      expect(after - before).toBeLessThan(10 * 1024 * 1024);
    } finally {
      await small.service.stop();
      await smallDns.stop();
    }
  }, 180_000);
});
