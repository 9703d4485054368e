// Fuzzing: random and mutated messages straight into the pipeline, over UDP and TCP, and through
// a real drachtio-server. Nothing may crash, hang or leak, every answer must be well formed with
// no header but ours (nothing a request sends may end a header line of ours), and the server must
// still answer right. Seeded: CALLX_FUZZ_SEED replays a run (a failure prints its seed);
// CALLX_FUZZ_MS is the time budget of the whole run (default 24 s), shared among the parts.
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { buildResponse } from '../../src/sip/response.ts';
import { headers, request, startDns, startSip, status, TcpClient, UdpClient } from './env.ts';
import { type SipUnderTest, startUnderTest } from './transports.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };

const SEED = Number(process.env.CALLX_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BUDGET_MS = Number(process.env.CALLX_FUZZ_MS ?? 24_000);
const DRACHTIO_LOG = process.env.CALLX_FUZZ_DRACHTIO_LOG;

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port, {}, { limits: { tcpIdleMs: 2000 } });
});
afterAll(async () => {
  await sip?.service.stop();
  await dns?.stop();
});

/** Runs a fuzz part; a failure names the seed that replays it. */
async function seeded(part: number, fn: (r: ReturnType<typeof rng>) => Promise<void>): Promise<void> {
  try {
    await fn(rng(SEED + part));
  } catch (err) {
    const e = err as Error;
    e.message = `fuzz: seed ${SEED} (replay: CALLX_FUZZ_SEED=${SEED} npx vitest run test/sip/fuzz.test.ts): ${e.message}`;
    throw e;
  }
}

/** Iterations of `step` until `ms` have passed; resolves to how many ran. */
async function forMs(ms: number, step: (i: number) => Promise<void> | void): Promise<number> {
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 50; k++) await step(i++);
  }
  return i;
}

/** The headers a response of ours may have: anything else came from a request. */
const OURS = new Set(
  [
    'Via',
    'From',
    'To',
    'Call-ID',
    'CSeq',
    'Contact',
    'Warning',
    'Retry-After',
    'Allow',
    'Accept',
    'Unsupported',
    'WWW-Authenticate',
    'Min-Expires',
    'Server',
    'Content-Length',
  ].map((h) => h.toLowerCase()),
);

const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/**
 * A response is one status line, then header lines of ours, each Name: value with no control
 * character. drachtio-server copies Via, From, To, Call-ID and CSeq from its own parse of the
 * request, keeping control characters other than CR, LF and NUL (sofia-sip accepts them inside
 * values) and folded lines as received (a continuation line starts with whitespace, RFC 3261
 * §7.3.1): for its answers those copies may hold them (`copiedMayHold`), never a line break.
 */
