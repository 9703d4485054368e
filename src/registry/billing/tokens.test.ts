import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, silentLogger } from '#core';
import { type TempStore, tempStore } from '#test/api/helpers/store';
import { createRouteTokens } from './tokens.ts';

const claims = {
  jti: 'r1.0',
  sub: '+82262006200',
  aud: 'gateway:gw-uk',
  dst: '+442079460000',
  max: 600,
  rate: { currency: 'USD', perMinute: '0.01', connectionFee: '0', increments: '60/60', prefix: '44' },
};

describe('billing: route tokens', () => {
  let t: TempStore;
  const clock = manualClock(Date.UTC(2026, 0, 31, 12));
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.close());
  const tokensOn = () =>
    createRouteTokens({ store: t.store, clock, logger: silentLogger, issuer: 'callx.test', ttlMs: 60_000 });

  it('signs the same token on the thread pool as on the event loop (only the signature differs)', async () => {
    const tokens = tokensOn();
    await tokens.load();
    const sync = tokens.signRoute(claims);
    const pooled = await tokens.signRouteAsync(claims);
    expect(pooled.split('.').slice(0, 2)).toEqual(sync.split('.').slice(0, 2));
    const jwks = createLocalJWKSet(tokens.jwks());
    const { payload } = await jwtVerify(pooled, jwks, {
      audience: 'gateway:gw-uk',
      currentDate: new Date(clock.now()),
    });
    expect(payload).toMatchObject(claims);
    const broken = `${pooled.slice(0, -4)}AAAA`;
    await expect(jwtVerify(broken, jwks, { currentDate: new Date(clock.now()) })).rejects.toThrow();
  });

  it('signs ES256 JWTs that an independent verifier accepts with the published JWKS', async () => {
    const tokens = tokensOn();
    await tokens.load();
    const jwt = tokens.signRoute(claims);
    const jwks = createLocalJWKSet(JSON.parse(JSON.stringify(tokens.jwks())));
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: 'callx.test',
      audience: 'gateway:gw-uk',
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(payload).toMatchObject({
      ...claims,
      iss: 'callx.test',
      iat: clock.now() / 1000,
      exp: clock.now() / 1000 + 60,
    });
    // no private key material is published
    expect(JSON.stringify(tokens.jwks())).not.toMatch(/"d":/);
    // a tampered token does not verify
    const [h, p, s] = jwt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, max: 99_999 })).toString('base64url');
    await expect(
      jwtVerify(`${h}.${forged}.${s}`, jwks, { currentDate: new Date(clock.now()) }),
    ).rejects.toThrow();
    expect(p).toBeTruthy();
    // expired after its set-up time
    await expect(jwtVerify(jwt, jwks, { currentDate: new Date(clock.now() + 120_000) })).rejects.toThrow(
      /exp/,
    );
  });

  it('shares one key between processes, and rotates: a new key signs after its lead time, the old one stays published', async () => {
    const a = tokensOn();
    const b = tokensOn();
    await Promise.all([a.load(), b.load()]);
    expect(a.keys()).toEqual(b.keys());
    const kid0 = decodeProtectedHeader(a.signRoute(claims)).kid;
    const { kid } = await a.rotate(10 * 60_000);
    await b.load();
    expect(decodeProtectedHeader(b.signRoute(claims)).kid).toBe(kid0);
    expect(b.jwks().keys.map((k) => k.kid)).toEqual([kid0, kid]);
    clock.advance(10 * 60_000);
    const jwt = b.signRoute(claims);
    expect(decodeProtectedHeader(jwt).kid).toBe(kid);
    expect(await a.verify(jwt)).toMatchObject({ jti: 'r1.0' });
    // the old key is published for a week after it stopped signing, then dropped at the next rotation
    clock.advance(7 * 86_400_000);
    expect(a.jwks().keys.map((k) => k.kid)).toEqual([kid]);
    await a.rotate(0);
    expect(a.keys().map((k) => k.kid)).not.toContain(kid0);
  });
});
