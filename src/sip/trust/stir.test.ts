// Signed caller identity: PASSporT claims in RFC 8225 §9 order, the SHAKEN header, a stable
// origid, reuse within the iat second, and our own check of Identity headers that come in.
import { decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateStirCredentials } from '#registry';
import { FRESHNESS_S, MAX_IDENTITY, readIdentity } from './identity.ts';
import { createSigner, origidOf, passportPayload, type Signer } from './stir.ts';

let t = 1_700_000_000_250;
const clock = { now: () => t };
let signer: Signer;
const X5U = 'https://callx.test/stir/cert.pem';

beforeAll(async () => {
  const creds = await generateStirCredentials('callx.test', t);
  signer = await createSigner({ keyPem: creds.keyPem, certPem: creds.certPem, x5u: X5U, clock });
});

const claims = {
  attest: 'A' as const,
  orig: '82262006200',
  dest: { tn: '12125551234' },
  origid: origidOf('member', 'm1'),
};

describe('PASSporTs', () => {
  it('claims in lexicographic order, without white space (RFC 8225 §9)', () => {
    expect(passportPayload(claims, 1_700_000_000)).toBe(
      `{"attest":"A","dest":{"tn":["12125551234"]},"iat":1700000000,"orig":{"tn":"82262006200"},"origid":"${claims.origid}"}`,
    );
  });

  it('origid: a UUID per originator, the same every time', () => {
    expect(origidOf('member', 'm1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(origidOf('member', 'm1')).toBe(claims.origid);
    expect(origidOf('member', 'm2')).not.toBe(claims.origid);
  });

  it('an Identity value: the compact JWS with the SHAKEN header, info, alg and ppt (RFC 8224 §4.1)', async () => {
    const v = await signer.identity(claims);
    const [jws, ...params] = v.split(';');
    expect(params).toEqual([`info=<${X5U}>`, 'alg=ES256', 'ppt=shaken']);
    expect(decodeProtectedHeader(jws!)).toEqual({ alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u: X5U });
    expect(await signer.verifiesOurs(jws!)).toBe(true);
    const [h, p, s] = jws!.split('.');
    const forged = Buffer.from(Buffer.from(p!, 'base64url').toString().replace('"A"', '"C"')).toString(
      'base64url',
    );
    expect(await signer.verifiesOurs(`${h}.${forged}.${s}`)).toBe(false);
  });

  it('is reused for the same claims within its iat second, signed anew after it', async () => {
    t = 1_700_000_010_100;
    const before = { ...signer.stats };
    const [a, b] = await Promise.all([signer.identity(claims), signer.identity(claims)]);
    const c = await signer.identity(claims);
    t += 500;
    const d = await signer.identity(claims);
    expect([b, c, d]).toEqual([a, a, a]);
    expect(signer.stats.signed - before.signed).toBe(1);
    expect(signer.stats.reused - before.reused).toBe(3);
    t += 500; // the next second
    expect(await signer.identity(claims)).not.toBe(a);
    expect(await signer.identity({ ...claims, dest: { tn: '12125559999' } })).not.toBe(a);
    expect(signer.stats.signed - before.signed).toBe(3);
  });
});

describe('Identity headers that come in', () => {
  const now = () => t;

  it('a fresh PASSporT reads; ours is recognised by its x5u', async () => {
    const v = await signer.identity(claims);
    const r = readIdentity(v, now());
    expect(r).toMatchObject({ ok: true, headers: [{ value: v, x5u: X5U }] });
  });

  it('stale (RFC 8224 §6.2.2: iat more than 60 s away): 403 Stale Date', async () => {
    const v = await signer.identity(claims);
    expect(readIdentity(v, now() + (FRESHNESS_S + 1) * 1000)).toMatchObject({
      ok: false,
      status: 403,
      reason: 'Stale Date',
    });
  });

  it.each([
    ['not a JWS', 'hello;info=<https://x/c.pem>', 438],
    ['a JWS that does not decode', 'a.b.c;info=<https://x/c.pem>', 438],
    ['oversized', `${'a'.repeat(MAX_IDENTITY)}.b.c`, 438],
  ])('%s: %i', (_what, value, status) => {
    expect(readIdentity(value, now())).toMatchObject({ ok: false, status });
  });

  it('another algorithm: 438; no info URI: 436 Bad Identity Info', async () => {
    const v = await signer.identity(claims);
    const [jws] = v.split(';');
    const [, p, s] = jws!.split('.');
    const rs256 = Buffer.from(
      JSON.stringify({ alg: 'RS256', ppt: 'shaken', typ: 'passport', x5u: X5U }),
    ).toString('base64url');
    expect(readIdentity(`${rs256}.${p}.${s};info=<${X5U}>;alg=RS256`, now())).toMatchObject({ status: 438 });
    expect(readIdentity(`${jws};alg=ES256`, now())).toMatchObject({
      status: 436,
      reason: 'Bad Identity Info',
    });
    expect(readIdentity(`${jws};info=<javascript:x>`, now())).toMatchObject({ status: 436 });
  });
});
