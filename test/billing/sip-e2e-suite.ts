// Issue 10, "Done when", over real sockets (run on the embedded store and on MongoDB/FerretDB):
// the registry's API (top-ups, the gateway's CDRs, statements, the JWKS) and a redirector with its
// own billing instance on the same store (as `callx serve --only sip` builds it), resolving
// through a callx DNS server serving test/sip/zones. A member at zero balance gets 402 for a PSTN
// number but its 302 for 112; topped up, its digest-authenticated INVITE gets a 302 whose Contact
// carries a route token that an independent verifier (PyJWT + cryptography from Debian, the JWKS
// fetched over HTTP) accepts; the gateway's CDR, posted twice, is rated and charged once; the
// member's balance and the gateway's statement are right to the minor unit; parallel INVITEs
// never hold more than the funds, and every one of them lasting its maximum leaves the balance ≥ 0.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '#api';
import { COLLECTIONS, ha1 } from '#core';
import { derivationFor } from '#publish';
import { type BillingService, createBilling, createJournal, createPublisher, SCHEMA } from '#registry';
import { createSipService, ROUTE_TOKEN_HEADER, type SipService } from '#sip';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createAuthService } from '../../src/registry/auth/index.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { runPeer } from '../helpers/peer.ts';
import { ADMIN as ADMIN_P, REG_A } from '../helpers/sales.ts';
import { until } from '../helpers/until.ts';
import { PYTHON } from '../setup/peers.ts';
import { headers, request, sipConfig, startDns, status, UdpClient } from '../sip/env.ts';
import { KIM, seed } from '../trust/stack.ts';
import type { OpenedStore, StoreOpener } from './harness.ts';

const ADMIN = 'billing-e2e-admin-token-0123456789';
/** A Korean mobile number: the pstn tree of test/sip/zones rewrites it onto gw.kr.callx.test (gateway gw-kr). */
const MOBILE = '+821012345678';
const PSTN_URI = `sip:${MOBILE}@callx.test`;
const SOS_URI = 'sip:112@callx.test';
/** The longest call the redirector authorizes: 120 s holds 0.65 at the mobile rate. */
const CAP = 120;
// the member pays 0.30 a minute + 0.05 to connect, 30/6; the gateway is paid 0.10 a minute, 1/1
const SELL =
  'prefix,destination,rate,connection_fee,increment\n82,Korea,0.12,0,60/60\n8210,Korea mobile,0.30,0.05,30/6\n';
const COST = 'prefix,destination,rate,increment\n82,Korea,0.02,1/1\n8210,Korea mobile,0.10,1/1\n';

/** What a call of `s` seconds costs the member, in cents: 5 + billed(30/6) × 30 / 60, rounded up. */
const sellCents = (s: number) => 5 + Math.ceil(((s <= 30 ? 30 : 30 + Math.ceil((s - 30) / 6) * 6) * 30) / 60);

interface Stack {
  opened: OpenedStore;
  api: ApiServer;
  base: string;
  billing: BillingService;
  sipBilling: BillingService;
  sip: SipService;
  sipPort: number;
  stop(): Promise<void>;
}

