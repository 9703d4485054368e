// The trust steps in the pipeline, without I/O: what each caller class gets from the same
// resolution, and the order of refusals (docs/trust.md).
import { beforeAll, describe, expect, it } from 'vitest';
import { ha1, silentLogger } from '#core';
import { generateStirCredentials } from '#registry';
import type { RedirectDecision, ResolveCaller } from '../call.ts';
import { createRedirector } from '../redirector.ts';
import { digestResponse, parseAuthorization } from '../register/digest.ts';
import type { MemberAccount } from './accounts.ts';
import { createTrustState } from './data.ts';
import { createDigestVerifier } from './digest-auth.ts';
import { createRateLimiter } from './limits.ts';
import { createSigner, type Signer } from './stir.ts';
import { createTrust } from './trust.ts';

const t = 1_700_000_000_000;
const clock = { now: () => t };
const kim: MemberAccount = {
  username: 'kim',
  ha1Md5: ha1('MD5', 'kim', 'callx.test', 'pw'),
  ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 'pw'),
  memberId: 'm-kim',
  registrarId: 'reg-a',
  country: 'KR',
  numbers: ['+82262006200'],
  displayName: 'Kim',
};
let signer: Signer;
beforeAll(async () => {
  const c = await generateStirCredentials('callx.test', t);
  signer = await createSigner({ ...c, x5u: 'https://callx.test/stir/cert.pem', clock });
});

/** A member's number: the center, then its PSTN line (paid). */
const MEMBER: RedirectDecision = {
  status: 302,
  contacts: [
    '<sip:+82262006200@kr.center.callx.test>;q=1.0',
    '<sip:+821012345678@gw.kr.callx.test;user=phone>;q=0.9',
  ],
  routes: [{ source: 'e164' }, { source: 'e164>pstn', e164: '+821012345678' }],
};
const PSTN: RedirectDecision = {
  status: 302,
  contacts: ['<sip:+12125551234@gw.us.callx.test;user=phone>;q=1.0'],
  routes: [{ source: 'pstn', e164: '+12125551234' }],
  dialed: { e164: '+12125551234', country: 'US', type: 'FIXED_LINE_OR_MOBILE' },
};
const SOS: RedirectDecision = {
  status: 302,
  contacts: ['<sip:112@sos.kr.callx.test>;q=1.0'],
  routes: [{ source: 'emergency' }],
  emergency: { code: '112', country: 'KR' },
};

