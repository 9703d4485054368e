// The redirector's DNS client and cache against the real callx DNS server: answers with TTLs,
// negative answers with their SOA (RFC 2308), truncation and the TCP retry, timeouts.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import { createDnsCache, type LookupOutcome } from '../../src/resolve/cache.ts';
import {
  createDnsClient,
  DnsError,
  DnsOverloadError,
  DnsTimeoutError,
} from '../../src/resolve/dns-client.ts';
import { startDns } from './env.ts';

const NAPTR = 35;
let dns: DnsServer;

beforeAll(async () => {
  dns = await startDns();
});
afterAll(async () => {
  await dns?.stop();
});

describe('DNS client', () => {
  it('asks over UDP and reads NAPTRs with their TTL', async () => {
    const c = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: dns.port }],
      timeoutMs: 1000,
      tries: 2,
    });
    const r = await c.query('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR);
    c.close();
    expect(r.rcode).toBe(0);
    expect(r.aa).toBe(true);
    expect(r.transport).toBe('udp');
    expect(r.answers.map((a) => [a.ttl, a.order, a.preference, a.flags, a.service])).toEqual([
      [300, 100, 10, 'u', 'E2U+sip'],
      [300, 100, 20, 'u', 'E2U+tel'],
      [300, 100, 30, 'u', 'E2U+web:http'],
    ]);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const c = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: dns.port }],
      timeoutMs: 1000,
      tries: 1,
    });
    const r = await c.query('9.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR);
    c.close();
    expect(r.transport).toBe('tcp');
    expect(r.answers).toHaveLength(12);
  });

  it('gives up after tries x timeout when nobody answers, trying each resolver', async () => {
    const holes = await Promise.all(
      [0, 1].map(async () => {
        const s = dgram.createSocket('udp4');
        let got = 0;
        s.on('message', () => got++);
        await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
        return { s, count: () => got };
      }),
    );
    const c = createDnsClient({
      resolvers: holes.map((h) => ({ host: '127.0.0.1', port: h.s.address().port })),
      timeoutMs: 100,
      tries: 2,
    });
    const t0 = Date.now();
    await expect(c.query('x.callx.test', NAPTR)).rejects.toThrow(DnsTimeoutError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(holes.map((h) => h.count())).toEqual([2, 2]);
    c.close();
    for (const h of holes) h.s.close();
  });

  it('a resolver that answers SERVFAIL is an error, not a timeout', async () => {
    const failing = dgram.createSocket('udp4');
    failing.on('message', (q, rinfo) => {
      const r = Buffer.from(q);
      r[2] = r[2]! | 0x80; // QR: a response, same id and question
      r[3] = (r[3]! & 0xf0) | 2; // SERVFAIL
      failing.send(r, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => failing.bind(0, '127.0.0.1', () => r()));
    const timeoutMs = 10_000; // far above the answer's round trip, even on a loaded machine
    const c = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: failing.address().port }],
      timeoutMs,
      tries: 2,
    });
    const t0 = Date.now();
    const err = await c.query('x.callx.test', NAPTR).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect(err).not.toBeInstanceOf(DnsTimeoutError);
    expect((err as Error).message).toMatch(/answered rcode 2/);
    expect(Date.now() - t0).toBeLessThan(timeoutMs); // no waiting for a timeout
    c.close();
    failing.close();
  });

  it('bounds the queries waiting for an answer: past the bound a query fails at once', async () => {
    const hole = dgram.createSocket('udp4');
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    const c = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: hole.address().port }],
      timeoutMs: 300,
      tries: 1,
      maxInflight: 2,
    });
    const waiting = [c.query('a.callx.test', NAPTR), c.query('b.callx.test', NAPTR)];
    expect(c.inflight).toBe(2);
    await expect(c.query('c.callx.test', NAPTR)).rejects.toThrow(DnsOverloadError);
    for (const w of waiting) await expect(w).rejects.toThrow(DnsTimeoutError);
    expect(c.inflight).toBe(0);
    // room again
    await expect(c.query('d.callx.test', NAPTR)).rejects.toThrow(DnsTimeoutError);
    c.close();
    hole.close();
  });

  it('moves on to the next resolver when one does not answer', async () => {
    const hole = dgram.createSocket('udp4');
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    const c = createDnsClient({
      resolvers: [
        { host: '127.0.0.1', port: hole.address().port },
        { host: '127.0.0.1', port: dns.port },
      ],
      timeoutMs: 100,
      tries: 1,
    });
    const r = await c.query('0.0.2.6.0.0.2.6.82.vns.callx.test', NAPTR);
    expect(r.answers).toHaveLength(1);
    expect(r.server).toBe(`127.0.0.1:${dns.port}`);
    c.close();
    hole.close();
  });
});