function wellFormed(text: string, copiedMayHold = false): void {
  if (copiedMayHold) text = text.replace(/\r\n[ \t]+/g, ' ');
  // ours always write "Name: value"; drachtio-server's copies may write "Name:value" (RFC 3261
  // HCOLON: the space is optional)
  expect(text, JSON.stringify(text)).toMatch(
    copiedMayHold
      ? /^SIP\/2\.0 \d{3} [^\r\n]+\r\n(?:[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r\n)+\r\n$/
      : /^SIP\/2\.0 \d{3} [^\r\n]+\r\n(?:[A-Za-z][A-Za-z0-9-]*: [^\r\n]*\r\n)+\r\n$/,
  );
  for (const line of text.split('\r\n').slice(1, -2)) {
    const name = line.slice(0, line.indexOf(':')).toLowerCase();
    expect(OURS.has(name), `header ${name} in:\n${text}`).toBe(true);
    expect(line, JSON.stringify(text)).not.toMatch(
      copiedMayHold && COPIED.has(name) ? /[\x00\r\n]/ : /[\x00-\x08\x0a-\x1f\x7f]/,
    );
  }
}

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
  request({ uri: 'sip:+82262006200@callx.test', localPort, extra: ['Require: 100rel'] }),
  request({ uri: 'sip:x%0D%0AX-Inj:%201@callx.test', localPort, from: '<sip:a%0d%0ab@x>' }),
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
  '%0D%0AX-Inj: 1',
  '%00',
  '\nX-Inj: 1',
  '\rX-Inj: 1',
  '\r\nX-Inj: 1',
  '\r\n X-Folded: 1',
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
  it(`the message pipeline: mutated messages for ${Math.round(BUDGET_MS * 0.3)} ms, every answer well formed`, async () => {
    await seeded(1, async (r) => {
      const seeds = SEEDS(5060);
      const ctx = { transport: 'udp' as const, remoteAddress: '127.0.0.1', remotePort: 5060 };
      const codes = new Map<number, number>();
      const n = await forMs(BUDGET_MS * 0.3, async () => {
        const raw = Buffer.from(mutate(r.pick(seeds), r), 'latin1');
        const out = await sip.service.redirector.process({ raw, ctx, datagram: true });
        const text = out ? buildResponse(out.request, out.spec, out.via, ctx) : null;
        const c = text ? status(text) : 0;
        codes.set(c, (codes.get(c) ?? 0) + 1);
        if (text) wellFormed(text);
      });
      // the mutations reach every outcome: dropped, redirected, errors
      expect(n).toBeGreaterThan(1000);
      expect(codes.get(0)).toBeGreaterThan(0);
      expect(codes.get(302)).toBeGreaterThan(0);
      expect(codes.get(400)).toBeGreaterThan(0);
    });
  }, 120_000);

  it('over UDP: random and mutated datagrams, every answer well formed, then correct answers', async () => {
    await seeded(2, async (r) => {
      const udp = await new UdpClient().open();
      try {
        const seeds = SEEDS(udp.port);
        const got: string[] = [];
        udp.socket.on('message', (b) => got.push(b.toString('latin1')));
        await forMs(BUDGET_MS * 0.15, async (i) => {
          udp.send(sip.port, Buffer.from(mutate(r.pick(seeds), r), 'latin1'));
          if (i % 20 === 0) await new Promise((res) => setImmediate(res));
        });
        while ((await udp.next(500)) !== null) {}
        for (const m of got) wellFormed(m);
        expect(got.length).toBeGreaterThan(0);
        await stillCorrect(udp);
      } finally {
        udp.close();
      }
    });
  }, 120_000);

  it('over TCP: connections of mutated streams, every answer well formed, then no connection is left and answers are right', async () => {
    await seeded(3, async (r) => {
      const answers: string[] = [];
      await forMs(BUDGET_MS * 0.15, async () => {
        const t = await new TcpClient().open(sip.port);
        const seeds = SEEDS(t.localPort);
        let stream = '';
        for (let k = 0; k < 1 + r.int(4); k++)
          stream += r.next() < 0.3 ? r.pick(seeds) : mutate(r.pick(seeds), r);
        const bytes = Buffer.from(stream, 'latin1');
        for (let i = 0; i < bytes.length; i += 1 + r.int(400)) t.write(bytes.subarray(i, i + 1 + r.int(400)));
        for (let m = await t.next(50); m !== null; m = await t.next(50)) answers.push(m);
        t.close();
      });
      for (const m of answers) wellFormed(m);
      for (let i = 0; i < 500 && sip.service.stats().tcpConnections > 0; i++)
        await new Promise((res) => setTimeout(res, 20));
      expect(sip.service.stats().tcpConnections).toBe(0);
      const t = await new TcpClient().open(sip.port);
      t.write(request({ uri: 'sip:alice@example.com', localPort: t.localPort, transport: 'TCP' }));
      expect(status(await t.next(10_000))).toBe(302);
      t.close();
      const udp = await new UdpClient().open();
      await stillCorrect(udp);
      udp.close();
    });
  }, 120_000);

  it('through a real drachtio-server: mutated datagrams, every answer well formed, then correct answers', async () => {
    let d: SipUnderTest | undefined;
    try {
      // CALLX_FUZZ_DRACHTIO_LOG=<file>: drachtio-server at debug level, its log written there on failure
      d = await startUnderTest('drachtio', dns.port, {}, {}, { loglevel: DRACHTIO_LOG ? 'debug' : 'notice' });
      const port = d.port;
      await seeded(4, async (r) => {
        const udp = await new UdpClient().open();
        try {
          const seeds = SEEDS(udp.port);
          const got: string[] = [];
          udp.socket.on('message', (b) => got.push(b.toString('latin1')));
          await forMs(BUDGET_MS * 0.2, async (i) => {
            udp.send(port, Buffer.from(mutate(r.pick(seeds), r), 'latin1'));
            if (i % 5 === 0) await new Promise((res) => setTimeout(res, 1));
          });
          // drachtio-server retransmits unacknowledged final answers for 32 s: drain for a while only
          const drainEnd = performance.now() + 4000;
          while (performance.now() < drainEnd && (await udp.next(700)) !== null) {}
          // callx's answers (Server: callx) are held to the rule. drachtio-server's own (its 100
          // Trying, and 400s or 481s from its SIP stack) are not callx's to fix: it is known to echo
          // a bare LF of a request's CSeq into a 400 of its own (docs/sip.md, "drachtio"); they are
          // counted and shown, not failed.
          // drachtio-server writes Via, From, To, Call-ID and CSeq into callx's answers from the raw
          // request lines: a bare CR inside one (sofia-sip ends the header there, then copies the
          // whole line) reaches the answer; that copy is drachtio-server's (docs/sip.md, "drachtio")
          const echoed = (m: string) => /\r\n(?:Via|From|To|Call-ID|CSeq): [^\n]*\r(?!\n)/.test(m);
          const callx = got.filter((m) => /\r\nServer: callx\r\n/.test(m));
          const ours = callx.filter((m) => !echoed(m));
          for (const m of ours) wellFormed(m, true);
          const copied = callx.filter(echoed);
          if (copied.length > 0)
            console.info(
              `fuzz: callx's answers with a bare CR drachtio-server copied from the request: ${copied.length}, e.g. ${JSON.stringify(copied[0])}`,
            );
          expect(ours.length).toBeGreaterThan(0);
          const theirs = got.filter((m) => !ours.includes(m) && status(m) >= 200);
          const odd = theirs.filter((m) => {
            try {
              wellFormed(m, true);
              return false;
            } catch {
              return true;
            }
          });
          if (odd.length > 0)
            console.info(
              `fuzz: drachtio-server's own answers: ${theirs.length}, ${odd.length} of them not well formed, e.g. ${JSON.stringify(odd[0])}`,
            );
          expect(
            d!.service.health().drachtio?.connected,
            'still connected: drachtio-server did not crash',
          ).toBe(true);
          udp.send(
            port,
            request({ uri: 'sip:+82262006200@callx.test', localPort: udp.port, callId: 'fuzz-after' }),
          );
          let final: string | null = null;
          for (let m = await udp.next(10_000); m !== null; m = await udp.next(10_000)) {
            if (headers(m, 'Call-ID')[0] === 'fuzz-after' && status(m) >= 200) {
              final = m;
              break;
            }
          }
          expect(status(final)).toBe(302);
          expect(headers(final!, 'Contact')[0]).toMatch(/^<sip:\+82262006200@kr\.center\.callx\.test\?/);
        } finally {
          udp.close();
        }
      });
    } catch (err) {
      if (d?.drachtio) (err as Error).message += `\ndrachtio-server said:\n${d.drachtio.log().slice(-3000)}`;
      if (d?.drachtio && DRACHTIO_LOG) writeFileSync(DRACHTIO_LOG, d.drachtio.log());
      throw err;
    } finally {
      await d?.stop();
    }
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
          await small.service.redirector.process({
            raw: Buffer.from(request({ uri, localPort: 5060 })),
            ctx,
          });
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
