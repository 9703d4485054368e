// The DNS server over real sockets: UDP and TCP, IPv4 and IPv6, several queries per TCP
// connection, idle timeouts, truncation, refusing to start on a bad zone file, and dig.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsServer, type DnsServer, loadZone, ZoneSet } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { peer } from '../helpers/peer.ts';
import { buildQuery, tcpQuery, udpQuery } from './helpers/wire.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

describe('DNS server over sockets', () => {
  let dns: DnsServer;

  beforeAll(async () => {
    dns = createDnsServer({
      config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 400 },
      logger: silentLogger,
      zonesDir: join(ROOT, 'zones'),
      maxTcpConnections: 20,
    });
    await dns.start();
    const edge = join(ROOT, 'test/dns/fixtures/edge.test.zone');
    dns.zones.addZone(loadZone(edge, 'edge.test').zone);
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('binds UDP and TCP on the same, actually bound port', async () => {
    expect(dns.port).toBeGreaterThan(0);
    const u = await udpQuery(dns.port, buildQuery({ name: 'callx.test', type: 'SOA', id: 7 }));
    const [t] = await tcpQuery(dns.port, [buildQuery({ name: 'callx.test', type: 'SOA', id: 8 })]);
    expect(u.readUInt16BE(0)).toBe(7);
    expect(t!.readUInt16BE(0)).toBe(8);
    expect(u.subarray(2)).toEqual(t!.subarray(2));
  });

  it('answers several pipelined queries on one TCP connection, in order', async () => {
    const qs = [1, 2, 3, 4].map((id) => buildQuery({ name: `${id}.pstn.callx.test`, type: 'NAPTR', id }));
    const out = await tcpQuery(dns.port, qs);
    expect(out.map((b) => b.readUInt16BE(0))).toEqual([1, 2, 3, 4]);
  });

  it('reassembles a query that arrives one byte at a time', async () => {
    const q = buildQuery({ name: 'callx.test', type: 'NS', id: 99 });
    const frame = Buffer.concat([Buffer.from([0, q.length]), q]);
    const sock = net.connect(dns.port, '127.0.0.1');
    const answer = new Promise<Buffer>((r) => sock.once('data', r));
    for (const b of frame) sock.write(Buffer.from([b]));
    const a = await answer;
    expect(a.readUInt16BE(2)).toBe(99);
    sock.destroy();
  });

  it('closes idle connections, and slow partial messages too (slowloris)', async () => {
    const idle = net.connect(dns.port, '127.0.0.1');
    idle.on('error', () => {});
    const t0 = Date.now();
    await new Promise((r) => idle.once('close', r));
    expect(Date.now() - t0).toBeLessThan(3000);
    const slow = net.connect(dns.port, '127.0.0.1');
    slow.on('error', () => {}); // the server resets it: that is the point
    const timer = setInterval(() => slow.write(Buffer.from([0])), 100);
    slow.write(Buffer.from([0x01, 0x00])); // announces 256 octets, then dribbles
    const t1 = Date.now();
    await new Promise((r) => slow.once('close', r));
    clearInterval(timer);
    expect(Date.now() - t1).toBeLessThan(3000);
  });

  it('sets TC over UDP when the answer does not fit, and gives the whole answer over TCP', async () => {
    const q = buildQuery({ name: 'big.edge.test', type: 'TXT', edns: null });
    const u = await udpQuery(dns.port, q);
    expect(u[2]! & 0x02).toBe(0x02);
    expect(u.readUInt16BE(6)).toBe(0);
    const [t] = await tcpQuery(dns.port, [q]);
    expect(t![2]! & 0x02).toBe(0);
    expect(t!.readUInt16BE(6)).toBe(4);
  });

  it('is queried with dig (UDP and TCP)', async () => {
    const dig = peer('dig');
    const args = ['@127.0.0.1', '-p', String(dns.port), '+norec', '+short'];
    const naptr = await run(dig, [...args, '5.4.3.2.1.0.0.2.6.2.8.pstn.callx.test', 'NAPTR']);
    expect(naptr.stdout.trim()).toBe(
      '100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .',
    );
    const srv = await run(dig, [...args, '+tcp', '_sip._udp.kr.center.callx.test', 'SRV']);
    expect(srv.stdout.trim().split('\n').sort()).toEqual([
      '10 40 5060 sip2.kr.center.callx.test.',
      '10 60 5060 sip1.kr.center.callx.test.',
    ]);
    const full = await run(dig, ['@127.0.0.1', '-p', String(dns.port), '+norec', 'nx.callx.test', 'A']);
    expect(full.stdout).toMatch(/status: NXDOMAIN/);
    expect(full.stdout).toMatch(/flags: qr aa;/);
  });
});

describe('DNS server on IPv6', () => {
  it('answers over UDP and TCP on ::1', async () => {
    const zones = new ZoneSet();
    zones.addZone(loadZone(join(ROOT, 'zones/callx.test.zone'), 'callx.test').zone);
    const dns = createDnsServer({
      config: { addr: '::1', port: 0, tcpIdleMs: 1000 },
      logger: silentLogger,
      zones,
    });
    await dns.start();
    try {
      const q = buildQuery({ name: 'ns1.callx.test', type: 'AAAA', id: 6 });
      const u = await udpQuery(dns.port, q, '::1');
      const [t] = await tcpQuery(dns.port, [q], '::1');
      expect(u.readUInt16BE(6)).toBe(1);
      expect(t!.subarray(2)).toEqual(u.subarray(2));
    } finally {
      await dns.stop();
    }
  });
});

describe('zone loading at start', () => {
  it('refuses to start when a zone file has a syntax error, naming file, line and reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callx-zones-'));
    try {
      writeFileSync(join(dir, 'good.test.zone'), '$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n');
      writeFileSync(join(dir, 'bad.test.zone'), '$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n');
      const dns = createDnsServer({
        config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 1000 },
        logger: silentLogger,
        zonesDir: dir,
      });
      await expect(dns.start()).rejects.toThrow(
        `${join(dir, 'bad.test.zone')}:4: A ns.bad.test: bad IPv4 address '192.0.2.300'`,
      );
      expect(dns.port).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
