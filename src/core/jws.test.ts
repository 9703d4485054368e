import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { es256Compact, es256Signature, es256SignatureAsync } from './jws.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('es256Compact', () => {
  // many signatures: r or s with a leading zero byte (DER pads or shortens them) come up often
  it.each(Array.from({ length: 64 }, (_, i) => [i]))('jose verifies signature %i', async (i) => {
    const jws = es256Compact(privateKey, '{"alg":"ES256","typ":"JWT"}', `{"n":${i},"s":"été"}`);
    const parts = jws.split('.');
    expect(parts).toHaveLength(3);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(64);
    const { payload } = await compactVerify(
      jws,
      await importJWK(publicKey.export({ format: 'jwk' }), 'ES256'),
    );
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ n: i, s: 'été' });
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: 'JWT' });
  });

  it('another key does not verify it; a changed payload does not verify', async () => {
    const jws = es256Compact(privateKey, '{"alg":"ES256"}', '{"a":1}');
    const otherKey = await importJWK(other.publicKey.export({ format: 'jwk' }), 'ES256');
    await expect(compactVerify(jws, otherKey)).rejects.toThrow();
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from('{"a":2}').toString('base64url')}.${s}`;
    const key = await importJWK(publicKey.export({ format: 'jwk' }), 'ES256');
    await expect(compactVerify(forged, key)).rejects.toThrow();
  });

  it('es256Signature signs the input as given; the thread-pool variant verifies the same way', async () => {
    expect(Buffer.from(es256Signature(privateKey, 'a.b'), 'base64url')).toHaveLength(64);
    const input = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"a":3}').toString('base64url')}`;
    const jws = `${input}.${await es256SignatureAsync(privateKey, input)}`;
    const key = await importJWK(publicKey.export({ format: 'jwk' }), 'ES256');
    expect(JSON.parse(new TextDecoder().decode((await compactVerify(jws, key)).payload))).toEqual({ a: 3 });
  });
});
