// Issue 9, "Done when": SIPp over real sockets for each caller class and destination class —
// anonymous -> member 302; anonymous -> PSTN 401/403; member with digest -> PSTN 302 with
// P-Asserted-Identity and an Identity that an independent verifier (Python's PyJWT and
// cryptography from Debian, test/trust/verify_passport.py) accepts; trusted peer -> partner 302;
// anyone -> 112 302 to the emergency gateway; a rate-limited caller 503. Whole answers are read
// from SIPp's message log.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1 } from '#core';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { runPeer } from '../helpers/peer.ts';
import { PYTHON } from '../setup/peers.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';
import { embedded, finals, headerValues, sipp, statusOf } from './sipp.ts';
import { CARRIER, KIM, PEER_ADDRESS, REALM, startTrustStack, type TrustStack } from './stack.ts';

let s: TrustStack;
let limited: TrustStack;

beforeAll(async () => {
  s = await startTrustStack();
  // the same, with a per-source limit of 3 call attempts a minute
  limited = await startTrustStack({
    policies: [{ _id: 'default', limits: { sourcePerMinute: 3 }, version: 1, createdAt: 0, updatedAt: 0 }],
  });
});
afterAll(async () => {
  await s?.stop();
  await limited?.stop();
});

const uri = (n: string) => `sip:${n}@callx.test`;
const NO_PAI = 'X-Test: no asserted identity';
const FROM_ANON = 'sip:+821099990000@callx.test';

/** Verifies an Identity header value with the independent verifier; resolves to its JSON verdict. */
async function verify(identity: string) {
  const r = await runPeer(PYTHON, [join(import.meta.dirname, 'verify_passport.py'), identity], {
    timeout: 20_000,
  });
  return { code: r.code, ...JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}') };
}