async function start(open: StoreOpener): Promise<Stack> {
  const dns = await startDns();
  const opened = await open();
  const store = opened.store;
  await store.ensureSchema(SCHEMA);
  await seed(store);
  await createAuthService({ store }).createRegistrar(ADMIN_P, { id: KIM.registrar, name: 'A' });
  const apiConfig = loadConfig({ CALLX_APEX: 'callx.test', CALLX_HTTP_PORT: '0', CALLX_ADMIN_TOKEN: ADMIN });
  const publisher = createPublisher({
    store,
    journal: createJournal({ store, logger: silentLogger }),
    derivation: derivationFor(apiConfig),
    logger: silentLogger,
  });
  // the API process's fee system (its sweep runs as in `callx serve`)
  const billing = createBilling({ store, publisher, logger: silentLogger, apex: 'callx.test' });
  await billing.start(200);
  const api = createApiServer({ config: apiConfig, logger: silentLogger, store, publisher, billing });
  const base = `http://127.0.0.1:${await api.start()}`;
  // the redirector's own (`--only sip`): same store, same keys, its own wallet
  const sipBilling = createBilling({
    store,
    publisher,
    logger: silentLogger,
    apex: 'callx.test',
    config: { maxCallSeconds: CAP },
  });
  const auth = sipBilling.authorizer({ holder: 'sip-e2e' });
  const sip = createSipService({
    config: sipConfig(dns.port, { CALLX_SIP_TRUSTED: '', CALLX_STIR: 'off' }),
    logger: silentLogger,
    store,
    billing: {
      authorize: auth.authorize,
      start: () => sipBilling.startRating(),
      async stop() {
        sipBilling.stop();
        await auth.routes.flush();
        await auth.wallet.close();
      },
    },
  });
  const sipPort = await sip.start();
  return {
    opened,
    api,
    base,
    billing,
    sipBilling,
    sip,
    sipPort,
    async stop() {
      await sip.stop();
      billing.stop();
      await api.stop();
      await dns.stop();
      await opened.close();
    },
  };
}

/** A digest-authenticated INVITE from Kim (a challenge first, as a UA gets it): the final answer. */
async function invite(s: Stack, uri: string): Promise<{ res: string; callId: string }> {
  const ua = await new UdpClient().open();
  try {
    const callId = `e2e-${Math.random().toString(36).slice(2)}@test`;
    const ask = (extra: string[], cseq: number) =>
      ua.ask(
        s.sipPort,
        request({ uri, from: `<sip:${KIM.e164}@callx.test>`, callId, cseq, extra, localPort: ua.port }),
        10_000,
      );
    // the challenge comes from a paid destination (an emergency call is never challenged)
    const ch =
      uri === SOS_URI
        ? await ua.ask(s.sipPort, request({ uri: PSTN_URI, localPort: ua.port }), 10_000)
        : await ask([], 1);
    expect(status(ch)).toBe(401);
    const p = parseAuthorization(headers(ch, 'WWW-Authenticate')[0]!)!;
    const response = digestResponse('MD5', ha1('MD5', KIM.username, 'callx.test', KIM.password), {
      nonce: p.get('nonce')!,
      nc: '00000001',
      cnonce: 'c0ffee',
      qop: 'auth',
      method: 'INVITE',
      uri,
    });
    const res = await ask(
      [
        `Authorization: Digest username="${KIM.username}", realm="callx.test", nonce="${p.get('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`,
      ],
      2,
    );
    return { res, callId };
  } finally {
    ua.close();
  }
}

