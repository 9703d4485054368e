// SIP over TCP: framing by Content-Length, several messages per connection, keep-alives, and
// the limits (message size, idle time that a trickle cannot extend, connections per address and in
// all, with room made for a new client).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { DEFAULT_LIMITS } from '#sip';
import { until } from '../helpers/until.ts';
import { headers, request, startDns, startSip, status, TcpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(
    dns.port,
    {},
    { limits: { tcpIdleMs: 1500, maxMessage: 4096, maxTcpConnections: 8, maxTcpPerSource: 4 } },
  );
});
afterAll(async () => {
  await sip?.service.stop();
  await dns?.stop();
});

const MEMBER = 'sip:+82262006200@callx.test';

describe('TCP framing', () => {
  it('answers several requests sent in one write, each on the same connection', async () => {
    const c = await new TcpClient().open(sip.port);
    const uris = [MEMBER, 'sip:alice@example.com', 'sip:+8226@callx.test', 'sip:acme.example'];
    c.write(
      uris
        .map((uri, i) => request({ uri, localPort: c.localPort, transport: 'TCP', callId: `multi-${i}` }))
        .join(''),
    );
    const got = new Map<string, number>();
    for (let i = 0; i < uris.length; i++) {
      const r = await c.next();
      expect(r).not.toBeNull();
      got.set(headers(r!, 'Call-ID')[0]!, status(r));
    }
    expect(got).toEqual(
      new Map([
        ['multi-0', 302],
        ['multi-1', 302],
        ['multi-2', 484],
        ['multi-3', 302],
      ]),
    );
    c.close();
  });

  it('reassembles a request that arrives a few bytes at a time, with a body', async () => {
    const c = await new TcpClient().open(sip.port);
    const body = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
    const text = request({
      uri: MEMBER,
      localPort: c.localPort,
      transport: 'TCP',
      extra: ['Content-Type: application/sdp'],
    }).replace('Content-Length: 0\r\n\r\n', `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const next = request({ method: 'OPTIONS', uri: MEMBER, localPort: c.localPort, transport: 'TCP' });
    const bytes = Buffer.from(text + next);
    for (let i = 0; i < bytes.length; i += 7) {
      c.write(bytes.subarray(i, i + 7));
      await new Promise((r) => setImmediate(r));
    }
    const a = await c.next();
    const b = await c.next();
    expect([headers(a!, 'CSeq')[0], headers(b!, 'CSeq')[0]].sort()).toEqual(['1 INVITE', '1 OPTIONS']);
    c.close();
  });

  it('answers a CRLF CRLF keep-alive ping with a CRLF pong (RFC 5626)', async () => {
    const c = await new TcpClient().open(sip.port);
    c.write('\r\n\r\n');
    expect(await c.next(5000, true)).toBe('\r\n');
    c.close();
  });

  it('a request without Content-Length: 400, then the connection closes', async () => {
    const c = await new TcpClient().open(sip.port);
    c.write(
      request({ uri: MEMBER, localPort: c.localPort, transport: 'TCP' }).replace('Content-Length: 0\r\n', ''),
    );
    const r = await c.next();
    expect(status(r)).toBe(400);
    expect(await c.next(5000)).toBeNull();
    expect(c.closed).toBe(true);
  });

  it('a message over the size limit: 513, then the connection closes', async () => {
    const c = await new TcpClient().open(sip.port);
    c.write(
      request({ uri: MEMBER, localPort: c.localPort, transport: 'TCP' }).replace(
        'Content-Length: 0',
        'Content-Length: 100000',
      ),
    );
    expect(status(await c.next())).toBe(513);
    expect(await c.next(5000)).toBeNull();
    expect(c.closed).toBe(true);
  });

  it('endless headers without an end are cut off at the limit', async () => {
    const c = await new TcpClient().open(sip.port);
    c.write(`INVITE ${MEMBER} SIP/2.0\r\n`);
    for (let i = 0; i < 100 && !c.closed; i++) c.write(`X-Filler-${i}: ${'x'.repeat(60)}\r\n`);
    expect(await c.next(5000)).toBeNull();
    expect(c.closed).toBe(true);
  });

  it('closes a connection without a complete message for idleMs, even when bytes trickle in', async () => {
    const trickle = await new TcpClient().open(sip.port);
    const busy = await new TcpClient().open(sip.port);
    const t0 = Date.now();
    const partial = request({
      method: 'OPTIONS',
      uri: MEMBER,
      localPort: trickle.localPort,
      transport: 'TCP',
    });
    let i = 0;
    const timer = setInterval(() => {
      trickle.write(partial.slice(i, i + 1)); // one byte of a message that never completes in time
      i++;
      busy.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: busy.localPort, transport: 'TCP' }));
    }, 200);
    try {
      await until('the trickling connection to be closed', () => trickle.closed, 10_000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
      expect(Date.now() - t0).toBeLessThan(4000);
      // one that keeps sending whole requests stays
      await new Promise((r) => setTimeout(r, 1000));
      expect(busy.closed).toBe(false);
    } finally {
      clearInterval(timer);
      trickle.close();
      busy.close();
    }
  });

  it('closes an idle connection', async () => {
    const c = await new TcpClient().open(sip.port);
    const t0 = Date.now();
    expect(await c.next(10_000)).toBeNull();
    expect(c.closed).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it('refuses connections from one address beyond its limit; the others are still served', async () => {
    const open = await Promise.all(Array.from({ length: 4 }, () => new TcpClient().open(sip.port)));
    const extra = await new TcpClient().open(sip.port);
    expect(await extra.next(2000)).toBeNull();
    expect(extra.closed).toBe(true);
    for (const c of open) {
      c.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: c.localPort, transport: 'TCP' }));
      expect(status(await c.next())).toBe(200);
    }
    expect(sip.service.stats().tcp.refused).toBeGreaterThanOrEqual(1);
    for (const c of open) c.close();
    await until('the server to see the closes', () => sip.service.stats().tcpConnections === 0);
  });

  it('when every connection is taken, the one idle the longest is closed for a new client', async () => {
    // 8 connections in all (limits above): from two addresses, 4 each
    const idle = await Promise.all(
      Array.from({ length: 8 }, (_, i) => new TcpClient().open(sip.port, `127.0.0.${2 + (i % 2)}`)),
    );
    // all but the first send a whole request now: the first is the one idle the longest
    for (const c of idle.slice(1)) {
      c.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: c.localPort, transport: 'TCP' }));
      expect(status(await c.next())).toBe(200);
    }
    const fresh = await new TcpClient().open(sip.port);
    fresh.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: fresh.localPort, transport: 'TCP' }));
    expect(status(await fresh.next())).toBe(200);
    await until('the idlest connection to be closed', () => idle[0]!.closed, 5000);
    expect(idle.slice(1).every((c) => !c.closed)).toBe(true);
    for (const c of [...idle, fresh]) c.close();
    await until('the server to see the closes', () => sip.service.stats().tcpConnections === 0);
  });
});

describe('TCP with the default limits: 1,024 connections from 16 addresses held by trickling bytes', () => {
  it('a new client is still served, at once', async () => {
    const big = await startSip(dns.port);
    const held: TcpClient[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      const { maxTcpConnections, maxTcpPerSource } = DEFAULT_LIMITS;
      const sources = Math.ceil(maxTcpConnections / maxTcpPerSource);
      for (let s = 0; s < sources; s++) {
        held.push(
          ...(await Promise.all(
            Array.from({ length: maxTcpPerSource }, () =>
              new TcpClient().open(big.port, `127.0.1.${10 + s}`),
            ),
          )),
        );
      }
      // the attacker keeps every connection busy with a byte now and then (before, any byte re-armed
      // a 60 s idle timer, and the 1,025th client was refused for as long as this went on)
      timer = setInterval(() => {
        for (const c of held) if (!c.closed) c.write('I');
      }, 500);
      await until(
        'every attacker connection to be open',
        () => big.service.stats().tcpConnections === maxTcpConnections,
      );
      for (let k = 0; k < 3; k++) {
        const t0 = Date.now();
        const c = await new TcpClient().open(big.port);
        c.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: c.localPort, transport: 'TCP' }));
        expect(status(await c.next(5000))).toBe(200);
        expect(Date.now() - t0).toBeLessThan(1000);
        c.close();
      }
      expect(big.service.stats().tcp.evicted).toBeGreaterThanOrEqual(1); // made room for them
      expect(big.service.stats().tcpConnections).toBeLessThanOrEqual(maxTcpConnections);
      // one more address cannot take more than its share
      const greedy = await Promise.all(
        Array.from({ length: maxTcpPerSource + 5 }, () => new TcpClient().open(big.port, '127.0.2.1')),
      );
      await until('the surplus to be refused', () => greedy.filter((c) => c.closed).length >= 5);
      for (const c of greedy) c.close();
    } finally {
      clearInterval(timer);
      for (const c of held) c.close();
      await big.service.stop();
    }
  }, 120_000);
});
