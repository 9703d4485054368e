// Issue 9, "Bad input": forged, replayed, stale or malformed credentials and Identity headers,
// oversized Authorization headers, unknown algorithms, CR/LF in any field — over real UDP, on
// the builtin transport: a precise 4xx each, the redirector still answers afterwards, and what
// it logged holds no secret (no digest response, nonce, password or HA1).
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1, manualClock } from '#core';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';
import { KIM, PEER_ADDRESS, startTrustStack, type TrustStack } from './stack.ts';

const logged: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  }),
);
const clock = manualClock(Date.now());
let s: TrustStack;
let ua: UdpClient;
let peer: UdpClient;

beforeAll(async () => {
  s = await startTrustStack({ logger, extra: { clock } });
  ua = await new UdpClient().open();
  peer = await new UdpClient().open(PEER_ADDRESS);
});
afterAll(async () => {
  ua?.close();
  peer?.close();
  await s?.stop();
});

const PSTN = 'sip:+12125551234@callx.test';
const ask = (extra: string[], o: { uri?: string; client?: UdpClient } = {}) => {
  const c = o.client ?? ua;
  return c.ask(
    s.sipPort,
    request({ uri: o.uri ?? PSTN, from: `<sip:${KIM.e164}@callx.test>`, extra, localPort: c.port }).replace(
      '127.0.0.1:',
      `${c.address}:`,
    ),
  );
};
const warningOf = (res: string) => headers(res, 'Warning')[0];

/** An Authorization answering the challenge in `challenge` (MD5), with overrides. */
function authorization(
  challenge: string,
  o: { uri?: string; nc?: string; password?: string; nonce?: string; alg?: string } = {},
): string {
  const ch = parseAuthorization(headers(challenge, 'WWW-Authenticate')[0]!)!;
  const nonce = o.nonce ?? ch.get('nonce')!;
  const uri = o.uri ?? PSTN;
  const nc = o.nc ?? '00000001';
  const response = digestResponse('MD5', ha1('MD5', KIM.username, 'callx.test', o.password ?? KIM.password), {
    nonce,
    nc,
    cnonce: 'c0ffee',
    qop: 'auth',
    method: 'INVITE',
    uri,
  });
  return `Authorization: Digest username="${KIM.username}", realm="callx.test", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${o.alg ?? 'MD5'}, qop=auth, nc=${nc}, cnonce="c0ffee"`;
}