describe('anonymous callers', () => {
  it('reach a member: 302 to the center only (its PSTN fallback is paid), no asserted identity', async () => {
    const r = await sipp(
      'invite_302.xml',
      [[uri(KIM.e164), FROM_ANON, `P-Asserted-Identity: <tel:+12125550000>`]],
      s.sipPort,
    );
    expect(r.code, r.out).toBe(0);
    const [res] = finals(r);
    const contacts = headerValues(res!, 'Contact');
    // test/sip/zones: the center, then E2U+tel to +821012345678 through the PSTN tree (dropped)
    expect(contacts).toEqual(['<sip:+82262006200@kr.center.callx.test>;q=1.0']);
  });

  it.each([
    ['a US number', '+12125551234'],
    ['a UK number', '+442071234567'],
    ['a Korean number', '+82212345678'],
  ])('calling %s on the PSTN get 401 with a challenge SIPp can answer (MD5 first)', async (_what, n) => {
    const r = await sipp('invite_401.xml', [[uri(n), FROM_ANON, NO_PAI]], s.sipPort);
    expect(r.code, r.out).toBe(0);
    const [res] = finals(r);
    const challenges = headerValues(res!, 'WWW-Authenticate');
    expect(challenges[0]).toMatch(/^Digest realm="callx\.test", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
    expect(challenges[1]).toMatch(/algorithm=SHA-256/);
    expect(headerValues(res!, 'Warning')).toEqual([
      '399 callx "authentication required to reach pstn destinations"',
    ]);
    expect(headerValues(res!, 'Contact')).toEqual([]);
  });

  it("calling a partner carrier's range: 401 too", async () => {
    const r = await sipp('invite_401.xml', [[uri('+442079460123'), FROM_ANON, NO_PAI]], s.sipPort);
    expect(r.code, r.out).toBe(0);
    expect(headerValues(finals(r)[0]!, 'Warning')[0]).toMatch(/carrier destinations/);
  });

  it('calling a premium-rate number: 403, said why (libphonenumber types it PREMIUM_RATE)', async () => {
    const r = await sipp('invite_403.xml', [[uri('+19005550100'), FROM_ANON, NO_PAI]], s.sipPort);
    expect(r.code, r.out).toBe(0);
    expect(headerValues(finals(r)[0]!, 'Warning')).toEqual([
      '399 callx "+19005550100 is a premium-rate number"',
    ]);
  });
});

describe('members, authenticated by digest', () => {
  it('calling the PSTN from their own number: 302 with their number asserted and an Identity (attest A) a verifier accepts', async () => {
    const dest = '+12125551234';
    const r = await sipp('invite_auth_302.xml', [[uri(dest), `sip:${KIM.e164}@callx.test`]], s.sipPort, {
      args: ['-au', KIM.username, '-ap', KIM.password, '-auth_uri', `${dest}@callx.test`],
    });
    expect(r.code, r.out).toBe(0);
    const [challenge, res] = finals(r);
    expect(statusOf(challenge)).toBe(401);
    expect(statusOf(res)).toBe(302);
    const [contact] = headerValues(res!, 'Contact');
    expect(contact).toMatch(/^<sip:\+12125551234@gw\.us\.callx\.test;user=phone\?/);
    expect(embedded(contact!, 'P-Asserted-Identity')).toEqual(['"Kim" <tel:+82262006200>']);
    const [identity] = embedded(contact!, 'Identity');
    expect(identity).toMatch(/;info=<http:\/\/127\.0\.0\.1:\d+\/stir\/cert\.pem>;alg=ES256;ppt=shaken$/);
    const v = await verify(identity!);
    expect(v).toMatchObject({
      code: 0,
      ok: true,
      canonical: true,
      header: { alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u: `${s.base}/stir/cert.pem` },
      claims: { attest: 'A', orig: { tn: '82262006200' }, dest: { tn: ['12125551234'] } },
    });
    expect(v.claims.origid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(v.claims.iat - Date.now() / 1000)).toBeLessThan(30);
  });

  it('calling with another caller ID: attest B for it, their own number still asserted', async () => {
    const dest = '+442071234567';
    const r = await sipp('invite_auth_302.xml', [[uri(dest), 'sip:+14155550123@callx.test']], s.sipPort, {
      args: ['-au', KIM.username, '-ap', KIM.password, '-auth_uri', `${dest}@callx.test`],
    });
    expect(r.code, r.out).toBe(0);
    const [contact] = headerValues(finals(r)[1]!, 'Contact');
    expect(embedded(contact!, 'P-Asserted-Identity')).toEqual(['"Kim" <tel:+82262006200>']);
    const v = await verify(embedded(contact!, 'Identity')[0]!);
    expect(v).toMatchObject({
      ok: true,
      claims: { attest: 'B', orig: { tn: '14155550123' }, dest: { tn: ['442071234567'] } },
    });
  });

  it('a tampered PASSporT fails the independent verifier', async () => {
    const dest = '+12125551299';
    const r = await sipp('invite_auth_302.xml', [[uri(dest), `sip:${KIM.e164}@callx.test`]], s.sipPort, {
      args: ['-au', KIM.username, '-ap', KIM.password, '-auth_uri', `${dest}@callx.test`],
    });
    const identity = embedded(headerValues(finals(r)[1]!, 'Contact')[0]!, 'Identity')[0]!;
    const [jws, ...params] = identity.split(';');
    const [h, p, sig] = jws!.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, orig: { tn: '12025550199' } })).toString(
      'base64url',
    );
    const v = await verify([`${h}.${forged}.${sig}`, ...params].join(';'));
    expect(v).toMatchObject({ code: 1, ok: false, error: 'InvalidSignatureError' });
    // and the untouched one passes (the same verifier, the same run)
    expect(await verify(identity)).toMatchObject({ code: 0, ok: true });
  });

  it('with a wrong password: challenged again, never redirected', async () => {
    const dest = '+12125551234';
    const r = await sipp('invite_auth_302.xml', [[uri(dest), `sip:${KIM.e164}@callx.test`]], s.sipPort, {
      args: [
        '-au',
        KIM.username,
        '-ap',
        'wrong-password',
        '-auth_uri',
        `${dest}@callx.test`,
        '-recv_timeout',
        '1000',
      ],
    });
    expect(r.code).not.toBe(0);
    const [first, second] = finals(r);
    expect([statusOf(first), statusOf(second)]).toEqual([401, 401]);
    expect(headerValues(second!, 'Warning')).toEqual(['399 callx "wrong credentials"']);
  });

  it('SIPp without -auth_uri (digest uri sip:<address>): 400, the credentials were for another URI', async () => {
    const dest = '+12125551234';
    const r = await sipp('invite_auth_302.xml', [[uri(dest), `sip:${KIM.e164}@callx.test`]], s.sipPort, {
      args: ['-au', KIM.username, '-ap', KIM.password, '-recv_timeout', '1000'],
    });
    expect(r.code).not.toBe(0);
    expect(statusOf(finals(r)[1])).toBe(400);
    expect(headerValues(finals(r)[1]!, 'Warning')).toEqual([
      '399 callx "the digest uri is not the Request-URI"',
    ]);
  });
});