describe('DNS cache', () => {
  it('keeps answers for their TTL, negative answers for the SOA minimum, and shares concurrent queries', async () => {
    let now = 1_000_000;
    let queries = 0;
    const client = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: dns.port }],
      timeoutMs: 1000,
      tries: 1,
    });
    const counting = {
      ...client,
      query: (n: string, t: number) => {
        queries++;
        return client.query(n, t);
      },
    };
    const cache = createDnsCache(counting, { max: 100, maxTtl: 86400, now: () => now });

    const [a, b] = await Promise.all([
      cache.lookup('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR),
      cache.lookup('0.0.2.6.0.0.2.6.2.2.8.E164.callx.test.', NAPTR),
    ]);
    expect(queries).toBe(1);
    expect([a.cached, b.cached, a.ttl]).toEqual([false, false, 300]);
    now += 299_000;
    const c = await cache.lookup('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR);
    expect([c.cached, c.ttl, queries]).toEqual([true, 1, 1]);
    now += 2000;
    expect((await cache.lookup('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR)).cached).toBe(false);
    expect(queries).toBe(2);

    const neg = await cache.lookup('9.9.9.e164.callx.test', NAPTR);
    expect([neg.outcome, neg.ttl, neg.soa?.type]).toEqual(['NXDOMAIN', 60, 6]); // min(SOA TTL 300, minimum 60)
    now += 59_000;
    expect((await cache.lookup('9.9.9.e164.callx.test', NAPTR)).cached).toBe(true);
    now += 2000;
    expect((await cache.lookup('9.9.9.e164.callx.test', NAPTR)).cached).toBe(false);

    const nodata = await cache.lookup('e164.callx.test', NAPTR);
    expect(nodata.outcome).toBe('NODATA');
    client.close();
  });
});

describe('DNS cache bounds and look-up metrics', () => {
  it('holds answers within a byte budget, and reports each look-up once with its outcome', async () => {
    const client = createDnsClient({
      resolvers: [{ host: '127.0.0.1', port: dns.port }],
      timeoutMs: 1000,
      tries: 1,
    });
    const seen: [LookupOutcome, boolean][] = [];
    const cache = createDnsCache(client, {
      max: 1000,
      maxBytes: 8000, // a handful of answers (~1.5 KB each)
      maxTtl: 86400,
      observe: (o, cached, s) => {
        expect(s).toBeGreaterThanOrEqual(0);
        seen.push([o, cached]);
      },
    });
    for (let i = 0; i < 40; i++) await cache.lookup(`${i}.9.9.e164.callx.test`, NAPTR);
    expect(cache.size).toBeGreaterThan(2);
    expect(cache.size).toBeLessThan(8);
    expect(cache.bytes).toBeLessThanOrEqual(8000);
    await cache.lookup('39.9.9.e164.callx.test', NAPTR); // the newest is still there
    await cache.lookup('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', NAPTR);
    await cache.lookup('e164.callx.test', NAPTR);
    expect(seen.slice(-4)).toEqual([
      ['nxdomain', false],
      ['nxdomain', true],
      ['answer', false],
      ['nodata', false],
    ]);
    client.close();
    await expect(cache.lookup('1.e164.callx.test', NAPTR)).rejects.toThrow(DnsError);
    expect(seen.at(-1)).toEqual(['error', false]);
  });
});
