import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildQuery } from '#test/dns/helpers/wire';
import {
  appendUnsignedError,
  parseTsigKeys,
  readTsig,
  signBadTime,
  signRequest,
  TSIG_ERROR,
  TsigSigner,
  tsigSize,
  verifyRequest,
} from './tsig.ts';

const SECRET = Buffer.from('a tsig secret of thirty-two byte').toString('base64');
const ring = parseTsigKeys([
  `xfr-key:hmac-sha256:${SECRET}`,
  `Old.Key.:HMAC-MD5:${SECRET}`,
  `k1:hmac-sha512:${SECRET}`,
]);
const key = ring.get('xfr-key')!;
const NOW = 1_800_000_000;

function signed(k = key, time = NOW) {
  const q = buildQuery({ name: 'callx.test', type: 'AXFR', id: 0x1234, edns: null });
  const { wire } = signRequest(q, k, time);
  return { q, wire, record: readTsig(wire, q.length) };
}

describe('TSIG keys from configuration', () => {
  it('reads name:algorithm:base64, names case-insensitive, md5 by its short name', () => {
    expect([...ring.values()].map((k) => [k.name, k.algorithm.name, k.secret.length])).toEqual([
      ['xfr-key', 'hmac-sha256', 32],
      ['old.key', 'hmac-md5.sig-alg.reg.int', 32],
      ['k1', 'hmac-sha512', 32],
    ]);
  });

  it.each([
    ['xfr-key:hmac-sha256', /expected name:algorithm:base64secret/],
    ['xfr-key:hmac-sha3:c2VjcmV0', /unknown algorithm 'hmac-sha3'/],
    ['xfr-key:hmac-sha256:not base64!', /the secret is not base64/],
    ['bad..name:hmac-sha256:c2VjcmV0', /bad key name/],
  ])('rejects %s naming the key', (spec, message) => {
    expect(() => parseTsigKeys([spec])).toThrow(message);
    expect(() => parseTsigKeys([spec])).toThrow(/^dns: CALLX_DNS_TSIG_KEYS: '/);
  });

  it('rejects a key listed twice', () => {
    expect(() => parseTsigKeys([`a:hmac-sha1:${SECRET}`, `A.:hmac-sha256:${SECRET}`])).toThrow(
      /listed twice/,
    );
  });
});

describe('verifying signed requests (RFC 8945 §5.2)', () => {
  it('accepts a good signature and computes it over message and variables', () => {
    const { q, wire, record } = signed();
    expect(record).toMatchObject({ timeSigned: NOW, fudge: 300, originalId: 0x1234, error: 0 });
    expect(verifyRequest(wire, record, ring, NOW + 299)).toMatchObject({ ok: true });
    // the MAC by hand: message, key name, class ANY, TTL 0, algorithm, time, fudge, error, other len
    const vars = Buffer.concat([
      Buffer.from('\x07xfr-key\x00', 'latin1'),
      Buffer.from([0, 255, 0, 0, 0, 0]),
      Buffer.from('\x0bhmac-sha256\x00', 'latin1'),
      Buffer.from([0, 0, NOW >>> 24, (NOW >>> 16) & 255, (NOW >>> 8) & 255, NOW & 255]),
      Buffer.from([1, 44, 0, 0, 0, 0]),
    ]);
    expect(record.mac).toEqual(createHmac('sha256', key.secret).update(q).update(vars).digest());
  });

  it.each([
    [
      'an unknown key',
      () => signed(parseTsigKeys([`nokey:hmac-sha256:${SECRET}`]).get('nokey')!),
      TSIG_ERROR.BADKEY,
    ],
    [
      'the right key name with another algorithm',
      () => signed(parseTsigKeys([`xfr-key:hmac-sha1:${SECRET}`]).get('xfr-key')!),
      TSIG_ERROR.BADKEY,
    ],
    [
      'another secret',
      () =>
        signed(parseTsigKeys([`xfr-key:hmac-sha256:${Buffer.from('x').toString('base64')}`]).get('xfr-key')!),
      TSIG_ERROR.BADSIG,
    ],
    ['a time outside the fudge', () => signed(key, NOW - 301), TSIG_ERROR.BADTIME],
  ])('rejects %s', (_what, make, error) => {
    const { wire, record } = make();
    expect(verifyRequest(wire, record, ring, NOW)).toMatchObject({ ok: false, error });
  });

  it('rejects a tampered message (BADSIG), a truncated MAC (BADTRUNC) and a too short one (FORMERR)', () => {
    const { wire, record } = signed();
    const tampered = Buffer.from(wire);
    tampered[13] = 'C'.charCodeAt(0) ^ 1;
    expect(verifyRequest(tampered, readTsig(tampered, record.start), ring, NOW)).toMatchObject({
      error: TSIG_ERROR.BADSIG,
    });
    expect(verifyRequest(wire, { ...record, mac: record.mac.subarray(0, 16) }, ring, NOW)).toMatchObject({
      error: TSIG_ERROR.BADTRUNC,
    });
    expect(verifyRequest(wire, { ...record, mac: record.mac.subarray(0, 9) }, ring, NOW)).toMatchObject({
      error: 1,
    });
  });

  it('refuses malformed TSIG records', () => {
    const { wire, record } = signed();
    expect(() => readTsig(wire.subarray(0, wire.length - 1), record.start)).toThrow(/TSIG/);
    const classIn = Buffer.from(wire);
    classIn.writeUInt16BE(1, record.start + 9 + 2);
    expect(() => readTsig(classIn, record.start)).toThrow(/class ANY/);
  });
});

describe('signing responses', () => {
  it('chains the MACs of a multi-message transfer (§5.3.1): prior MAC, message, timers', () => {
    const { record } = signed();
    const signer = new TsigSigner(key, record.mac, () => NOW);
    const m1 = Buffer.from(buildQuery({ name: 'a.test', type: 'A', id: 0x1234, edns: null }));
    const m2 = Buffer.from(buildQuery({ name: 'b.test', type: 'A', id: 0x1234, edns: null }));
    const s1 = signer.sign(m1);
    const s2 = signer.sign(m2);
    expect(s1.length).toBe(m1.length + tsigSize(key));
    const r1 = readTsig(s1, m1.length);
    const r2 = readTsig(s2, m2.length);
    const len = (b: Buffer) => Buffer.from([b.length >> 8, b.length & 255]);
    const timers = Buffer.from([0, 0, NOW >>> 24, (NOW >>> 16) & 255, (NOW >>> 8) & 255, NOW & 255, 1, 44]);
    expect(r2.mac).toEqual(
      createHmac('sha256', key.secret).update(len(r1.mac)).update(r1.mac).update(m2).update(timers).digest(),
    );
    expect(s2.readUInt16BE(10)).toBe(1); // ARCOUNT counts the TSIG record
  });

  it('answers BADKEY/BADSIG unsigned and BADTIME signed with the server time', () => {
    const { record } = signed(key, NOW - 1000);
    const base = Buffer.from(buildQuery({ name: 'callx.test', type: 'AXFR', id: 0x1234, edns: null }));
    const bad = readTsig(appendUnsignedError(base, record, TSIG_ERROR.BADSIG), base.length);
    expect(bad).toMatchObject({ error: TSIG_ERROR.BADSIG, mac: Buffer.alloc(0), timeSigned: NOW - 1000 });
    const t = readTsig(
      signBadTime(base, new TsigSigner(key, record.mac, () => NOW), record, NOW),
      base.length,
    );
    expect(t).toMatchObject({ error: TSIG_ERROR.BADTIME, timeSigned: NOW - 1000 });
    expect(t.mac.length).toBe(32);
    expect(t.other.readUIntBE(0, 6)).toBe(NOW);
  });
});
