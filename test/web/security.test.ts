// Registrars' staff and members are kept apart on EVERY page: for each route the web app serves
// (taken from the app itself, so a new route without a case here fails), a visitor, member or
// staff user of registrar A tries B's data. The answer must be the refusal the case names,
// reveal nothing of B's (B_MARKERS), and leave B's documents exactly as they were; a control
// shows the same request by B's own user works. Portal pages take no ids at all: a member can
// only address itself (src/registry/portal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '#core';
import { ADMIN, registrarPrincipal } from '#registry';
import { callsReady, placeCall } from './helpers/billing.ts';
import { type Browser, embeddedWeb, type WebHarness } from './helpers/harness.ts';
import { visitorOf } from './helpers/visitor.ts';

const PASSWORD = 'correct horse battery';
const B_MARKERS = [
  'Bee Secret',
  'bee@b.example',
  'Bee Boss',
  'bee-help@b.example',
  // B's calls and rate deck (the fee system); its balance is added once known
  '441632960999',
  'registrar.b.USD',
];

interface World {
  h: WebHarness;
  visitorA: Browser;
  memberA: Browser;
  staffA: Browser;
  visitorB: Browser;
  memberB: Browser;
  staffB: Browser;
  memberBId: string;
  orderB: string;
  checkoutB: string;
  referenceB: string;
  numberB: string;
  vnsB: string;
}

type Who = 'visitorA' | 'memberA' | 'staffA';
interface Req {
  who: Who;
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
  /** The page to load first for its CSRF token (default: the path itself for GET-able pages, else '/'). */
  from?: string;
}
type Case =
  /** Holds nobody's data: B's markers must not appear. */
  | { kind: 'public'; req: (w: World) => Req; why: string }
  /** A's own page or action: nothing of B's shows or changes. */
  | {
      kind: 'own';
      req: (w: World) => Req;
      control?: (w: World) => { who: 'memberB' | 'staffB'; path: string };
    }
  /** Names B's thing: refused as missing (404, or the status named), B unchanged. */
  | {
      kind: 'foreign';
      req: (w: World) => Req;
      status?: number;
      control?: (w: World) => { who: 'visitorB' | 'staffB'; path: string };
    };