describe('trusted peers', () => {
  it("a gateway by its source address reaches a partner carrier: 302, its caller passed on (the partner's format), attest C", async () => {
    const r = await sipp(
      'invite_302.xml',
      [
        [
          uri('+442079460123'),
          'sip:+442071112222@gw.kr.callx.test',
          'P-Asserted-Identity: <tel:+442071234567>',
        ],
      ],
      s.sipPort,
      { from: PEER_ADDRESS },
    );
    expect(r.code, r.out).toBe(0);
    const [contact] = headerValues(finals(r)[0]!, 'Contact');
    expect(contact).toMatch(/^<sip:\+442079460123@sip\.partner\.test;user=phone\?/);
    // the partner (test/sip/zones) wants national caller ids: +44 20 7123 4567 is 020 7123 4567 there
    expect(embedded(contact!, 'P-Asserted-Identity')).toEqual(['<tel:02071234567;phone-context=+44>']);
    const v = await verify(embedded(contact!, 'Identity')[0]!);
    expect(v).toMatchObject({ ok: true, claims: { attest: 'C', orig: { tn: '442071234567' } } });
  });

  it('a partner carrier by its shared-secret digest reaches the PSTN', async () => {
    const dest = '+33142685300';
    const r = await sipp(
      'invite_auth_302.xml',
      [[uri(dest), 'sip:+33142685311@sip.partner-b.test']],
      s.sipPort,
      {
        args: ['-au', CARRIER.username, '-ap', CARRIER.password, '-auth_uri', `${dest}@callx.test`],
      },
    );
    expect(r.code, r.out).toBe(0);
    expect(headerValues(finals(r)[1]!, 'Contact')[0]).toMatch(
      /^<sip:\+33142685300@gw\.fr\.callx\.test;user=phone/,
    );
  });

  it('an Identity a peer sent is passed on as it came, not signed again', async () => {
    // a PASSporT of ours: what an upstream network of ours signed for this call
    const identity = await s.sip.signer()!.identity({
      attest: 'A',
      orig: '442071234567',
      dest: { tn: '442079460124' },
      origid: '00000000-0000-8000-8000-000000000000',
    });
    // a raw client (SIPp's injection file splits fields at ';') from the gateway's address
    const ua = await new UdpClient().open(PEER_ADDRESS);
    try {
      const res = await ua.ask(
        s.sipPort,
        request({
          uri: uri('+442079460124'),
          from: '<sip:+442071234567@gw.kr.callx.test>',
          extra: [`Identity: ${identity}`],
          localPort: ua.port,
        }).replace('127.0.0.1:', `${PEER_ADDRESS}:`),
      );
      expect(status(res)).toBe(302);
      expect(embedded(headers(res, 'Contact')[0]!, 'Identity')).toEqual([identity]);
    } finally {
      ua.close();
    }
  });
});

