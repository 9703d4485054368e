// The one digest verifier of REGISTER, INVITE and MESSAGE: what it accepts, and the precise
// outcome of every kind of bad credentials.
import { describe, expect, it } from 'vitest';
import { ha1 } from '#core';
import { parseSipMessage } from '../message.ts';
import { digestResponse, parseAuthorization } from '../register/digest.ts';
import { createDigestVerifier, MAX_AUTHORIZATION, sameRequestUri } from './digest-auth.ts';

let t = 1_700_000_000_000;
const clock = { now: () => t };
const account = {
  username: 'kim',
  ha1Md5: ha1('MD5', 'kim', 'callx.test', 'pw'),
  ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 'pw'),
};
const lookup = (u: string) => (u === 'kim' ? account : null);
const TARGET = 'sip:+12125551234@callx.test';

function invite(auth?: string, uri = TARGET) {
  return parseSipMessage(
    [
      `INVITE ${uri} SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1',
      'From: <sip:+82262006200@callx.test>;tag=1',
      `To: <${uri}>`,
      'Call-ID: c1',
      'CSeq: 1 INVITE',
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

async function answer(
  v: ReturnType<typeof createDigestVerifier>,
  o: { nc?: string; uri?: string; password?: string; alg?: 'MD5' | 'SHA-256'; user?: string } = {},
) {
  const ch = (await v.challenges(false)).find(([, c]) => c.includes(`algorithm=${o.alg ?? 'MD5'}`))![1];
  const nonce = parseAuthorization(ch)!.get('nonce')!;
  const alg = o.alg ?? 'MD5';
  const uri = o.uri ?? TARGET;
  const nc = o.nc ?? '00000001';
  const response = digestResponse(alg, ha1(alg, o.user ?? 'kim', 'callx.test', o.password ?? 'pw'), {
    nonce,
    nc,
    cnonce: 'cn',
    qop: 'auth',
    method: 'INVITE',
    uri,
  });
  return {
    nonce,
    header: `Digest username="${o.user ?? 'kim'}", realm="callx.test", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="cn"`,
  };
}

describe('the digest verifier', () => {
  const v = createDigestVerifier({ realm: 'callx.test', clock, nonceLifetimeMs: 60_000 });

  it('challenges MD5 first, then SHA-256, each with its own nonce-carrying header', async () => {
    const ch = await v.challenges(false);
    expect(ch.map(([n, x]) => [n, /algorithm=([A-Z0-9-]+)/.exec(x)?.[1]])).toEqual([
      ['WWW-Authenticate', 'MD5'],
      ['WWW-Authenticate', 'SHA-256'],
    ]);
  });

  it.each(['MD5', 'SHA-256'] as const)('accepts the right %s digest for this Request-URI', async (alg) => {
    const a = await answer(v, { alg });
    expect(await v.verify(invite(a.header), lookup)).toMatchObject({ kind: 'ok', algorithm: alg });
  });

  it('no Authorization, or only for another realm: none (the caller is anonymous)', async () => {
    expect(await v.verify(invite(), lookup)).toEqual({ kind: 'none', foreign: false });
    const a = await answer(v);
    expect(
      await v.verify(invite(a.header.replace('realm="callx.test"', 'realm="proxy.example"')), lookup),
    ).toEqual({
      kind: 'none',
      foreign: true,
    });
  });

  it('an unknown user and a wrong password get the same answer', async () => {
    const wrong = await v.verify(invite((await answer(v, { password: 'nope' })).header), lookup);
    const unknown = await v.verify(invite((await answer(v, { user: 'nobody' })).header), lookup);
    expect(wrong).toEqual({ kind: 'challenge', stale: false, why: 'wrong credentials', username: 'kim' });
    expect(unknown).toEqual({
      kind: 'challenge',
      stale: false,
      why: 'wrong credentials',
      username: 'nobody',
    });
  });

  it('a digest computed for another URI: malformed (RFC 7616 §3.4.6), before the password is checked', async () => {
    const a = await answer(v, { uri: 'sip:+19005550100@callx.test' });
    expect(await v.verify(invite(a.header), lookup)).toEqual({
      kind: 'malformed',
      why: 'the digest uri is not the Request-URI',
    });
  });

  it('a replayed count: challenged with stale=true; the next count passes', async () => {
    const a = await answer(v);
    expect((await v.verify(invite(a.header), lookup)).kind).toBe('ok');
    expect(await v.verify(invite(a.header), lookup)).toMatchObject({
      kind: 'challenge',
      stale: true,
      why: 'nonce count replayed',
    });
  });

  it('an expired nonce with the right password: stale; a forged nonce: unknown', async () => {
    const a = await answer(v);
    t += 61_000;
    expect(await v.verify(invite(a.header), lookup)).toMatchObject({ kind: 'challenge', stale: true });
    const forged = a.header.replace(a.nonce, `${a.nonce.slice(0, -2)}AA`);
    expect(await v.verify(invite(forged), lookup)).toMatchObject({ kind: 'challenge', why: 'unknown nonce' });
  });

  it.each([
    ['an oversized Authorization', `Digest username="${'x'.repeat(MAX_AUTHORIZATION)}"`, /longer than/],
    ['not a digest', 'Basic a2ltOnB3', /malformed Authorization/],
    ['an unterminated quote', 'Digest username="kim, realm="callx.test"', /malformed Authorization/],
    ['missing fields', 'Digest username="kim", realm="callx.test"', /incomplete Authorization/],
    [
      'a count that is not 8 hex digits',
      'Digest username="kim", realm="callx.test", nonce="n", uri="x", response="ab", qop=auth, nc=zz, cnonce="c"',
      /nc is not 8 hex digits/,
    ],
    [
      'a response that is not hex',
      'Digest username="kim", realm="callx.test", nonce="n", uri="x", response="zz", qop=auth, nc=00000001, cnonce="c"',
      /response is not hex/,
    ],
  ])('%s: malformed, said why', async (_what, header, why) => {
    const out = await v.verify(invite(header), lookup);
    expect(out.kind).toBe('malformed');
    expect(out.kind === 'malformed' && out.why).toMatch(why);
  });

  it('an algorithm we do not offer: challenged, said which', async () => {
    const a = await answer(v);
    const out = await v.verify(invite(a.header.replace('algorithm=MD5', 'algorithm=SHA-512-256')), lookup);
    expect(out).toMatchObject({ kind: 'challenge', why: "digest algorithm 'SHA-512-256' is not offered" });
  });

  it('qop other than auth: challenged for qop=auth', async () => {
    const a = await answer(v);
    expect(await v.verify(invite(a.header.replace('qop=auth', 'qop=auth-int')), lookup)).toMatchObject({
      kind: 'challenge',
      why: 'qop=auth is required',
    });
  });
});

describe('the digest uri against the Request-URI (RFC 3261 §19.1.4)', () => {
  it.each([
    ['sip:callx.test', 'sip:callx.test', true],
    ['SIP:CALLX.TEST', 'sip:callx.test', true],
    ['sip:%2B1212@callx.test', 'sip:+1212@callx.test', true],
    ['sip:+1212@callx.test;user=phone', 'sip:+1212@CALLX.test;USER=phone', true],
    ['sip:127.0.0.1:5060', 'sip:callx.test', false], // SIPp's default: the server's address
    ['sip:+1212@callx.test', 'sip:+1213@callx.test', false],
    ['sip:+1212@callx.test:5061', 'sip:+1212@callx.test', false],
    ['sip:+1212@callx.test;user=phone', 'sip:+1212@callx.test', false],
    ['tel:+1212', 'tel:+1212', true],
    ['', 'sip:callx.test', false],
  ])('%s vs %s: %s', (a, b, same) => {
    expect(sameRequestUri(a, b)).toBe(same);
  });
});