const tokenIn = (contact: string) =>
  new RegExp(`[?&]${ROUTE_TOKEN_HEADER}=([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(
    contact,
  )?.[1];

/** The independent verifier's verdict on a token (PyJWT fetches the JWKS over HTTP). */
async function verify(s: Stack, token: string, audience: string) {
  const r = await runPeer(
    PYTHON,
    [
      join(import.meta.dirname, 'verify_route_token.py'),
      token,
      `${s.base}/.well-known/jwks.json`,
      audience,
      'callx.test',
    ],
    { timeout: 20_000 },
  );
  return { code: r.code, ...JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}') };
}

async function http(
  s: Stack,
  method: string,
  path: string,
  body?: unknown,
  o: { token?: string; key?: string } = {},
) {
  const r = await fetch(`${s.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${o.token ?? ADMIN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(o.key ? { 'idempotency-key': o.key } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
  return { status: r.status, body: json as any, text };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The redirector writes its routes every 50 ms: a gateway's CDR comes after the call, when they are stored. */
async function routesLogged(s: Stack, callIds: string[]): Promise<void> {
  const routes = s.opened.store.collection(COLLECTIONS.callRoutes);
  await until(
    'the routes logged',
    async () => (await routes.count({ callId: { $in: callIds } })) === callIds.length,
    5000,
    20,
  );
}

export function defineSipE2eSuite(label: string, open: StoreOpener): void {
  describe(`billing over SIP end to end: ${label}`, () => {
    let s: Stack;
    let gwToken: string;
    beforeAll(async () => {
      s = await start(open);
      const sell = await s.billing.decks.create(REG_A, { party: 'registrar:reg-a', currency: 'USD' });
      await s.billing.decks.importCsv(REG_A, { deckId: sell.id, csv: SELL });
      const cost = await s.billing.decks.create(ADMIN_P, { party: 'gateway:gw-kr', currency: 'USD' });
      await s.billing.decks.importCsv(ADMIN_P, { deckId: cost.id, csv: COST });
      // the redirector reads the decks every second
      await s.sipBilling.rates.refresh();
      const tok = await http(s, 'POST', '/v1/billing/counterparties/gateway:gw-kr/tokens', {
        label: 'kr gw',
      });
      expect(tok.status, tok.text).toBe(201);
      gwToken = tok.body.token;
    }, 60_000);
    afterAll(async () => {
      await s?.stop();
    });

    it('a member at zero balance: 402 with why for a PSTN number, a 302 to the emergency gateway for 112', async () => {
      const opened = await http(s, 'PUT', `/v1/members/${KIM.id}/account`, { currency: 'USD' });
      expect(opened.status, opened.text).toBe(201);
      const { res } = await invite(s, PSTN_URI);
      expect(res.split('\r\n')[0]).toBe('SIP/2.0 402 Payment Required');
      expect(headers(res, 'Warning')).toEqual([
        '399 callx "insufficient funds: 0.00 USD available does not cover the first billing increment (30 s at 0.30 USD/min + 0.05 connection: 0.20)"',
      ]);
      const sos = await invite(s, SOS_URI);
      expect(status(sos.res)).toBe(302);
      const [contact] = headers(sos.res, 'Contact');
      expect(contact).toMatch(/^<sip:112@sos\.kr\.callx\.test/);
    });

    it('topped up: a 302 with a route token the independent verifier accepts; the CDR, posted twice, is charged once', async () => {
      const top = await http(
        s,
        'POST',
        `/v1/members/${KIM.id}/ledger`,
        { kind: 'topup', amount: '2.00', currency: 'USD' },
        { key: 'topup-1' },
      );
      expect(top.status, top.text).toBe(201);
      const { res, callId } = await invite(s, PSTN_URI);
      expect(status(res), res).toBe(302);
      const contacts = headers(res, 'Contact');
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatch(/^<sip:\+821012345678@gw\.kr\.callx\.test;user=phone\?/);
      const token = tokenIn(contacts[0]!)!;
      expect(token).toBeDefined();
      const v = await verify(s, token, 'gateway:gw-kr');
      expect(v, JSON.stringify(v)).toMatchObject({
        ok: true,
        header: { alg: 'ES256', typ: 'JWT' },
        claims: {
          iss: 'callx.test',
          aud: 'gateway:gw-kr',
          sub: KIM.e164,
          dst: MOBILE,
          max: CAP, // 2.00 pays for 390 s; the redirector's cap is 120 s
          rate: {
            currency: 'USD',
            perMinute: '0.10',
            connectionFee: '0.00',
            increments: '1/1',
            prefix: '8210',
          },
        },
      });
      expect(v.claims.exp - v.claims.iat).toBe(60);
      // a token for another gateway is refused by the same verifier
      expect((await verify(s, token, 'gateway:gw-us')).ok).toBe(false);
      // the gateway: answered after 2 s, 100 s of talk
      const start = Math.max(Date.now(), v.claims.iat * 1000);
      const batch = {
        cdrs: [
          {
            callId,
            routeToken: token,
            start: iso(start),
            answer: iso(start + 2000),
            end: iso(start + 102_000),
            disposition: 'answered',
          },
        ],
      };
      await routesLogged(s, [callId]);
      const first = await http(s, 'POST', '/v1/billing/cdrs', batch, { token: gwToken });
      expect(first.status, first.text).toBe(200);
      // 100 s at 30/6 = 102 s billed: 0.05 + 102 × 0.30 / 60 = 0.56; cost 100 s at 0.10 = 0.1667 -> 0.17
      expect(first.body).toMatchObject({
        source: 'gateway:gw-kr',
        rated: 1,
        results: [{ outcome: 'rated', charge: '0.56', cost: '0.17', seconds: 100 }],
      });
      const again = await http(s, 'POST', '/v1/billing/cdrs', batch, { token: gwToken });
      expect(again.body).toMatchObject({ rated: 0, duplicates: 1 });
      const acct = await http(s, 'GET', `/v1/members/${KIM.id}/account`);
      expect(acct.body).toMatchObject({ balance: '1.44' });
      const ledger = await http(s, 'GET', `/v1/members/${KIM.id}/ledger`);
      const calls = (ledger.body.items as { kind: string; amount: string }[]).filter(
        (e) => e.kind === 'call',
      );
      expect(calls.map((e) => e.amount)).toEqual(['-0.56', '0.00']); // the charge, the hold released
      const period = iso(Date.now()).slice(0, 7);
      const st = await http(s, 'GET', `/v1/billing/statements/gateway:gw-kr/${period}`, undefined, {
        token: gwToken,
      });
      expect(st.status, st.text).toBe(200);
      expect(st.body).toMatchObject({
        party: 'gateway:gw-kr',
        lines: [
          {
            currency: 'USD',
            calls: 1,
            answered: 1,
            seconds: 100,
            revenue: '0.56',
            cost: '0.17',
            margin: '0.39',
          },
        ],
      });
    });

    it('parallel INVITEs never hold more than the funds; all of them lasting their maximum leave the balance ≥ 0', async () => {
      const N = 10;
      const answers = await Promise.all(Array.from({ length: N }, () => invite(s, PSTN_URI)));
      const ok = answers.filter((a) => status(a.res) === 302);
      const refused = answers.filter((a) => status(a.res) === 402);
      expect(ok.length + refused.length, answers.map((a) => a.res.split('\r\n')[0]).join('; ')).toBe(N);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      // each authorized call holds what its maximum costs: together never more than the 1.44 left
      const maxes: number[] = [];
      for (const a of ok) {
        const token = tokenIn(headers(a.res, 'Contact')[0]!)!;
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
          max: number;
        };
        maxes.push(claims.max);
      }
      const held = maxes.reduce((sum, m) => sum + sellCents(m), 0);
      expect(held).toBeLessThanOrEqual(144);
      // 0.65 per call (120 s): two calls fit; what is left (0.14) does not cover a first increment (0.20)
      expect(ok.length).toBeLessThanOrEqual(2);
      // every call lasts its maximum: charged in full, the balance stays ≥ 0 (the CDRs come after
      // the calls, when the redirector's route log — written every 50 ms — has them)
      await routesLogged(
        s,
        ok.map((a) => a.callId),
      );
      const now = Date.now() + 1000; // after every token's iat (seconds)
      const cdrs = ok.map((a, i) => ({
        callId: a.callId,
        routeToken: tokenIn(headers(a.res, 'Contact')[0]!)!,
        start: iso(now),
        answer: iso(now + 1000),
        end: iso(now + 1000 + maxes[i]! * 1000),
        disposition: 'answered',
      }));
      const posted = await http(s, 'POST', '/v1/billing/cdrs', { cdrs }, { token: gwToken });
      expect(posted.body, posted.text).toMatchObject({ rated: ok.length });
      const acct = await http(s, 'GET', `/v1/members/${KIM.id}/account`);
      const balance = Math.round(Number(acct.body.balance) * 100);
      expect(balance).toBe(144 - held);
      expect(balance).toBeGreaterThanOrEqual(0);
    });
  });
}