describe('bad credentials: a precise answer each', () => {
  it('the right ones: 302 (the control)', async () => {
    const res = await ask([authorization(await ask([]))]);
    expect(status(res)).toBe(302);
  });

  it('replayed (the same count of the same nonce): 401 stale=true, said why', async () => {
    const auth = authorization(await ask([]));
    expect(status(await ask([auth]))).toBe(302);
    const res = await ask([auth]);
    expect([status(res), warningOf(res)]).toEqual([401, '399 callx "nonce count replayed"']);
    expect(headers(res, 'WWW-Authenticate')[0]).toMatch(/stale=true$/);
  });

  it('stale (the nonce expired): 401 stale=true', async () => {
    const ch = await ask([]);
    clock.advance(6 * 60_000);
    const res = await ask([authorization(ch)]);
    expect(status(res)).toBe(401);
    expect(headers(res, 'WWW-Authenticate')[0]).toMatch(/stale=true$/);
    expect(status(await ask([authorization(res)]))).toBe(302); // the fresh nonce works
  });

  it('forged (a nonce not ours): 401, unknown nonce', async () => {
    const res = await ask([
      authorization(await ask([]), { nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    ]);
    expect([status(res), warningOf(res)]).toEqual([401, '399 callx "unknown nonce"']);
  });

  it('for another URI (RFC 7616 §3.4.6): 400', async () => {
    const res = await ask([authorization(await ask([]), { uri: 'sip:+19005550100@callx.test' })]);
    expect([status(res), warningOf(res)]).toEqual([400, '399 callx "the digest uri is not the Request-URI"']);
  });

  it('an unknown algorithm: 401 with the algorithms offered, said which', async () => {
    const res = await ask([authorization(await ask([]), { alg: 'SHA-512-256' })]);
    expect([status(res), warningOf(res)]).toEqual([
      401,
      `399 callx "digest algorithm 'SHA-512-256' is not offered"`,
    ]);
    expect(headers(res, 'WWW-Authenticate').map((c) => /algorithm=([^,]+)/.exec(c)?.[1])).toEqual([
      'MD5',
      'SHA-256',
    ]);
  });

  it.each([
    ['malformed', 'Authorization: Digest username="kim, nonce=', 400, 'malformed Authorization'],
    [
      'incomplete',
      'Authorization: Digest username="kim", realm="callx.test"',
      400,
      'incomplete Authorization',
    ],
    [
      'oversized',
      `Authorization: Digest username="${'k'.repeat(5000)}", realm="callx.test"`,
      400,
      'Authorization longer than 4096 octets',
    ],
  ])('%s: %i, said why', async (_what, header, code, why) => {
    const res = await ask([header]);
    expect([status(res), warningOf(res)]).toEqual([code, `399 callx "${why}"`]);
  });

  it('a bare CR or LF inside the Authorization: 400, nothing echoed', async () => {
    for (const brk of ['\n', '\r']) {
      const res = await ask([`Authorization: Digest username="kim",${brk}X-Inj: 1`]);
      expect(status(res)).toBe(400);
      expect(res).not.toMatch(/^X-Inj/m);
    }
  });
});

describe('bad Identity headers', () => {
  const ours = () =>
    s.sip.signer()!.identity({
      attest: 'A',
      orig: '12125550000',
      dest: { tn: '12125551234' },
      origid: '00000000-0000-8000-8000-000000000000',
    });

  it('malformed: 438 Invalid Identity Header', async () => {
    const res = await ask(['Identity: not-a-passport;info=<https://x.example/c.pem>'], { client: peer });
    expect([status(res), /^SIP\/2\.0 \d+ (.*)\r/.exec(res)?.[1]]).toEqual([438, 'Invalid Identity Header']);
  });

  it('forged (our x5u, another payload): 438, the signature does not verify', async () => {
    const [jws, ...params] = (await ours()).split(';');
    const [h, p, sig] = jws!.split('.');
    const forged = Buffer.from(Buffer.from(p!, 'base64url').toString().replace('"A"', '"C"')).toString(
      'base64url',
    );
    const res = await ask([`Identity: ${[`${h}.${forged}.${sig}`, ...params].join(';')}`], { client: peer });
    expect([status(res), warningOf(res)]).toEqual([
      438,
      '399 callx "the PASSporT signature does not verify"',
    ]);
  });

  it('stale (iat more than 60 s off): 403 Stale Date', async () => {
    const identity = await ours();
    clock.advance(2 * 60_000);
    const res = await ask([`Identity: ${identity}`], { client: peer });
    expect([status(res), /^SIP\/2\.0 \d+ (.*)\r/.exec(res)?.[1]]).toEqual([403, 'Stale Date']);
  });

  it('without an info URI: 436 Bad Identity Info', async () => {
    const [jws] = (await ours()).split(';');
    const res = await ask([`Identity: ${jws};alg=ES256`], { client: peer });
    expect(status(res)).toBe(436);
  });
});

describe('after all that', () => {
  it('the redirector still answers, and its log holds no secret', async () => {
    expect(status(await ask([], { uri: `sip:${KIM.e164}@callx.test` }))).toBe(302);
    const text = logged.join('');
    expect(text).toMatch(/refused \(auth-failed\)/);
    expect(text).toMatch(/refused \(identity-invalid\)/);
    for (const secret of [
      KIM.password,
      ha1('MD5', KIM.username, 'callx.test', KIM.password),
      'response=',
      'c0ffee',
    ])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/nonce="/);
  });
});