describe('emergency calls', () => {
  it.each([
    ['an anonymous caller (the From number says Korea)', FROM_ANON, '127.0.0.1'],
    ['a trusted peer', 'sip:+821099990000@gw.kr.callx.test', PEER_ADDRESS],
  ])("112 from %s: 302 to Korea's emergency gateway", async (_who, from, addr) => {
    const r = await sipp('invite_302.xml', [[uri('112'), from, NO_PAI]], s.sipPort, { from: addr });
    expect(r.code, r.out).toBe(0);
    expect(headerValues(finals(r)[0]!, 'Contact')[0]).toMatch(/^<sip:112@sos\.kr\.callx\.test[?>]/);
  });

  it("119 from a member's UA: never challenged, the first INVITE (no credentials yet) goes to the emergency gateway, unasserted", async () => {
    const r = await sipp('invite_302.xml', [[uri('119'), `sip:${KIM.e164}@callx.test`, NO_PAI]], s.sipPort);
    expect(r.code, r.out).toBe(0);
    const [res] = finals(r);
    expect(statusOf(res)).toBe(302);
    const [contact] = headerValues(res!, 'Contact');
    expect(contact).toMatch(/^<sip:119@sos\.kr\.callx\.test[?>]/);
    // without credentials the caller is anonymous: its From gave the country, nothing is vouched for
    expect(embedded(contact!, 'P-Asserted-Identity')).toEqual([]);
    expect(embedded(contact!, 'Identity')).toEqual([]);
  });

  it('119 from a member with credentials up front: its number asserted and signed (attest A, dest 119)', async () => {
    // a UA holding a nonce from an earlier challenge answers it at once, as RFC 7616 allows
    const ua = await new UdpClient().open('127.0.0.1');
    try {
      const ask = (extra: string[]) =>
        ua.ask(
          s.sipPort,
          request({ uri: uri('119'), from: `<sip:${KIM.e164}@callx.test>`, extra, localPort: ua.port }),
        );
      const challenged = await ua.ask(
        s.sipPort,
        request({ uri: uri('+12125551234'), from: `<sip:${KIM.e164}@callx.test>`, localPort: ua.port }),
      );
      expect(status(challenged)).toBe(401);
      const nonce = parseAuthorization(headers(challenged, 'WWW-Authenticate')[0]!)!.get('nonce')!;
      const response = digestResponse('MD5', ha1('MD5', KIM.username, REALM, KIM.password), {
        nonce,
        nc: '00000001',
        cnonce: 'sos',
        qop: 'auth',
        method: 'INVITE',
        uri: uri('119'),
      });
      const res = await ask([
        `Authorization: Digest username="${KIM.username}", realm="${REALM}", nonce="${nonce}", uri="${uri('119')}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="sos"`,
      ]);
      expect(status(res)).toBe(302);
      const [contact] = headers(res, 'Contact');
      expect(contact).toMatch(/^<sip:119@sos\.kr\.callx\.test\?/);
      expect(embedded(contact!, 'P-Asserted-Identity')).toEqual(['"Kim" <tel:+82262006200>']);
      const v = await verify(embedded(contact!, 'Identity')[0]!);
      expect(v).toMatchObject({
        ok: true,
        claims: { attest: 'A', orig: { tn: '82262006200' }, dest: { tn: ['119'] } },
      });
    } finally {
      ua.close();
    }
  });

  it('an emergency call with wrong credentials is still routed (as anonymous)', async () => {
    const r = await sipp('invite_auth_302.xml', [[uri('112'), `sip:${KIM.e164}@callx.test`]], s.sipPort, {
      args: ['-au', KIM.username, '-ap', 'wrong', '-auth_uri', '112@callx.test'],
    });
    expect(statusOf(finals(r)[0])).toBe(302);
  });

  it('911 from a US number, where no emergency route exists: 503, said why', async () => {
    const r = await sipp('invite_503.xml', [[uri('911'), 'sip:+12125550000@callx.test', NO_PAI]], s.sipPort);
    expect(r.code, r.out).toBe(0);
    expect(headerValues(finals(r)[0]!, 'Warning')[0]).toMatch(/no emergency route for US/);
  });
});

describe('fraud limits', () => {
  it('a source over its limit gets 503 with Retry-After; emergency calls still go through', async () => {
    const rows = Array.from({ length: 3 }, () => [uri(KIM.e164), FROM_ANON, NO_PAI]);
    const ok = await sipp('invite_302.xml', rows, limited.sipPort, { from: '127.0.0.3' });
    expect(ok.code, ok.out).toBe(0);
    const over = await sipp('invite_503.xml', [[uri(KIM.e164), FROM_ANON, NO_PAI]], limited.sipPort, {
      from: '127.0.0.3',
    });
    expect(over.code, over.out).toBe(0);
    const [res] = finals(over);
    expect(headerValues(res!, 'Warning')).toEqual(['399 callx "too many call attempts from this address"']);
    expect(Number(headerValues(res!, 'Retry-After')[0])).toBeGreaterThanOrEqual(1);
    expect(Number(headerValues(res!, 'Retry-After')[0])).toBeLessThanOrEqual(60);
    const sos = await sipp('invite_302.xml', [[uri('112'), FROM_ANON, NO_PAI]], limited.sipPort, {
      from: '127.0.0.3',
    });
    expect(sos.code, sos.out).toBe(0);
    // another source is not limited by this one's attempts
    const other = await sipp('invite_302.xml', [[uri(KIM.e164), FROM_ANON, NO_PAI]], limited.sipPort, {
      from: '127.0.0.4',
    });
    expect(other.code, other.out).toBe(0);
    // the audit trail: the refusal is counted
    const text = await limited.metrics.text();
    expect(text).toMatch(/callx_sip_refusals_total\{reason="rate-source",class="anonymous"\} 1/);
  });
});
