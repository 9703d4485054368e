// SIP over TCP: framing by Content-Length, several messages per connection, keep-alives, and
// the limits (message size, idle time, connections).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { until } from '../helpers/until.ts';
import { headers, request, startDns, startSip, status, TcpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port, {}, { limits: { tcpIdleMs: 1500, maxMessage: 4096, maxTcpConnections: 8 } });
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

  it('closes an idle connection', async () => {
    const c = await new TcpClient().open(sip.port);
    const t0 = Date.now();
    expect(await c.next(10_000)).toBeNull();
    expect(c.closed).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it('refuses connections beyond the limit and serves again once they close', async () => {
    const open = await Promise.all(Array.from({ length: 8 }, () => new TcpClient().open(sip.port)));
    // each of them is served
    for (const c of open.slice(0, 2)) {
      c.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: c.localPort, transport: 'TCP' }));
      expect(status(await c.next())).toBe(200);
    }
    const extra = await new TcpClient().open(sip.port);
    expect(await extra.next(3000)).toBeNull();
    expect(extra.closed).toBe(true);
    for (const c of open) c.close();
    // wait until the server has seen the closes, then a new connection is served
    await until('the server to see the closes', () => sip.service.stats().tcpConnections === 0);
    const again = await new TcpClient().open(sip.port);
    again.write(request({ method: 'OPTIONS', uri: MEMBER, localPort: again.localPort, transport: 'TCP' }));
    expect(status(await again.next())).toBe(200);
    again.close();
  });
});