function setup(
  opts: { trusted?: string[]; policies?: Map<string, object>; decision?: RedirectDecision } = {},
) {
  const seen: (ResolveCaller | undefined)[] = [];
  const state = createTrustState({
    configured: opts.trusted ?? [],
    clock,
    log: silentLogger,
    limiter: { log: () => {}, flush: () => {}, suppressed: 0 } as never,
  });
  if (opts.policies) state.policies.replace(opts.policies as never);
  const verifier = createDigestVerifier({ realm: 'callx.test', clock });
  const trust = createTrust({
    verifier,
    accounts: { byUsername: async (u) => (u === 'kim' ? kim : null) },
    state,
    limits: createRateLimiter({ clock }),
    signer: () => signer,
    defaultCountry: 'KR',
    clock,
    log: silentLogger,
  });
  const r = createRedirector({
    log: silentLogger,
    clock,
    trust,
    resolve: async (uri, caller) => {
      seen.push(caller);
      if (/\b112@/.test(uri)) return SOS;
      return opts.decision ?? (uri.includes('+1212') ? PSTN : MEMBER);
    },
  });
  let n = 0;
  const send = async (o: { uri?: string; from?: string; extra?: string[]; addr?: string }) => {
    const uri = o.uri ?? 'sip:+12125551234@callx.test';
    const raw = [
      `INVITE ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-${++n}`,
      `From: <${o.from ?? 'sip:+82262006200@callx.test'}>;tag=f${n}`,
      `To: <${uri}>`,
      `Call-ID: c${n}`,
      'CSeq: 1 INVITE',
      ...(o.extra ?? []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const ctx = { transport: 'udp' as const, remoteAddress: o.addr ?? '192.0.2.1', remotePort: 5060 };
    return (await r.process({ raw, ctx }))!.spec;
  };
  /** An Authorization for the challenge in `res`, for `uri`. */
  const authFor = (res: { headers: [string, string][] }, uri: string, password = 'pw') => {
    const ch = parseAuthorization(res.headers.find(([n]) => n === 'WWW-Authenticate')![1])!;
    const response = digestResponse('MD5', ha1('MD5', 'kim', 'callx.test', password), {
      nonce: ch.get('nonce')!,
      nc: '00000001',
      cnonce: 'c',
      qop: 'auth',
      method: 'INVITE',
      uri,
    });
    return `Authorization: Digest username="kim", realm="callx.test", nonce="${ch.get('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`;
  };
  return { send, seen, authFor };
}

const contacts = (s: { headers: [string, string][] }) =>
  s.headers.filter(([n]) => n === 'Contact').map(([, v]) => v);
const warningOf = (s: { headers: [string, string][] }) => s.headers.find(([n]) => n === 'Warning')?.[1];

describe('the trust steps', () => {
  it("an anonymous caller reaches a member's center, not its PSTN line, and is never asserted", async () => {
    const x = setup();
    const res = await x.send({
      uri: 'sip:+82262006200@callx.test',
      extra: ['P-Asserted-Identity: <tel:+12125550000>'],
    });
    expect(res.status).toBe(302);
    expect(contacts(res)).toEqual([MEMBER.contacts[0]]);
    expect(x.seen[0]).toMatchObject({ uri: 'tel:+12125550000', assert: false });
  });

  it('an anonymous caller to the PSTN: 401, the challenge and why', async () => {
    const res = await setup().send({});
    expect(res.status).toBe(401);
    expect(res.headers.filter(([n]) => n === 'WWW-Authenticate')).toHaveLength(2);
    expect(warningOf(res)).toBe('399 callx "authentication required to reach pstn destinations"');
  });

  it('a member with digest: its own number asserted, an Identity in each Contact', async () => {
    const x = setup();
    const uri = 'sip:+12125551234@callx.test';
    const ch = await x.send({ uri });
    const res = await x.send({ uri, extra: [x.authFor(ch, uri)] });
    expect(res.status).toBe(302);
    expect(x.seen.at(-1)).toMatchObject({
      uri: 'tel:+82262006200',
      header: 'P-Asserted-Identity',
      display: 'Kim',
      country: 'KR',
    });
    const [c] = contacts(res);
    expect(c).toMatch(
      /^<sip:\+12125551234@gw\.us\.callx\.test;user=phone\?Identity=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+%3Binfo%3D%3Chttps:\/\/callx\.test\/stir\/cert\.pem%3E%3Balg%3DES256%3Bppt%3Dshaken>;q=1\.0$/,
    );
  });

  it('a member with a wrong password: 401 again, even for an on-net destination', async () => {
    const x = setup();
    const uri = 'sip:+82262006200@callx.test';
    const ch = await x.send({ uri });
    expect(ch.status).toBe(302); // on-net: no challenge needed
    const res = await x.send({ uri, extra: [x.authFor(await x.send({}), uri, 'wrong')] });
    expect([res.status, warningOf(res)]).toEqual([401, '399 callx "wrong credentials"']);
  });

  it('wrong passwords count against their source: guessing one gets 503 like any flood', async () => {
    const x = setup({ policies: new Map([['default', { limits: { sourcePerMinute: 3 } }]]) });
    const uri = 'sip:+12125551234@callx.test';
    const addr = '198.51.100.7';
    const ch = await x.send({ uri, addr }); // the challenge: the first attempt
    expect(ch.status).toBe(401);
    const answers = [];
    for (const guess of ['a-guess', 'b-guess', 'c-guess'])
      answers.push(await x.send({ uri, addr, extra: [x.authFor(ch, uri, guess)] }));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 503]);
    expect(warningOf(answers[2]!)).toBe('399 callx "too many call attempts from this address"');
    // another source is not held back by these guesses
    expect((await x.send({ uri, extra: [x.authFor(ch, uri)] })).status).toBe(302);
  });

  it('a member over its per-minute limit, and a peer over its own: 503 with Retry-After, said why', async () => {
    const x = setup({
      trusted: ['192.0.2.50'],
      policies: new Map([
        ['default', { limits: { memberPerMinute: 2, sourcePerMinute: 0, peerPerMinute: 1 } }],
      ]),
    });
    const uri = 'sip:+12125551234@callx.test';
    const member = [];
    for (let i = 0; i < 3; i++)
      member.push(await x.send({ uri, extra: [x.authFor(await x.send({ uri }), uri)] }));
    expect(member.map((m) => m.status)).toEqual([302, 302, 503]);
    expect(warningOf(member[2]!)).toBe('399 callx "too many call attempts from this caller"');
    expect(Number(member[2]!.headers.find(([n]) => n === 'Retry-After')?.[1])).toBeGreaterThanOrEqual(1);
    const peer = [await x.send({ uri, addr: '192.0.2.50' }), await x.send({ uri, addr: '192.0.2.50' })];
    expect(peer.map((m) => m.status)).toEqual([302, 503]);
    expect(warningOf(peer[1]!)).toBe('399 callx "too many call attempts from this peer"');
  });

  it("a configured peer by address reaches the PSTN; its own Identity is passed on, an anonymous caller's never", async () => {
    const identity = await signer.identity({
      attest: 'A',
      orig: '12125550000',
      dest: { tn: '12125551234' },
      origid: '00000000-0000-8000-8000-000000000000',
    });
    const x = setup({ trusted: ['198.51.100.0/24'] });
    const peer = await x.send({ addr: '198.51.100.9', extra: [`Identity: ${identity}`] });
    expect(peer.status).toBe(302);
    expect(contacts(peer)[0]).toContain(
      `?Identity=${identity.replaceAll(';', '%3B').replaceAll('=', '%3D').replaceAll('<', '%3C').replaceAll('>', '%3E')}>`,
    );
    const anon = await x.send({ uri: 'sip:+82262006200@callx.test', extra: [`Identity: ${identity}`] });
    expect(anon.status).toBe(302);
    expect(contacts(anon)[0]).not.toContain('Identity');
  });

  it('a forged PASSporT of ours: 438; a malformed one 438; a stale one 403 Stale Date', async () => {
    const x = setup({ trusted: ['198.51.100.0/24'] });
    const good = await signer.identity({
      attest: 'A',
      orig: '12125550000',
      dest: { tn: '12125551234' },
      origid: '00000000-0000-8000-8000-000000000000',
    });
    const [jws, ...params] = good.split(';');
    const [h, p, s] = jws!.split('.');
    const forgedPayload = Buffer.from(Buffer.from(p!, 'base64url').toString().replace('"A"', '"C"')).toString(
      'base64url',
    );
    const forged = await x.send({
      addr: '198.51.100.9',
      extra: [`Identity: ${[`${h}.${forgedPayload}.${s}`, ...params].join(';')}`],
    });
    expect([forged.status, forged.reason]).toEqual([438, 'Invalid Identity Header']);
    expect((await x.send({ extra: ['Identity: garbage;info=<https://x/y>'] })).status).toBe(438);
  });

  it('emergency calls pass whatever the limits, the policy or the credentials', async () => {
    const x = setup({
      policies: new Map([
        ['default', { limits: { sourcePerMinute: 1 }, blockedSources: ['203.0.113.0/24'] }],
      ]),
    });
    expect((await x.send({ uri: 'sip:+82262006200@callx.test' })).status).toBe(302);
    const over = await x.send({ uri: 'sip:+82262006200@callx.test' });
    expect([over.status, over.headers.find(([n]) => n === 'Retry-After')?.[1]]).toEqual([
      503,
      expect.any(String),
    ]);
    expect((await x.send({ uri: 'sip:112@callx.test' })).status).toBe(302);
    const blocked = await x.send({ uri: 'sip:+82262006200@callx.test', addr: '203.0.113.5' });
    expect([blocked.status, warningOf(blocked)]).toEqual([
      403,
      '399 callx "calls from this address are blocked"',
    ]);
    expect((await x.send({ uri: 'sip:112@callx.test', addr: '203.0.113.5' })).status).toBe(302);
  });

  it('a blocked member: 403; a member past its international limit: 403, said why', async () => {
    const blocked = setup({ policies: new Map([['registrar:reg-a', { blockedMembers: ['m-kim'] }]]) });
    const uri = 'sip:+12125551234@callx.test';
    let res = await blocked.send({ uri, extra: [blocked.authFor(await blocked.send({ uri }), uri)] });
    expect([res.status, warningOf(res)]).toEqual([403, '399 callx "this caller is blocked"']);
    const intl = setup({ policies: new Map([['country:KR', { limits: { internationalPerDay: 1 } }]]) });
    res = await intl.send({ uri, extra: [intl.authFor(await intl.send({ uri }), uri)] });
    expect(res.status).toBe(302);
    res = await intl.send({ uri, extra: [intl.authFor(await intl.send({ uri }), uri)] });
    expect([res.status, warningOf(res)]).toEqual([
      403,
      '399 callx "international calls: the limit of 1 a day is reached"',
    ]);
  });

  it('a member the policy keeps off the PSTN: 403 with why (not 401: it authenticated)', async () => {
    const x = setup({ policies: new Map([['registrar:reg-a', { access: { member: ['on-net'] } }]]) });
    const uri = 'sip:+12125551234@callx.test';
    const res = await x.send({ uri, extra: [x.authFor(await x.send({ uri }), uri)] });
    expect([res.status, warningOf(res)]).toEqual([
      403,
      '399 callx "member callers may not reach pstn destinations"',
    ]);
  });
});
