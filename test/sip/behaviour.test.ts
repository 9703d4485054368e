// RFC 3261 behaviour of the redirect server over real UDP sockets: response construction,
// routing of responses, retransmissions, ACK, CANCEL, OPTIONS and the error codes.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { headers, request, startDns, startSip, status, UdpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };
let udp: UdpClient;

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port);
  udp = await new UdpClient().open();
});
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
});

const MEMBER = 'sip:+82262006200@callx.test';

describe('response construction', () => {
  it('copies every Via in order, stamps received and rport on the top one, adds a To tag', async () => {
    const res = await udp.ask(
      sip.port,
      request({
        uri: MEMBER,
        localPort: udp.port,
        via: [
          `Via: SIP/2.0/UDP 192.0.2.10:${udp.port};branch=z9hG4bK-top-1;rport`,
          'Via: SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bK-second',
          'v: SIP/2.0/TCP [2001:db8::1]:5080;branch=z9hG4bK-third;received=2001:db8::2',
        ].join('\r\n'),
      }),
    );
    expect(status(res)).toBe(302);
    expect(headers(res, 'Via')).toEqual([
      `SIP/2.0/UDP 192.0.2.10:${udp.port};branch=z9hG4bK-top-1;rport=${udp.port};received=127.0.0.1`,
      'SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bK-second',
      'SIP/2.0/TCP [2001:db8::1]:5080;branch=z9hG4bK-third;received=2001:db8::2',
    ]);
    expect(headers(res, 'To')[0]).toMatch(/^<sip:\+82262006200@callx\.test>;tag=[0-9a-f]{16}$/);
    expect(headers(res, 'Call-ID')).toHaveLength(1);
    expect(headers(res, 'CSeq')).toEqual(['1 INVITE']);
    expect(headers(res, 'Content-Length')).toEqual(['0']);
  });

  it('keeps an existing To tag', async () => {
    const text = request({ uri: MEMBER, localPort: udp.port }).replace(/^To: (.*)$/m, 'To: $1;tag=already');
    const res = await udp.ask(sip.port, text);
    expect(headers(res, 'To')[0]).toBe('<sip:+82262006200@callx.test>;tag=already');
  });

  it('without rport, answers the sent-by port of the top Via (RFC 3261 §18.2.2)', async () => {
    const other = dgram.createSocket('udp4');
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    const otherPort = other.address().port;
    const got = new Promise<string>((r) => other.once('message', (b) => r(b.toString())));
    udp.send(sip.port, request({ uri: MEMBER, localPort: otherPort }));
    const res = await got;
    other.close();
    expect(status(res)).toBe(302);
    expect(headers(res, 'Via')[0]).not.toContain('received='); // sent-by was the source address
  });

  it('with rport, answers the source port whatever the Via says (RFC 3581)', async () => {
    const res = await udp.ask(
      sip.port,
      request({
        uri: MEMBER,
        localPort: udp.port,
        via: 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-rport-2;rport',
      }),
    );
    expect(headers(res, 'Via')[0]).toBe(
      `SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-rport-2;rport=${udp.port};received=127.0.0.1`,
    );
  });
});

describe('transactions', () => {
  it('a retransmitted INVITE gets the same answer, byte for byte', async () => {
    const text = request({ uri: MEMBER, localPort: udp.port });
    const first = await udp.ask(sip.port, text);
    const again = await udp.ask(sip.port, text);
    expect(again).toBe(first);
  });

  it('the To tag depends on the request only', async () => {
    const a = await udp.ask(
      sip.port,
      request({ uri: MEMBER, localPort: udp.port, branch: 'z9hG4bK-same', callId: 'c1' }),
    );
    const b = await udp.ask(
      sip.port,
      request({ uri: MEMBER, localPort: udp.port, branch: 'z9hG4bK-other', callId: 'c2' }),
    );
    expect(headers(a, 'To')[0]).not.toBe(headers(b, 'To')[0]);
  });

  it('an ACK for the 3xx is absorbed', async () => {
    const invite = request({ uri: MEMBER, localPort: udp.port, branch: 'z9hG4bK-ack-1', callId: 'ack-1' });
    const res = await udp.ask(sip.port, invite);
    const tag = /tag=([0-9a-f]+)/.exec(headers(res, 'To')[0]!)![1];
    const ack = request({
      method: 'ACK',
      uri: MEMBER,
      localPort: udp.port,
      branch: 'z9hG4bK-ack-1',
      callId: 'ack-1',
    }).replace(/^To: (.*)$/m, `To: $1;tag=${tag}`);
    udp.send(sip.port, ack);
    // the next thing we receive must be the answer to this OPTIONS, not something for the ACK
    const next = await udp.ask(sip.port, request({ method: 'OPTIONS', uri: MEMBER, localPort: udp.port }));
    expect(headers(next, 'CSeq')).toEqual(['1 OPTIONS']);
  });

  it('a CANCEL after the final response gets 200; one for nothing known gets 481', async () => {
    await udp.ask(
      sip.port,
      request({ uri: MEMBER, localPort: udp.port, branch: 'z9hG4bK-cancel-1', callId: 'cancel-1' }),
    );
    const ok = await udp.ask(
      sip.port,
      request({
        method: 'CANCEL',
        uri: MEMBER,
        localPort: udp.port,
        branch: 'z9hG4bK-cancel-1',
        callId: 'cancel-1',
      }),
    );
    expect(status(ok)).toBe(200);
    expect(headers(ok, 'CSeq')).toEqual(['1 CANCEL']);
    const unknown = await udp.ask(
      sip.port,
      request({
        method: 'CANCEL',
        uri: MEMBER,
        localPort: udp.port,
        branch: 'z9hG4bK-cancel-none',
        callId: 'cancel-none',
      }),
    );
    expect(status(unknown)).toBe(481);
  });
});

