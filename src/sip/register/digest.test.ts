import { describe, expect, it } from 'vitest';
import { ha1 } from '#core';
import { challenge, createNonces, digestResponse, parseAuthorization, sameDigest } from './digest.ts';

describe('digest (RFC 7616 / RFC 8760)', () => {
  // RFC 7616 §3.9.1: Mufasa / http-auth@example.org / Circle of Life
  const p = {
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    qop: 'auth',
    method: 'GET',
    uri: '/dir/index.html',
  };
  it('HA1 = H(username:realm:password), the one the registry stores (RFC 2617 §3.5 example)', () => {
    expect(ha1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe(
      '939e7578ed9e3c518a452acee763bce9',
    );
  });
  it('MD5 as RFC 7616 §3.9.1', () => {
    const h = ha1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    expect(digestResponse('MD5', h, p)).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
  it('SHA-256 as RFC 7616 §3.9.1', () => {
    const h = ha1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    expect(digestResponse('SHA-256', h, p)).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('nonces: fresh, stale after their lifetime, bad when forged or from another secret', () => {
    const n = createNonces(30_000);
    const nonce = n.issue(1_000_000);
    expect(n.check(nonce, 1_010_000)).toBe('ok');
    expect(n.check(nonce, 1_031_000)).toBe('stale');
    expect(createNonces(30_000).check(nonce, 1_010_000)).toBe('bad');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'B' ? 'C' : 'B') + s.slice(i + 1);
    expect(n.check(flip(nonce, 5), 1_010_000)).toBe('bad'); // the time is signed
    expect(n.check(flip(nonce, 13), 1_010_000)).toBe('bad'); // and so is the random part
    expect(n.check('garbage', 1_010_000)).toBe('bad');
  });

  it('nonces: any holder of the same secret and realm accepts them, another realm does not', () => {
    const secret = Buffer.alloc(32, 1);
    const a = createNonces(30_000, secret, 'callx.test');
    const nonce = a.issue(1_000_000);
    expect(createNonces(30_000, Buffer.from(secret), 'callx.test').check(nonce, 1_000_500)).toBe('ok');
    expect(createNonces(30_000, secret, 'other.test').check(nonce, 1_000_500)).toBe('bad');
    expect(createNonces(30_000, Buffer.alloc(32, 2), 'callx.test').check(nonce, 1_000_500)).toBe('bad');
  });

  it('parses Authorization with quoted and bare values', () => {
    const a = parseAuthorization(
      'Digest username="al\\"ice", realm="callx.test", nonce="abc", uri="sip:callx.test", response="0f", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="x,y"',
    );
    expect(Object.fromEntries(a!)).toEqual({
      username: 'al"ice',
      realm: 'callx.test',
      nonce: 'abc',
      uri: 'sip:callx.test',
      response: '0f',
      algorithm: 'SHA-256',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'x,y',
    });
    expect(parseAuthorization('Basic dXNlcg==')).toBeNull();
    expect(parseAuthorization('Digest username="unterminated')).toBeNull();
  });

  it('challenges', () => {
    expect(challenge('SHA-256', 'callx.test', 'n1', false)).toBe(
      'Digest realm="callx.test", nonce="n1", algorithm=SHA-256, qop="auth"',
    );
    expect(challenge('MD5', 'callx.test', 'n1', true)).toBe(
      'Digest realm="callx.test", nonce="n1", algorithm=MD5, qop="auth", stale=true',
    );
  });

  it('compares digests in constant time, case-insensitively', () => {
    expect(sameDigest('ABCD', 'abcd')).toBe(true);
    expect(sameDigest('abcd', 'abce')).toBe(false);
    expect(sameDigest('abc', 'abcd')).toBe(false);
  });
});
