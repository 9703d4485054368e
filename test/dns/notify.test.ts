// NOTIFY to a secondary over a real UDP socket. The retry backoff runs on a fake clock that the
// test moves, so the gaps between NOTIFYs are exact however loaded the machine is.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '#core';
import { Packet, registerDns2Codecs } from '#test/helpers/dns2';
import { ParsedQuery } from '../../src/dns/server/query.ts';
import { createNotifier, type Notifier } from '../../src/dns/xfr/notify.ts';
import { parseTsigKeys, readTsig, verifyRequest } from '../../src/dns/xfr/tsig.ts';
import { loadZone } from '../../src/dns/zonefile/load.ts';
import { until } from '../helpers/until.ts';

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
    got.push({ at: Date.now(), msg }); // the fake clock: the time the NOTIFY was sent
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
    vi.useRealTimers();
    for (const c of cleanup.splice(0)) await c();
  });

  it('sends a signed NOTIFY with the new SOA and retries with backoff until the secondary answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
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
    await until('the first NOTIFY', () => sec.got.length === 1);
    for (const count of [2, 3]) {
      await vi.advanceTimersToNextTimerAsync(); // the retry is the only timer
      await until(`NOTIFY number ${count}`, () => sec.got.length === count);
    }
    await until('the answer to the third NOTIFY', () => n.answered() === 1);
    expect(n.pending()).toBe(0);
    expect(vi.getTimerCount()).toBe(0); // answered: no retry left
    expect(sec.got).toHaveLength(3);
    const gaps = [sec.got[1]!.at - sec.got[0]!.at, sec.got[2]!.at - sec.got[1]!.at];
    expect(gaps).toEqual([100, 200]); // doubled
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
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
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
    await until('the answer to the NOTIFY of serial 42', () => n.answered() === 1);
    // no retry of 41 nor of 42 left (the error answer's log line may keep the log limiter's timer)
    expect(n.pending()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sec.got.map((g) => Packet.parse(g.msg).answers[0].serial)).toEqual([41, 42]);
  });
});
