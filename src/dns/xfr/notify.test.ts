import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { Packet, registerDns2Codecs } from '#test/helpers/dns2';
import { ParsedQuery } from '../server/query.ts';
import { loadZone } from '../zonefile/load.ts';
import { createNotifier, type Notifier } from './notify.ts';
import { parseTsigKeys, readTsig, verifyRequest } from './tsig.ts';

registerDns2Codecs();

const ZONE = `$TTL 300
@ SOA ns1 hostmaster 41 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
`;
const ring = parseTsigKeys([`n-key:hmac-sha256:${Buffer.from('notify secret').toString('base64')}`]);

/** A secondary that ignores the first `silent` NOTIFYs, then answers with `rcode`. */
async function secondary(silent: number, rcode = 0) {
  const sock = dgram.createSocket('udp4');
  const got: { at: number; msg: Buffer }[] = [];
  sock.on('message', (msg, r) => {
    got.push({ at: performance.now(), msg });
    if (got.length <= silent) return;
    const answer = Buffer.from(msg.subarray(0, 12));
    answer[2] = answer[2]! | 0x80;
    answer[3] = rcode;
    answer.writeUInt16BE(0, 4);
    answer.writeUInt16BE(0, 6);
    answer.writeUInt16BE(0, 10);
    sock.send(answer, r.port, r.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, got, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

describe('NOTIFY to the secondaries (RFC 1996)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function until(ok: () => boolean) {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(ok()).toBe(true);
  }

  it('sends a signed NOTIFY with the new SOA and retries with backoff until the secondary answers', async () => {
    const sec = await secondary(2);
    const n: Notifier = createNotifier({
      targets: [{ host: '127.0.0.1', port: sec.port }],
      key: [...ring.values()][0],
      logger: silentLogger,
      retryMs: 100,
      maxRetryMs: 1000,
    });
    cleanup.push(sec.close, n.stop);
    const zone = loadZone('z', 'example.test', ZONE).zone;
    n.changed([zone]);
    await until(() => n.answered() === 1);
    expect(n.pending()).toBe(0);
    expect(sec.got).toHaveLength(3);
    const gaps = [sec.got[1]!.at - sec.got[0]!.at, sec.got[2]!.at - sec.got[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190); // doubled
    for (const { msg } of sec.got) {
      const p = Packet.parse(msg);
      expect(p.header).toMatchObject({ qr: 0, opcode: 4, aa: 1 });
      expect(p.questions).toEqual([{ name: 'example.test', type: 6, class: 1 }]);
      expect(p.answers[0]).toMatchObject({ name: 'example.test', type: 6, serial: 41 });
      const q = new ParsedQuery();
      expect(q.parse(msg)).toBe('ok');
      expect(verifyRequest(msg, readTsig(msg, q.tsigAt), ring, Math.floor(Date.now() / 1000))).toMatchObject({
        ok: true,
      });
    }
  });

  it('a newer serial replaces the pending NOTIFY; an error answer ends the retries too', async () => {
    const sec = await secondary(1, 5);
    const n = createNotifier({
      targets: [{ host: '127.0.0.1', port: sec.port }],
      logger: silentLogger,
      retryMs: 100,
    });
    cleanup.push(sec.close, n.stop);
    const zone = loadZone('z', 'example.test', ZONE).zone;
    n.changed([zone]);
    zone.setSerial(42);
    n.changed([zone]);
    expect(n.pending()).toBe(1);
    await until(() => n.answered() === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sec.got.map((g) => Packet.parse(g.msg).answers[0].serial)).toEqual([41, 42]);
  });
});