const enc = encodeURIComponent;
const ownList = (path: string, control = true): Case => ({
  kind: 'own',
  req: () => ({ who: 'staffA', method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}registrar=b` }),
  ...(control ? { control: () => ({ who: 'staffB' as const, path }) } : {}),
});

const CASES: Record<string, Case> = {
  'GET /assets/:file': {
    kind: 'public',
    why: 'the stylesheet',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/assets/app.css' }),
  },
  'GET /favicon.ico': {
    kind: 'public',
    why: 'empty',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/favicon.ico' }),
  },
  'POST /lang': {
    kind: 'public',
    why: 'a cookie',
    req: () => ({ who: 'visitorA', method: 'POST', path: '/lang', form: { to: 'ko', back: '/' }, from: '/' }),
  },
  'GET /': {
    kind: 'public',
    why: 'offers are public',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/?country=KR&kind=pin' }),
  },
  'GET /store/numbers/:id': {
    kind: 'public',
    why: 'an offer',
    req: (w) => ({ who: 'visitorA', method: 'GET', path: `/store/numbers/${enc(w.numberB)}` }),
  },
  'POST /store/numbers/:id/reserve': {
    kind: 'public',
    why: "anyone may reserve an offer; B's held number is refused as held",
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: `/store/numbers/${enc(w.numberB)}/reserve`,
      form: {},
      from: '/',
    }),
  },
  'GET /store/checkout/:id': {
    kind: 'foreign',
    req: (w) => ({ who: 'visitorA', method: 'GET', path: `/store/checkout/${w.checkoutB}` }),
    control: (w) => ({ who: 'visitorB', path: `/store/checkout/${w.checkoutB}` }),
  },
  'POST /store/checkout/:id/test': {
    kind: 'foreign',
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: `/store/checkout/${w.checkoutB}/test`,
      form: {},
      from: '/',
    }),
  },
  'POST /store/checkout/:id/bank-transfer': {
    kind: 'foreign',
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: `/store/checkout/${w.checkoutB}/bank-transfer`,
      form: {},
      from: '/',
    }),
  },
  'POST /store/checkout/:id/cancel': {
    kind: 'foreign',
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: `/store/checkout/${w.checkoutB}/cancel`,
      form: {},
      from: '/',
    }),
  },
  'POST /webhooks/:provider': {
    kind: 'foreign',
    status: 401,
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: '/webhooks/bank-transfer',
      form: { id: 'x', checkout: w.checkoutB },
    }),
  },
  'GET /account/signup': {
    kind: 'foreign',
    status: 200,
    req: (w) => ({ who: 'visitorA', method: 'GET', path: `/account/signup?checkout=${w.checkoutB}` }),
  },
  'POST /account/signup': {
    kind: 'foreign',
    status: 200,
    req: (w) => ({
      who: 'visitorA',
      method: 'POST',
      path: '/account/signup',
      form: {
        checkout: w.checkoutB,
        type: 'individual',
        displayName: 'Intruder',
        email: 'intruder@a.example',
        country: 'KR',
        password: PASSWORD,
      },
      from: '/',
    }),
  },
  'GET /account/login': {
    kind: 'public',
    why: 'a form',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/account/login' }),
  },
  'POST /account/login': {
    kind: 'public',
    why: "B's address with a wrong password is refused like any",
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: '/account/login',
      form: { email: 'bee@b.example', password: 'wrong password!' },
      from: '/account/login',
    }),
  },
  'POST /account/logout': {
    kind: 'public',
    why: 'ends the own session',
    req: () => ({ who: 'visitorA', method: 'POST', path: '/account/logout', form: {}, from: '/' }),
  },
  'GET /account/reset': {
    kind: 'public',
    why: 'a form',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/account/reset' }),
  },
  'POST /account/reset': {
    kind: 'public',
    why: 'says the same whether an account exists',
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: '/account/reset',
      form: { email: 'bee@b.example' },
      from: '/account/reset',
    }),
  },
  'GET /account/reset/:token': {
    kind: 'public',
    why: 'a bad token',
    req: () => ({ who: 'visitorA', method: 'GET', path: `/account/reset/${'x'.repeat(43)}` }),
  },
  'POST /account/reset/:token': {
    kind: 'public',
    why: 'a bad token changes nothing',
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: `/account/reset/${'x'.repeat(43)}`,
      form: { password: 'new password 123' },
      from: '/',
    }),
  },
  'GET /portal': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal' }),
    control: () => ({ who: 'memberB', path: '/portal' }),
  },
  'POST /portal/top-up': {
    kind: 'own',
    req: (w) => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/top-up',
      form: { amount: '5', currency: 'USD', key: 'same-key-as-b', memberId: w.memberBId },
      from: '/portal',
    }),
  },
  'GET /portal/calls.csv': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal/calls.csv' }),
    control: () => ({ who: 'memberB', path: '/portal/calls.csv' }),
  },
  'GET /portal/statements.csv': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal/statements.csv' }),
    control: () => ({ who: 'memberB', path: '/portal/statements.csv' }),
  },
  'GET /portal/profile': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal/profile' }),
    control: () => ({ who: 'memberB', path: '/portal/profile' }),
  },
  'POST /portal/profile': {
    kind: 'own',
    req: (w) => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/profile',
      form: { memberId: w.memberBId, displayName: 'Renamed A', country: 'KR' },
      from: '/portal/profile',
    }),
  },
  'GET /portal/sip': { kind: 'own', req: () => ({ who: 'memberA', method: 'GET', path: '/portal/sip' }) },
  'POST /portal/sip': {
    kind: 'own',
    req: (w) => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/sip',
      form: { memberId: w.memberBId, username: 'alice-a', password: 'sip-secret-a' },
      from: '/portal/sip',
    }),
  },
  'POST /portal/sip/clear': {
    kind: 'own',
    req: (w) => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/sip/clear',
      form: { memberId: w.memberBId },
      from: '/portal/sip',
    }),
  },
  'GET /portal/branches': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal/branches' }),
  },
  'POST /portal/branches': {
    kind: 'own',
    req: (w) => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/branches',
      form: { base: w.vnsB, country: 'JP', sipUri: 'sip:evil@evil.example' },
      from: '/portal/branches',
    }),
  },
  'GET /portal/password': {
    kind: 'own',
    req: () => ({ who: 'memberA', method: 'GET', path: '/portal/password' }),
  },
  'POST /portal/password': {
    kind: 'own',
    req: () => ({
      who: 'memberA',
      method: 'POST',
      path: '/portal/password',
      form: { current: 'wrong password!', password: 'another password 1' },
      from: '/portal/password',
    }),
  },
  'GET /console/login': {
    kind: 'public',
    why: 'a form',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/console/login' }),
  },
  'POST /console/login': {
    kind: 'public',
    why: "B's staff address with a wrong password is refused like any",
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: '/console/login',
      form: { email: 'bee-help@b.example', password: 'wrong password!' },
      from: '/console/login',
    }),
  },
  'POST /console/login/operator': {
    kind: 'public',
    why: 'a wrong token is refused',
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: '/console/login/operator',
      form: { token: 'cx_not-a-token' },
      from: '/console/login',
    }),
  },
  'POST /console/logout': {
    kind: 'public',
    why: 'ends the own session',
    req: () => ({ who: 'visitorA', method: 'POST', path: '/console/logout', form: {}, from: '/' }),
  },
  'GET /console/reset': {
    kind: 'public',
    why: 'a form',
    req: () => ({ who: 'visitorA', method: 'GET', path: '/console/reset' }),
  },
  'POST /console/reset': {
    kind: 'public',
    why: 'says the same whether a user exists',
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: '/console/reset',
      form: { email: 'bee-help@b.example' },
      from: '/console/reset',
    }),
  },
  'GET /console/reset/:token': {
    kind: 'public',
    why: 'a bad token',
    req: () => ({ who: 'visitorA', method: 'GET', path: `/console/reset/${'y'.repeat(43)}` }),
  },
  'POST /console/reset/:token': {
    kind: 'public',
    why: 'a bad token changes nothing',
    req: () => ({
      who: 'visitorA',
      method: 'POST',
      path: `/console/reset/${'y'.repeat(43)}`,
      form: { password: 'new password 123' },
      from: '/',
    }),
  },
  'GET /console': ownList('/console', false),
  'GET /console/orders': ownList('/console/orders'),
  'GET /console/orders.csv': ownList('/console/orders.csv'),
  'POST /console/orders/:id/cancel': {
    kind: 'foreign',
    status: 404,
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/orders/${w.orderB}/cancel`,
      form: {},
      from: '/console/orders',
    }),
  },
  'GET /console/transfers': ownList('/console/transfers'),
  'GET /console/transfers.csv': ownList('/console/transfers.csv'),
  'POST /console/transfers/:id/confirm': {
    kind: 'foreign',
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/transfers/${w.checkoutB}/confirm`,
      form: {},
      from: '/console/transfers',
    }),
  },
  'GET /console/proofs': ownList('/console/proofs'),
  'GET /console/proofs.csv': ownList('/console/proofs.csv'),
  'POST /console/proofs/:id/evidence': {
    kind: 'foreign',
    status: 404,
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/proofs/${w.orderB}/evidence`,
      form: { reference: 'LOA-FORGED' },
      from: '/console/proofs',
    }),
  },
  'POST /console/proofs/:id/approve': {
    kind: 'foreign',
    status: 404,
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/proofs/${w.orderB}/approve`,
      form: {},
      from: '/console/proofs',
    }),
  },
  'POST /console/proofs/:id/reject': {
    kind: 'foreign',
    status: 404,
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/proofs/${w.orderB}/reject`,
      form: { reason: 'forged' },
      from: '/console/proofs',
    }),
  },
  'GET /console/members': ownList('/console/members'),
  'GET /console/members.csv': ownList('/console/members.csv'),
  'GET /console/members/:id': {
    kind: 'foreign',
    req: (w) => ({ who: 'staffA', method: 'GET', path: `/console/members/${w.memberBId}` }),
    control: (w) => ({ who: 'staffB', path: `/console/members/${w.memberBId}` }),
  },
  'POST /console/members/:id': {
    kind: 'foreign',
    req: (w) => ({
      who: 'staffA',
      method: 'POST',
      path: `/console/members/${w.memberBId}`,
      form: { displayName: 'Renamed by A', contactPstn: '', language: 'en' },
      from: '/console/members',
    }),
  },
  'GET /console/inventory': ownList('/console/inventory', false),
  'GET /console/inventory.csv': ownList('/console/inventory.csv', false),
  'POST /console/inventory': {
    kind: 'own',
    req: () => ({
      who: 'staffA',
      method: 'POST',
      path: '/console/inventory',
      form: { registrarId: 'b', country: 'KR', kind: 'pin', first: '02-6300-0000', count: '2' },
      from: '/console/inventory',
    }),
  },
  'GET /console/prices': ownList('/console/prices', false),
  'GET /console/prices.csv': ownList('/console/prices.csv', false),
  'POST /console/prices': {
    kind: 'own',
    req: () => ({
      who: 'staffA',
      method: 'POST',
      path: '/console/prices',
      form: { registrarId: 'b', version: '0', pin: '1.00', vns: '2.00' },
      from: '/console/prices',
    }),
  },
  'GET /console/routing': ownList('/console/routing', false),
  'GET /console/routing.csv': ownList('/console/routing.csv', false),
  'GET /console/staff': ownList('/console/staff'),
  'GET /console/staff.csv': ownList('/console/staff.csv'),
  'POST /console/staff': {
    kind: 'own',
    req: () => ({
      who: 'staffA',
      method: 'POST',
      path: '/console/staff',
      form: { registrarId: 'b', name: 'New A', email: 'new@a.example', role: 'support', password: PASSWORD },
      from: '/console/staff',
    }),
  },
  'POST /console/staff/state': {
    kind: 'foreign',
    req: () => ({
      who: 'staffA',
      method: 'POST',
      path: '/console/staff/state',
      form: { email: 'bee-help@b.example', disabled: 'true' },
      from: '/console/staff',
    }),
  },
  'GET /console/rate-decks': ownList('/console/rate-decks'),
  'GET /console/rate-decks.csv': ownList('/console/rate-decks.csv'),
  'GET /console/crm': ownList('/console/crm', false),
  'GET /console/crm.csv': ownList('/console/crm.csv', false),
  'GET /console/crm-daily.csv': ownList('/console/crm-daily.csv', false),
};

