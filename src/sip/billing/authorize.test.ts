// The authorize step in the pipeline, with the registry's real authorizer on an embedded store
// (no sockets): what an authenticated member gets for paid and free routes, at zero balance,
// for an emergency number, without a rate; and the helpers that place the token and name the party.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1, silentLogger } from '#core';
import { createAuthService, createEmbeddedStore, createRoutingService } from '#registry';
import { billingOn } from '#test/billing/harness';
import { ADMIN, KIM, REG_A } from '#test/helpers/sales';
import type { RedirectDecision } from '../call.ts';
import { createRedirector } from '../redirector.ts';
import { digestResponse, parseAuthorization } from '../register/digest.ts';
import { createTrustState } from '../trust/data.ts';
import { createDigestVerifier } from '../trust/digest-auth.ts';
import { createRateLimiter } from '../trust/limits.ts';
import { createTrust } from '../trust/trust.ts';
import { ROUTE_TOKEN_HEADER, withRouteToken } from './authorize.ts';
import { contactHost, EMPTY_PARTIES, partyOf, registryParties } from './parties.ts';

const UK = '+442079460000';
const PSTN: RedirectDecision = {
  status: 302,
  contacts: [`<sip:${UK}@gw.uk.example;user=phone?P-Asserted-Identity=%3Ctel:%2B82262006200%3E>;q=1.0`],
  routes: [{ source: 'pstn', e164: UK }],
  dialed: { e164: UK, country: 'GB', type: 'FIXED_LINE' },
};
const ON_NET: RedirectDecision = {
  status: 302,
  contacts: ['<sip:+82262006201@kr.center.callx.test>;q=1.0', '<sip:kim@192.0.2.9:5060>;q=0.9'],
  routes: [{ source: 'e164' }, { source: 'registered' }],
};
const SOS: RedirectDecision = {
  status: 302,
  contacts: ['<sip:112@gw.uk.example>;q=1.0'],
  routes: [{ source: 'emergency' }],
  emergency: { code: '112', country: 'KR' },
};
const NO_RATE: RedirectDecision = {
  status: 302,
  contacts: ['<sip:+33142000000@gw.fr.example;user=phone>;q=1.0'],
  routes: [{ source: 'pstn', e164: '+33142000000' }],
  dialed: { e164: '+33142000000', country: 'FR', type: 'FIXED_LINE' },
};