describe('methods and errors', () => {
  it('OPTIONS: 200 with Allow', async () => {
    const res = await udp.ask(
      sip.port,
      request({ method: 'OPTIONS', uri: 'sip:callx.test', localPort: udp.port }),
    );
    expect(status(res)).toBe(200);
    expect(headers(res, 'Allow')).toEqual(['INVITE, ACK, CANCEL, OPTIONS, MESSAGE, REGISTER']);
  });

  it.each(['BYE', 'SUBSCRIBE', 'INFO', 'PUBLISH', 'FOO'])('%s: 405 with Allow', async (method) => {
    const res = await udp.ask(sip.port, request({ method, uri: MEMBER, localPort: udp.port }));
    expect(status(res)).toBe(405);
    expect(headers(res, 'Allow')[0]).toContain('INVITE');
  });

  it('Max-Forwards 0: 483', async () => {
    const res = await udp.ask(sip.port, request({ uri: MEMBER, localPort: udp.port, maxForwards: 0 }));
    expect(status(res)).toBe(483);
  });

  it('a bad Max-Forwards: 400', async () => {
    const res = await udp.ask(sip.port, request({ uri: MEMBER, localPort: udp.port, maxForwards: 'x' }));
    expect(status(res)).toBe(400);
  });

  it('an unsupported Require: 420 with Unsupported', async () => {
    const res = await udp.ask(
      sip.port,
      request({ uri: MEMBER, localPort: udp.port, extra: ['Require: 100rel, foo'] }),
    );
    expect(status(res)).toBe(420);
    expect(headers(res, 'Unsupported')).toEqual(['100rel, foo']);
  });

  it('a Request-URI that is not sip/sips/tel: 416', async () => {
    const res = await udp.ask(sip.port, request({ uri: 'http://example.com/', localPort: udp.port }));
    expect(status(res)).toBe(416);
  });

  it('a missing Call-ID: 400', async () => {
    const text = request({ uri: MEMBER, localPort: udp.port }).replace(/^Call-ID: .*\r\n/m, '');
    const res = await udp.ask(sip.port, text);
    expect(status(res)).toBe(400);
  });

  it('a message the parser refuses but whose Via is readable: 400', async () => {
    const text = request({ uri: MEMBER, localPort: udp.port }).replace(
      'Max-Forwards: 70',
      'this line has no colon',
    );
    const res = await udp.ask(sip.port, text);
    expect(status(res)).toBe(400);
    expect(headers(res, 'Call-ID')).toHaveLength(1);
  });

  it('Content-Length larger than the datagram: 400', async () => {
    const text = request({ uri: MEMBER, localPort: udp.port }).replace(
      'Content-Length: 0',
      'Content-Length: 500',
    );
    const res = await udp.ask(sip.port, text);
    expect(status(res)).toBe(400);
  });

  it('no Via, a response, or garbage: dropped, and the server still answers', async () => {
    udp.send(sip.port, request({ uri: MEMBER, localPort: udp.port }).replace(/^Via: .*\r\n/m, ''));
    udp.send(sip.port, 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx\r\n\r\n');
    udp.send(sip.port, Buffer.from([0, 1, 2, 3, 255]));
    const res = await udp.ask(sip.port, request({ method: 'OPTIONS', uri: MEMBER, localPort: udp.port }));
    expect(headers(res, 'CSeq')).toEqual(['1 OPTIONS']);
  });
});

describe('DNS unreachable or silent', () => {
  it('503 with Retry-After within the bounded time, and CANCEL of a pending INVITE gives 487', async () => {
    // a "resolver" that never answers: every query times out
    const hole = dgram.createSocket('udp4');
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    const dead = await startSip(hole.address().port, {
      CALLX_SIP_DNS_TIMEOUT_MS: '200',
      CALLX_SIP_DNS_TRIES: '2',
    });
    const c = await new UdpClient().open();
    try {
      const t0 = Date.now();
      const res = await c.ask(dead.port, request({ uri: MEMBER, localPort: c.port }));
      const took = Date.now() - t0;
      expect(status(res)).toBe(503);
      expect(headers(res, 'Retry-After')).toEqual(['5']);
      expect(took).toBeGreaterThanOrEqual(350); // two tries of 200 ms were made
      expect(took).toBeLessThan(5000);

      const invite = request({
        uri: 'sip:+82262006201@callx.test',
        localPort: c.port,
        branch: 'z9hG4bK-pending',
        callId: 'pending',
      });
      c.send(dead.port, invite);
      const cancel = await c.ask(
        dead.port,
        request({
          method: 'CANCEL',
          uri: 'sip:+82262006201@callx.test',
          localPort: c.port,
          branch: 'z9hG4bK-pending',
          callId: 'pending',
        }),
      );
      expect(status(cancel)).toBe(200);
      const terminated = await c.next();
      expect(status(terminated)).toBe(487);
      expect(headers(terminated!, 'CSeq')).toEqual(['1 INVITE']);
    } finally {
      c.close();
      await dead.service.stop();
      hole.close();
    }
  });
});