/** Every document of registrar B (and its member and logins), as stored. */
async function bState(h: WebHarness, memberBId: string): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const c of [
    COLLECTIONS.members,
    COLLECTIONS.orders,
    COLLECTIONS.checkouts,
    COLLECTIONS.staff,
    COLLECTIONS.numbers,
    COLLECTIONS.payments,
    COLLECTIONS.accounts,
    COLLECTIONS.ledger,
    COLLECTIONS.cdrs,
    COLLECTIONS.rateDecks,
  ])
    out[c] = await h.store.collection(c).find({ registrarId: 'b' }, { sort: { _id: 1 } });
  out.priceRules = await h.store.collection(COLLECTIONS.priceRules).find({ _id: 'b' });
  out.logins = await h.store.collection(COLLECTIONS.logins).find({ memberId: memberBId });
  out.claims = await h.store.collection(COLLECTIONS.claims).find({ ownerId: memberBId });
  return JSON.stringify(out);
}

describe('web security: registrars and members apart on every page', () => {
  let w: World;
  beforeAll(async () => {
    const h = await embeddedWeb({ billing: true });
    const s = h.services;
    for (const id of ['a', 'b']) await s.auth.createRegistrar(ADMIN, { id, name: `Registrar ${id}` });
    const a = registrarPrincipal('a');
    const b = registrarPrincipal('b');
    await s.sales.stock(a, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 5 } });
    await s.sales.stock(b, { country: 'KR', kind: 'pin', range: { first: '02-7300-7300', count: 5 } });
    await s.sales.stock(b, { country: 'KR', kind: 'vns', numbers: ['7300-7300'] });
    const mA = await s.members.register(a, {
      type: 'individual',
      displayName: 'Alice A',
      email: 'alice@a.example',
      country: 'KR',
    });
    const mB = await s.members.register(b, {
      type: 'company',
      displayName: 'Bee Secret',
      email: 'bee@b.example',
      domain: 'bee.example',
      country: 'KR',
    });
    for (const [m, reg, num] of [
      [mA, a, '02-6200-6201-082'],
      [mB, b, 'vns:73007300'],
      // a PIN: paid, it waits in B's proof-of-ownership queue
      [mB, b, '02-7300-7303-082'],
    ] as const) {
      const r = await s.sales.reserve(reg, { number: num, memberId: m.id });
      if (!r.approved) throw new Error(r.message);
      await s.sales.pay(reg, { orderId: r.order.id, reference: `ref-${m.id}-${num}`, amount: r.price });
    }
    await s.logins.createMemberLogin({
      email: 'alice@a.example',
      password: PASSWORD,
      memberId: mA.id,
      registrarId: 'a',
    });
    await s.logins.createMemberLogin({
      email: 'bee@b.example',
      password: PASSWORD,
      memberId: mB.id,
      registrarId: 'b',
    });
    await s.logins.createStaff(ADMIN, {
      registrarId: 'a',
      email: 'boss@a.example',
      name: 'Boss A',
      role: 'admin',
      password: PASSWORD,
    });
    await s.logins.createStaff(ADMIN, {
      registrarId: 'b',
      email: 'boss@b.example',
      name: 'Bee Boss',
      role: 'admin',
      password: PASSWORD,
    });
    await s.logins.createStaff(ADMIN, {
      registrarId: 'b',
      email: 'bee-help@b.example',
      name: 'Bee Help',
      role: 'support',
      password: PASSWORD,
    });
    // the fee system: both members have accounts; B has money, a call and a rate deck
    const fee = h.billing!;
    await fee.accounts.open(a, { memberId: mA.id, currency: 'USD' });
    await fee.accounts.open(b, { memberId: mB.id, currency: 'USD' });
    await fee.accounts.post(b, {
      memberId: mB.id,
      kind: 'topup',
      amount: '4321.09',
      currency: 'USD',
      key: 'web-topup:same-key-as-b',
    });
    const sip = await callsReady(fee, s.routing, ['a', 'b']);
    await placeCall(fee, sip, h.clock, {
      memberId: mB.id,
      registrarId: 'b',
      destination: '+441632960999',
      callId: 'call-b-1',
      seconds: 95,
    });
    const balanceB = (await fee.accounts.get(b, { memberId: mB.id })).balance;
    B_MARKERS.push(balanceB, Number(balanceB).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    const orderB = await s.sales.reserve(b, { number: '02-7300-7302-082' });
    if (!orderB.approved) throw new Error(orderB.message);
    // B's visitor reserves in the store and chooses a bank transfer
    const visitorB = h.browser();
    const reserved = await visitorB.post(`/store/numbers/${enc('pin:+82273007301')}/reserve`, {}, '/');
    const checkoutB = reserved.location!.split('/').at(-1)!;
    await visitorB.post(`/store/checkout/${checkoutB}/bank-transfer`, {}, `/store/checkout/${checkoutB}`);
    const referenceB = (await s.checkout.get(visitorOf(visitorB), checkoutB)).checkout.reference!;
    const login = async (path: string, email: string) => {
      const br = h.browser();
      const r = await br.post(path, { email, password: PASSWORD }, path);
      expect(r.status).toBe(303);
      return br;
    };
    w = {
      h,
      visitorA: h.browser(),
      memberA: await login('/account/login', 'alice@a.example'),
      staffA: await login('/console/login', 'boss@a.example'),
      visitorB,
      memberB: await login('/account/login', 'bee@b.example'),
      staffB: await login('/console/login', 'boss@b.example'),
      memberBId: mB.id,
      orderB: orderB.order.id,
      checkoutB,
      referenceB,
      // held by B's reserved order: offered publicly, refused as held
      numberB: 'pin:+82273007302',
      vnsB: '73007300',
    };
    B_MARKERS.push(referenceB, mB.id);
  });
  afterAll(() => w?.h.close());

  it('has a case for every route the web app serves', () => {
    const routes = w.h.web.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    expect(routes.filter((r) => !(r in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((k) => !routes.includes(k))).toEqual([]);
  });

  for (const [route, c] of Object.entries(CASES)) {
    it(`${route}: ${c.kind === 'public' ? `public (${c.why})` : c.kind === 'own' ? "A's own, nothing of B's" : "B's is refused as missing"}`, async () => {
      const r = c.req(w);
      const br = w[r.who];
      const before = await bState(w.h, w.memberBId);
      const page =
        r.method === 'GET'
          ? await br.get(r.path)
          : r.path.startsWith('/webhooks/')
            ? await br.request('POST', r.path, r.form)
            : await br.post(r.path, r.form ?? {}, r.from ?? '/');
      // what A sent may come back (a login form keeps the address typed); nothing else of B's
      const sent = JSON.stringify(r);
      for (const m of B_MARKERS.filter((x) => !sent.includes(x)))
        expect(page.html, `${route} shows ${m}`).not.toContain(m);
      expect(await bState(w.h, w.memberBId), `${route} changed B's data`).toBe(before);
      if (c.kind === 'foreign') expect(page.status).toBe(c.status ?? 404);
      else expect(page.status).toBeLessThan(500);
      const control = c.kind !== 'public' ? c.control?.(w) : undefined;
      if (control) {
        const seen = await w[control.who].get(control.path);
        expect(seen.status).toBe(200);
        expect(
          B_MARKERS.some((m) => seen.html.includes(m)),
          `${route}: the control shows B's data to B`,
        ).toBe(true);
      }
    });
  }
});