let dir: string;
let h: Awaited<ReturnType<typeof billingOn>>;
let memberId: string;
let redirector: ReturnType<typeof createRedirector>;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-sip-billing-'));
  const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  h = await billingOn(store);
  await createAuthService({ store, clock: h.clock }).createRegistrar(ADMIN, { id: 'reg-a', name: 'A' });
  const routing = createRoutingService({ store, publisher: h.publisher, clock: h.clock });
  await routing.gateways.create(ADMIN, { id: 'gw-uk', name: 'UK', host: 'gw.uk.example', prefixes: ['44'] });
  const sell = await h.billing.decks.create(REG_A, { party: 'registrar:reg-a', currency: 'USD' });
  await h.billing.decks.importCsv(REG_A, {
    deckId: sell.id,
    csv: 'prefix,rate,increment\n44,0.10,60/60\n112,0,1/1',
  });
  const cost = await h.billing.decks.create(ADMIN, { party: 'gateway:gw-uk', currency: 'USD' });
  await h.billing.decks.importCsv(ADMIN, { deckId: cost.id, csv: 'prefix,rate,increment\n44,0.04,60/60' });
  memberId = (await h.members.register(REG_A, KIM)).id;
  await h.billing.accounts.open(REG_A, { memberId, currency: 'USD' });
  await h.billing.rates.refresh();
  const parties = await registryParties(store).load();
  const auth = h.billing.authorizer({ holder: 'sip-test' });
  const clock = h.clock;
  const trust = createTrust({
    verifier: createDigestVerifier({ realm: 'callx.test', clock }),
    accounts: {
      byUsername: async (u) =>
        u === 'kim'
          ? {
              username: 'kim',
              ha1Md5: ha1('MD5', 'kim', 'callx.test', 'pw'),
              ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 'pw'),
              memberId,
              registrarId: 'reg-a',
              country: 'KR',
              numbers: ['+82262006200'],
              displayName: 'Kim',
            }
          : null,
    },
    state: createTrustState({
      // a trusted peer by its source address
      configured: ['192.0.2.50'],
      clock,
      log: silentLogger,
      limiter: { log: () => {}, flush: () => {}, suppressed: 0 } as never,
    }),
    limits: createRateLimiter({ clock }),
    defaultCountry: 'KR',
    clock,
    log: silentLogger,
  });
  redirector = createRedirector({
    log: silentLogger,
    clock,
    trust,
    billing: { authorize: auth.authorize, parties: () => parties },
    resolve: async (uri) =>
      uri.includes('+82262006299')
        ? { status: 480, contacts: [], warning: 'this number is suspended' }
        : uri.startsWith('sip:112@')
          ? SOS
          : uri.includes('+4420')
            ? PSTN
            : uri.includes('+33')
              ? NO_RATE
              : ON_NET,
  });
});
afterAll(async () => {
  await h.store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An INVITE to `uri`, first unauthenticated (the challenge), then as kim. */
async function call(uri: string, authenticated = true, from = '192.0.2.1') {
  const send = async (extra: string[], to = uri) => {
    n++;
    const raw = [
      `INVITE ${to} SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-${n}`,
      `From: <sip:+82262006200@callx.test>;tag=f${n}`,
      `To: <${to}>`,
      `Call-ID: c${n}`,
      'CSeq: 1 INVITE',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    return (await redirector.process({
      raw,
      ctx: { transport: 'udp', remoteAddress: from, remotePort: 5060 },
    }))!.spec;
  };
  if (!authenticated) return send([]);
  // the challenge of a paid destination (an emergency call is never challenged)
  const ch = await send([], `sip:${UK}@callx.test`);
  const www = ch.headers.find(([k]) => k === 'WWW-Authenticate')!;
  const p = parseAuthorization(www[1])!;
  const response = digestResponse('MD5', ha1('MD5', 'kim', 'callx.test', 'pw'), {
    nonce: p.get('nonce')!,
    nc: '00000001',
    cnonce: 'c',
    qop: 'auth',
    method: 'INVITE',
    uri,
  });
  return send([
    `Authorization: Digest username="kim", realm="callx.test", nonce="${p.get('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`,
  ]);
}

const contacts = (s: { headers: [string, string][] }) =>
  s.headers.filter(([k]) => k === 'Contact').map(([, v]) => v);
const warningOf = (s: { headers: [string, string][] }) => s.headers.find(([k]) => k === 'Warning')?.[1];
const tokenOf = (contact: string) =>
  new RegExp(`[?&]${ROUTE_TOKEN_HEADER}=([A-Za-z0-9_.-]+)`).exec(contact)?.[1];

describe('sip: the authorize step', () => {
  it('a member at zero balance: 402 with why, its Reason phrase; an emergency number still gets its 302', async () => {
    const res = await call(`sip:${UK}@callx.test`);
    expect([res.status, res.reason]).toEqual([402, 'Payment Required']);
    expect(warningOf(res)).toBe(
      '399 callx "insufficient funds: 0.00 USD available does not cover the first billing increment (60 s at 0.10 USD/min: 0.10)"',
    );
    const sos = await call('sip:112@callx.test');
    expect(sos.status).toBe(302);
    const { payload } = await jwtVerify(
      tokenOf(contacts(sos)[0]!)!,
      createLocalJWKSet(h.billing.tokens.jwks()),
      {
        audience: 'gateway:gw-uk',
        currentDate: new Date(h.clock.now()),
      },
    );
    expect(payload).toMatchObject({ dst: '112', emergency: true });
  });

  it('after a top-up: the paid Contact carries a route token for its gateway, verified with the JWKS', async () => {
    await h.billing.accounts.post(REG_A, {
      memberId,
      kind: 'topup',
      amount: '1.00',
      currency: 'USD',
      key: 't1',
    });
    const res = await call(`sip:${UK}@callx.test`);
    expect(res.status).toBe(302);
    const [c] = contacts(res);
    // the token joins the embedded headers inside the brackets; q stays outside
    expect(c).toMatch(
      new RegExp(
        `^<sip:\\+442079460000@gw\\.uk\\.example;user=phone\\?P-Asserted-Identity=%3Ctel:%2B82262006200%3E&${ROUTE_TOKEN_HEADER}=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>;q=1\\.0$`,
      ),
    );
    const { payload } = await jwtVerify(tokenOf(c!)!, createLocalJWKSet(h.billing.tokens.jwks()), {
      issuer: 'callx.test',
      audience: 'gateway:gw-uk',
      currentDate: new Date(h.clock.now()),
    });
    // 1.00 at 0.10 a minute: 10 minutes
    expect(payload).toMatchObject({ sub: '+82262006200', dst: UK, max: 600, rate: { perMinute: '0.04' } });
  });

  it('free routes stay free and unsigned; an anonymous caller is not authorized', async () => {
    const res = await call('sip:+82262006201@callx.test');
    expect(res.status).toBe(302);
    expect(contacts(res)).toEqual(ON_NET.contacts);
    const anon = await call('sip:+82262006201@callx.test', false);
    expect([anon.status, contacts(anon)]).toEqual([302, ON_NET.contacts]);
  });

  it("a trusted peer's call to the PSTN is no member's to pay: 302, unsigned", async () => {
    const res = await call(`sip:${UK}@callx.test`, false, '192.0.2.50');
    expect(res.status).toBe(302);
    expect(contacts(res)).toEqual(PSTN.contacts);
  });

  it('a suspended number: 480 with its reason phrase and Warning', async () => {
    const res = await call('sip:+82262006299@callx.test');
    expect([res.status, res.reason, warningOf(res)]).toEqual([
      480,
      'Temporarily Unavailable',
      '399 callx "this number is suspended"',
    ]);
  });

  it('no rate in the tariff: 403 with why', async () => {
    const res = await call('sip:+33142000000@callx.test');
    expect([res.status, warningOf(res)]).toEqual([
      403,
      '399 callx "no rate for this destination in your tariff"',
    ]);
  });
});

describe('sip: route token and party helpers', () => {
  it('puts the token inside the brackets, replacing one a NAPTR carried', () => {
    expect(withRouteToken('<sip:+44@gw.example;user=phone>;q=0.5', 'a.b.c')).toBe(
      `<sip:+44@gw.example;user=phone?${ROUTE_TOKEN_HEADER}=a.b.c>;q=0.5`,
    );
    expect(withRouteToken(`<sip:+44@gw.example?${ROUTE_TOKEN_HEADER}=forged&X=1>`, 'a.b.c')).toBe(
      `<sip:+44@gw.example?X=1&${ROUTE_TOKEN_HEADER}=a.b.c>`,
    );
    expect(withRouteToken('sip:bare@example', 'a.b.c')).toBe('sip:bare@example');
  });

  it('names the party by host (with or without a port), by ENUM tree, or the host when unknown', () => {
    expect(contactHost('<sip:+44@GW.uk.example:5070;user=phone?a=b>;q=1')).toBe('gw.uk.example:5070');
    const table = {
      byHost: new Map([['gw.uk.example', 'gateway:gw-uk']]),
      byEnumSuffix: new Map([['e164.partner.example', 'carrier:p']]),
    };
    expect(partyOf(table, '<sip:+44@gw.uk.example:5070>', 'pstn')).toBe('gateway:gw-uk');
    expect(partyOf(table, '<sip:+1@x.example>', 'enum:e164.partner.example')).toBe('carrier:p');
    expect(partyOf(EMPTY_PARTIES, '<sip:+1@x.example>', 'pstn')).toBe('host:x.example');
  });
});
