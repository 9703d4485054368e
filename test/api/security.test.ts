// Registrars are kept apart on EVERY route: for each route the app serves (taken from the app
// itself, so a new route without a case here fails the suite), registrar A tries to read or
// change registrar B's data, or the operator's shared routing data. A must get the refusal the
// case names, the answer must reveal nothing of B's it did not send, and the registry (every
// collection, the journal included) must be exactly as before. A control request then shows the
// attempt was well-formed: the same request by B (or the admin, or A on its own data) succeeds.
// Routing data (countries and centers, PSTN gateways, partner carriers) routes every registrar's
// callers and numbers, so it is the operator's: a registrar reads it, only the admin writes it.
import { beforeAll, describe, expect } from 'vitest';
import { routeTable } from '../../src/api/responses.ts';
import { type CallRoute, COLLECTIONS, type Rental } from '../../src/core/model.ts';
import { it } from './helpers/fixtures.ts';
import { ADMIN_TOKEN, type CallOptions, type Harness, harness, type Res } from './helpers/harness.ts';
import { replace, rrsets } from './helpers/records.ts';

interface World {
  h: Harness;
  a: string;
  b: string;
  bTokenId: string;
  memberB: string;
  companyB: string;
  reservedOrderB: string;
  reservedPriceB: { amount: number; currency: string };
  paidOrderB: string;
  /** PIN orders of B waiting for proof of ownership: without evidence, with a letter, with a code. */
  pendingOrderB: string;
  provenOrderB: string;
  /** A PIN order of B's waiting for proof, for the rejection's case. */
  rejectableOrderB: string;
  codeB: string;
  soldNumberB: string;
  availableNumberB: string;
  /** A CDR of the gateway's in review, and a token of the gateway's (the operator's). */
  reviewCdr: string;
  partyTokenId: string;
  period: string;
}

/** Things of B's that A never sends: none may appear in an answer to A. */
const B_MARKERS = ['Bee Secret', 'bee@b.example', '192.0.2.66', 'b-token-label', 'Registrar b'];

/** A host a registrar tries to route shared calls to: it must never reach the registry. */
const EVIL = 'evil.example';

type Who = 'a' | 'b' | 'admin';
interface Req extends CallOptions {
  path: string;
}
type Case =
  /** A request at B's resource: refused (404 unless said), and B's own identical request succeeds. */
  | { kind: 'foreign'; req: (w: World) => Req; status?: number[]; control?: { who: Who; status: number[] } }
  /** A list or search: A sees none of B's data, B's own list does show it. */
  | { kind: 'list'; req: (w: World) => Req; variants?: ((w: World) => Req)[] }
  /** A creation that would take or touch B's data: refused; the control is A creating its own. */
  | { kind: 'create'; req: (w: World) => Req; status: number[]; control: (w: World) => Req }
  /** Only the admin may: 403 for A, 2xx for the admin. */
  | { kind: 'admin-only'; req: (w: World) => Req }
  /** The operator's routing data, which DNS publishes to anyone: A reads it (200, and it is there). */
  | { kind: 'shared'; req: (w: World) => Req }
  /** Holds no registrar's data; still checked for B's markers. */
  | { kind: 'public'; why: string; req: (w: World) => Req };

const enc = encodeURIComponent;

const CASES: Record<string, Case> = {
  'GET /healthz': { kind: 'public', why: 'liveness only', req: () => ({ path: '/healthz' }) },
  'GET /readyz': { kind: 'public', why: 'store and zone readiness only', req: () => ({ path: '/readyz' }) },
  'GET /metrics': {
    kind: 'public',
    why: 'counters by route pattern, never by resource',
    req: () => ({ path: '/metrics' }),
  },
  'GET /openapi.json': { kind: 'public', why: 'the API description', req: () => ({ path: '/openapi.json' }) },
  'GET /docs': { kind: 'public', why: 'Swagger UI page', req: () => ({ path: '/docs' }) },
  'GET /docs/assets/swagger-ui-dist/{file}': {
    kind: 'public',
    why: "Swagger UI's own script and stylesheet",
    req: () => ({ path: '/docs/assets/swagger-ui-dist/swagger-ui.css' }),
  },
  'GET /n/{identifier}': {
    kind: 'public',
    why: "a number's home page: only what public DNS publishes (E2U+web)",
    req: () => ({ path: '/n/%2B81312345678' }),
  },
  'GET /v1/resolve': {
    kind: 'public',
    why: 'answers only what public DNS answers, for any caller (as the SIP redirector does)',
    req: () => ({ path: '/v1/resolve?identifier=%2B81312345678' }),
  },

  'GET /v1/registrars': { kind: 'list', req: () => ({ path: '/v1/registrars' }) },
  'POST /v1/registrars': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/registrars', body: { id: 'c', name: 'C' } }),
  },
  'GET /v1/registrars/{id}': { kind: 'foreign', req: () => ({ path: '/v1/registrars/b' }) },
  'GET /v1/registrars/{id}/tokens': { kind: 'foreign', req: () => ({ path: '/v1/registrars/b/tokens' }) },
  'POST /v1/registrars/{id}/tokens': {
    kind: 'foreign',
    req: () => ({ path: '/v1/registrars/b/tokens', body: { label: 'x' } }),
  },
  'DELETE /v1/registrars/{id}/tokens/{tokenId}': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/registrars/b/tokens/${w.bTokenId}` }),
  },

  'GET /v1/zones': { kind: 'list', req: () => ({ path: '/v1/zones' }) },
  'POST /v1/zones': {
    kind: 'create',
    req: () => ({
      path: '/v1/zones',
      body: {
        apex: 'www.b.example',
        soa: { mname: 'ns.a.example', rname: 'h.a.example' },
        ns: ['ns.a.example'],
      },
    }),
    status: [409],
    control: () => ({
      path: '/v1/zones',
      body: { apex: 'a.example', soa: { mname: 'ns.a.example', rname: 'h.a.example' }, ns: ['ns.a.example'] },
    }),
  },
  'GET /v1/zones/{apex}': { kind: 'foreign', req: () => ({ path: '/v1/zones/b.example' }) },
  'PATCH /v1/zones/{apex}': {
    kind: 'foreign',
    req: () => ({ path: '/v1/zones/b.example', body: { ns: ['ns.evil.example'] } }),
  },
  'DELETE /v1/zones/{apex}': { kind: 'foreign', req: () => ({ path: '/v1/zones/b.example' }) },
  'GET /v1/zones/{apex}/rrsets': { kind: 'foreign', req: () => ({ path: '/v1/zones/b.example/rrsets' }) },
  'PATCH /v1/zones/{apex}/rrsets': {
    kind: 'foreign',
    req: () => ({
      path: '/v1/zones/b.example/rrsets',
      body: rrsets(replace('www.b.example', 'A', 60, '198.51.100.1')),
    }),
  },
  'GET /v1/zones/{apex}/export': {
    kind: 'foreign',
    req: () => ({ path: '/v1/zones/b.example/export' }),
    // this app has no DNS model to export from: B gets past the ownership check to the 503
    control: { who: 'b', status: [503] },
  },

  'GET /v1/countries': { kind: 'shared', req: () => ({ path: '/v1/countries' }) },
  'POST /v1/countries': {
    kind: 'admin-only',
    req: () => ({
      path: '/v1/countries',
      body: { code: 'KR', name: 'Korea', center: { targets: [{ host: EVIL, priority: 0 }] } },
    }),
  },
  'GET /v1/countries/{code}': { kind: 'shared', req: () => ({ path: '/v1/countries/JP' }) },
  'PATCH /v1/countries/{code}': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/countries/JP', body: { center: { targets: [{ host: EVIL, priority: 0 }] } } }),
  },
  'DELETE /v1/countries/{code}': { kind: 'admin-only', req: () => ({ path: '/v1/countries/JP' }) },

  'GET /v1/gateways': { kind: 'shared', req: () => ({ path: '/v1/gateways' }) },
  'POST /v1/gateways': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/gateways', body: { id: 'evil', name: 'x', host: EVIL, prefixes: ['8210'] } }),
  },
  'GET /v1/gateways/{id}': { kind: 'shared', req: () => ({ path: '/v1/gateways/gw-op' }) },
  'PATCH /v1/gateways/{id}': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/gateways/gw-op', body: { host: EVIL, prefixes: ['81', '8210'] } }),
  },
  'DELETE /v1/gateways/{id}': { kind: 'admin-only', req: () => ({ path: '/v1/gateways/gw-op' }) },

  'GET /v1/carriers': { kind: 'shared', req: () => ({ path: '/v1/carriers' }) },
  'POST /v1/carriers': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/carriers', body: { id: 'evil', name: 'x', ingress: EVIL, ranges: ['8210'] } }),
  },
  'GET /v1/carriers/{id}': { kind: 'shared', req: () => ({ path: '/v1/carriers/car-op' }) },
  'PATCH /v1/carriers/{id}': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/carriers/car-op', body: { ingress: EVIL, ranges: ['8210'] } }),
  },
  'DELETE /v1/carriers/{id}': { kind: 'admin-only', req: () => ({ path: '/v1/carriers/car-op' }) },

  // caller trust (docs/trust.md): peers' secrets and call policies are the operator's too
  'PUT /v1/countries/{code}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/countries/JP/peer-secret', body: { password: 'a peer secret of ours' } }),
  },
  'DELETE /v1/countries/{code}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/countries/JP/peer-secret' }),
  },
  'PUT /v1/gateways/{id}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/gateways/gw-op/peer-secret', body: { password: 'a peer secret of ours' } }),
  },
  'DELETE /v1/gateways/{id}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/gateways/gw-op/peer-secret' }),
  },
  'PUT /v1/carriers/{id}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/carriers/car-op/peer-secret', body: { password: 'a peer secret of ours' } }),
  },
  'DELETE /v1/carriers/{id}/peer-secret': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/carriers/car-op/peer-secret' }),
  },
  'GET /v1/policies': { kind: 'list', req: () => ({ path: '/v1/policies' }) },
  'GET /v1/policies/{scope}': { kind: 'foreign', req: () => ({ path: '/v1/policies/registrar:b' }) },
  'PUT /v1/policies/{scope}': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/policies/registrar:b', body: { access: { member: ['on-net', 'pstn'] } } }),
  },
  'DELETE /v1/policies/{scope}': { kind: 'admin-only', req: () => ({ path: '/v1/policies/registrar:b' }) },
  'GET /stir/cert.pem': {
    kind: 'public',
    why: 'the public certificate of signed caller identities (the x5u URL)',
    req: () => ({ path: '/stir/cert.pem' }),
  },

  'POST /v1/inventory': {
    kind: 'create',
    req: () => ({
      path: '/v1/inventory',
      body: { registrarId: 'b', country: 'KR', kind: 'pin', numbers: ['02-6300-0001'] },
    }),
    status: [403],
    control: () => ({
      path: '/v1/inventory',
      body: { country: 'KR', kind: 'pin', numbers: ['02-6300-0001'] },
    }),
  },
  'GET /v1/inventory': {
    kind: 'list',
    req: () => ({ path: '/v1/inventory' }),
    variants: [() => ({ path: '/v1/inventory?registrarId=b' })],
  },
  'GET /v1/inventory/{number}': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/inventory/${enc(w.availableNumberB)}` }),
  },
  'POST /v1/inventory/reprice': {
    kind: 'create',
    req: () => ({ path: '/v1/inventory/reprice', body: { registrarId: 'b' } }),
    status: [403],
    control: () => ({ path: '/v1/inventory/reprice', body: {} }),
  },
  'GET /v1/price-rules': {
    kind: 'foreign',
    req: () => ({ path: '/v1/price-rules?registrarId=b' }),
    status: [403],
  },
  'PUT /v1/price-rules': {
    kind: 'foreign',
    req: () => ({
      path: '/v1/price-rules',
      body: {
        registrarId: 'b',
        rules: { currency: 'USD', defaultBase: { pin: 1, vns: 1 }, base: [], premiums: [] },
      },
    }),
    status: [403],
  },
  'GET /v1/numbers/available': {
    kind: 'list',
    req: () => ({ path: '/v1/numbers/available?country=KR&kind=pin' }),
    variants: [() => ({ path: '/v1/numbers/available?country=KR&kind=pin&registrarId=b' })],
  },
  'POST /v1/numbers/{number}/release': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/numbers/${enc(w.soldNumberB)}/release` }),
  },

  'POST /v1/orders': {
    kind: 'create',
    req: (w) => ({ path: '/v1/orders', body: { number: w.availableNumberB } }),
    status: [404],
    control: () => ({ path: '/v1/orders', body: { number: 'pin:+82263000002' } }),
  },
  'GET /v1/orders': {
    kind: 'list',
    req: () => ({ path: '/v1/orders' }),
    variants: [() => ({ path: '/v1/orders?registrarId=b' })],
  },
  'GET /v1/orders/{id}': { kind: 'foreign', req: (w) => ({ path: `/v1/orders/${w.paidOrderB}` }) },
  'POST /v1/orders/{id}/cancel': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/orders/${w.reservedOrderB}/cancel` }),
  },
  'POST /v1/orders/{id}/assign': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/orders/${w.paidOrderB}/assign`, body: { memberId: w.memberB } }),
  },
  'POST /v1/orders/{id}/verification': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/orders/${w.pendingOrderB}/verification`,
      body: { method: 'loa', reference: 'LOA-A' },
    }),
  },
  'POST /v1/orders/{id}/approve': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/orders/${w.provenOrderB}/approve`, body: {} }),
  },
  'POST /v1/orders/{id}/reject': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/orders/${w.rejectableOrderB}/reject`, body: { reason: 'no letter' } }),
  },
  'POST /v1/verifications/confirm': {
    // the country centers are the operator's: a registrar cannot confirm its own codes
    kind: 'admin-only',
    req: (w) => ({ path: '/v1/verifications/confirm', body: { line: '+82262006203', code: w.codeB } }),
  },
  'POST /v1/orders/{id}/payments': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/orders/${w.reservedOrderB}/payments`,
      body: { reference: 'r-1', amount: w.reservedPriceB },
    }),
  },

  'POST /v1/members': {
    kind: 'create',
    req: () => ({
      path: '/v1/members',
      body: { type: 'individual', displayName: 'X', email: 'bee@b.example', country: 'KR' },
    }),
    status: [409],
    control: () => ({
      path: '/v1/members',
      body: { type: 'individual', displayName: 'X', email: 'x@a.example', country: 'KR' },
    }),
  },
  'GET /v1/members': {
    kind: 'list',
    req: () => ({ path: '/v1/members' }),
    variants: [() => ({ path: '/v1/members?registrarId=b' })],
  },
  'GET /v1/members/{id}': { kind: 'foreign', req: (w) => ({ path: `/v1/members/${w.memberB}` }) },
  'PATCH /v1/members/{id}': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/members/${w.memberB}`, body: { displayName: 'Owned' } }),
  },
  'DELETE /v1/members/{id}': { kind: 'foreign', req: (w) => ({ path: `/v1/members/${w.memberB}` }) },
  'PUT /v1/members/{id}/branches': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/members/${w.companyB}/branches`,
      body: { base: '7000-7000', branches: [{ country: 'KR' }] },
    }),
  },
  'PUT /v1/members/{id}/sip-credentials': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/members/${w.memberB}/sip-credentials`,
      body: { username: 'hijack', password: 'long enough pass' },
    }),
  },
  'DELETE /v1/members/{id}/sip-credentials': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/members/${w.memberB}/sip-credentials` }),
  },

  // the fee system: decks, accounts and ledgers are a registrar's own; CDRs, review, periods
  // and counterparties' tokens are the operator's (counterparties post CDRs with their tokens)
  'POST /v1/billing/decks': {
    kind: 'create',
    req: () => ({ path: '/v1/billing/decks', body: { party: 'registrar:b', currency: 'EUR' } }),
    status: [403],
    control: () => ({ path: '/v1/billing/decks', body: { party: 'registrar:a', currency: 'USD' } }),
  },
  'GET /v1/billing/decks': {
    kind: 'list',
    req: () => ({ path: '/v1/billing/decks' }),
    variants: [() => ({ path: `/v1/billing/decks?party=${enc('registrar:b')}` })],
  },
  'GET /v1/billing/decks/{id}': {
    kind: 'foreign',
    req: () => ({ path: '/v1/billing/decks/registrar.b.USD' }),
  },
  'DELETE /v1/billing/decks/{id}': {
    kind: 'foreign',
    req: () => ({ path: '/v1/billing/decks/registrar.b.USD' }),
  },
  'PUT /v1/billing/decks/{id}/rates': {
    kind: 'foreign',
    req: () => ({
      path: '/v1/billing/decks/registrar.b.USD/rates',
      raw: 'prefix,rate\n44,9.99\n',
      contentType: 'text/csv',
    }),
  },
  'GET /v1/billing/decks/{id}/rates': {
    kind: 'foreign',
    req: () => ({ path: '/v1/billing/decks/registrar.b.USD/rates' }),
  },
  'GET /v1/billing/decks/{id}/match': {
    kind: 'foreign',
    req: () => ({ path: `/v1/billing/decks/registrar.b.USD/match?number=${enc('+442079460000')}` }),
  },
  'PUT /v1/members/{id}/account': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/members/${w.memberB}/account`,
      body: { currency: 'USD', mode: 'postpaid', creditLimit: '1000' },
    }),
  },
  'GET /v1/members/{id}/account': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/members/${w.memberB}/account` }),
  },
  'GET /v1/members/{id}/ledger': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/members/${w.memberB}/ledger` }),
  },
  'POST /v1/members/{id}/ledger': {
    kind: 'foreign',
    req: (w) => ({
      path: `/v1/members/${w.memberB}/ledger`,
      headers: { 'idempotency-key': 'steal-1' },
      body: { kind: 'charge', amount: '1.00', currency: 'USD' },
    }),
  },
  'POST /v1/billing/cdrs': {
    kind: 'admin-only',
    req: (w) => ({
      path: '/v1/billing/cdrs',
      body: { source: 'gateway:gw-op', cdrs: [cdrOf(w, 'sec-1')] },
    }),
  },
  'POST /v1/billing/cdrs/csv': {
    kind: 'admin-only',
    req: (w) => {
      const c = cdrOf(w, 'sec-2');
      return {
        path: `/v1/billing/cdrs/csv?source=${enc('gateway:gw-op')}`,
        raw: `call_id,start,end,disposition\n${c.callId},${c.start},${c.end},${c.disposition}\n`,
        contentType: 'text/csv',
      };
    },
  },
  'GET /v1/billing/cdrs': {
    kind: 'list',
    req: () => ({ path: '/v1/billing/cdrs' }),
    variants: [() => ({ path: '/v1/billing/cdrs?registrarId=b' })],
  },
  'GET /v1/billing/review': { kind: 'admin-only', req: () => ({ path: '/v1/billing/review' }) },
  'POST /v1/billing/review/{id}/resolve': {
    kind: 'admin-only',
    req: (w) => ({ path: `/v1/billing/review/${enc(w.reviewCdr)}/resolve`, body: { action: 'dismiss' } }),
  },
  'GET /v1/billing/statements/{party}/{period}': {
    kind: 'foreign',
    req: (w) => ({ path: `/v1/billing/statements/registrar:b/${w.period}` }),
  },
  'POST /v1/billing/periods/{period}/close': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/billing/periods/2024-12/close' }),
  },
  'GET /v1/billing/rental-rules': {
    kind: 'foreign',
    req: () => ({ path: '/v1/billing/rental-rules?registrarId=b' }),
    status: [403],
  },
  'PUT /v1/billing/rental-rules': {
    kind: 'foreign',
    req: () => ({
      path: '/v1/billing/rental-rules',
      body: { registrarId: 'b', rules: { currency: 'USD', amounts: { pin: '999.00', vns: '0' } } },
    }),
    status: [403],
  },
  'GET /v1/billing/rentals': {
    kind: 'list',
    req: () => ({ path: '/v1/billing/rentals' }),
    variants: [() => ({ path: '/v1/billing/rentals?registrarId=b' })],
  },
  'POST /v1/billing/counterparties/{party}/tokens': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/billing/counterparties/gateway:gw-op/tokens', body: { label: 'x' } }),
  },
  'GET /v1/billing/counterparties/{party}/tokens': {
    kind: 'admin-only',
    req: () => ({ path: '/v1/billing/counterparties/gateway:gw-op/tokens' }),
  },
  'DELETE /v1/billing/counterparties/{party}/tokens/{tokenId}': {
    kind: 'admin-only',
    req: (w) => ({ path: `/v1/billing/counterparties/gateway:gw-op/tokens/${w.partyTokenId}` }),
  },
  'GET /.well-known/jwks.json': {
    kind: 'public',
    why: 'public keys of route tokens, for gateways to verify them',
    req: () => ({ path: '/.well-known/jwks.json' }),
  },
};

/** A CDR the operator's gateway posts (no route: it goes to review). */
function cdrOf(w: World, callId: string) {
  const now = w.h.clock.now();
  return {
    callId,
    start: new Date(now - 60_000).toISOString(),
    end: new Date(now - 50_000).toISOString(),
    disposition: 'no-answer',
  };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
async function ok(r: Promise<Res>, what: string): Promise<any> {
  const res = await r;
  if (res.status >= 300) throw new Error(`security world: ${what}: ${res.status} ${res.text}`);
  return res.body;
}

/** B's data of every kind, made through the API on `h`; A has a registrar and one number of its own. */
async function world(h: Harness): Promise<World> {
  const a = await h.registrar('a');
  const b = await h.registrar('b');
  await ok(
    h.call('POST', '/v1/inventory', {
      token: a,
      body: { country: 'KR', kind: 'pin', numbers: ['+82 2 6300 0002'] },
    }),
    'A stock',
  );
  const call = (method: string, path: string, body?: unknown) => h.call(method, path, { token: b, body });
  const tok = await ok(call('POST', '/v1/registrars/b/tokens', { label: 'b-token-label' }), 'token');
  // the operator's routing data, which every registrar reads
  const admin = (path: string, body: unknown) => h.call('POST', path, { token: ADMIN_TOKEN, body });
  await ok(
    admin('/v1/countries', { code: 'JP', name: 'Japan', center: { targets: [{ host: 'sip.op.example' }] } }),
    'country',
  );
  await ok(
    admin('/v1/gateways', { id: 'gw-op', name: 'JP', host: 'gw.op.example', prefixes: ['81'] }),
    'gateway',
  );
  await ok(
    admin('/v1/carriers', { id: 'car-op', name: 'UK', ingress: 'sbc.op.example', ranges: ['4420'] }),
    'carrier',
  );
  // call policies: the operator's default, and one for B's members that only B (and the admin) reads
  const put = (path: string, body: unknown) => h.call('PUT', path, { token: ADMIN_TOKEN, body });
  await ok(put('/v1/policies/default', { limits: { sourcePerMinute: 300 } }), 'default policy');
  await ok(put('/v1/policies/registrar:b', { blockedSources: ['192.0.2.66'] }), "B's policy");
  await ok(
    call('POST', '/v1/zones', {
      apex: 'b.example',
      soa: { mname: 'ns.b.example', rname: 'h.b.example' },
      ns: ['ns.b.example'],
    }),
    'zone',
  );
  await ok(
    call('PATCH', '/v1/zones/b.example/rrsets', rrsets(replace('www.b.example', 'A', 60, '192.0.2.66'))),
    'rrset',
  );
  await ok(
    call('POST', '/v1/inventory', { country: 'KR', kind: 'pin', range: { first: '02-6200-6198', count: 7 } }),
    'stock',
  );
  await ok(
    call('POST', '/v1/inventory', { country: 'KR', kind: 'vns', numbers: ['7000-7000'] }),
    'stock vns',
  );
  const m = await ok(
    call('POST', '/v1/members', {
      type: 'individual',
      displayName: 'Bee Secret',
      email: 'bee@b.example',
      country: 'KR',
    }),
    'member',
  );
  await ok(
    call('PUT', `/v1/members/${m.id}/sip-credentials`, { username: 'bee', password: 'bee password 1' }),
    'sip',
  );
  const co = await ok(
    call('POST', '/v1/members', {
      type: 'company',
      displayName: 'B Corp',
      domain: 'bcorp.example',
      country: 'KR',
    }),
    'company',
  );
  const held = await ok(call('POST', '/v1/orders', { number: 'pin:+82262006198' }), 'reserve');
  const sold = await ok(
    call('POST', '/v1/orders', { number: 'pin:+82262006199', memberId: m.id }),
    'reserve 2',
  );
  await ok(
    call('POST', `/v1/orders/${sold.order.id}/payments`, { reference: 'b-1', amount: sold.price }),
    'pay',
  );
  // a PIN is the buyer's once its proof of ownership is approved
  await ok(
    call('POST', `/v1/orders/${sold.order.id}/verification`, { method: 'loa', reference: 'LOA-B' }),
    'loa',
  );
  await ok(call('POST', `/v1/orders/${sold.order.id}/approve`, {}), 'approve');
  const pendingOrder = async (number: string, ref: string) => {
    const o = await ok(call('POST', '/v1/orders', { number, memberId: m.id }), `reserve ${number}`);
    await ok(
      call('POST', `/v1/orders/${o.order.id}/payments`, { reference: ref, amount: o.price }),
      `pay ${number}`,
    );
    return o.order.id as string;
  };
  const pending = await pendingOrder('pin:+82262006201', 'b-3');
  const proven = await pendingOrder('pin:+82262006202', 'b-4');
  await ok(
    call('POST', `/v1/orders/${proven}/verification`, { method: 'loa', reference: 'LOA-B2' }),
    'loa 2',
  );
  const coded = await pendingOrder('pin:+82262006203', 'b-5');
  const rejectable = await pendingOrder('pin:+82262006204', 'b-6');
  const code = (await ok(call('POST', `/v1/orders/${coded}/verification`, { method: 'code' }), 'code')).code;
  const vns = await ok(
    call('POST', '/v1/orders', { number: '7000-7000#082', memberId: co.id }),
    'reserve vns',
  );
  await ok(
    call('POST', `/v1/orders/${vns.order.id}/payments`, { reference: 'b-2', amount: vns.price }),
    'pay vns',
  );
  // the fee system: B's deck, account, a rated call and a rental; the operator's CDR in review,
  // a gateway token and the route-token keys (made on first use, not by the request under test)
  await ok(call('POST', '/v1/billing/decks', { party: 'registrar:b', currency: 'USD' }), 'deck');
  await ok(
    h.call('PUT', '/v1/billing/decks/registrar.b.USD/rates', {
      token: b,
      raw: 'prefix,rate\n44,0.10\n',
      contentType: 'text/csv',
    }),
    'rates',
  );
  await ok(call('PUT', `/v1/members/${m.id}/account`, { currency: 'USD' }), 'account');
  await ok(
    h.call('POST', `/v1/members/${m.id}/ledger`, {
      token: b,
      body: { kind: 'topup', amount: '20.00', currency: 'USD' },
      headers: { 'idempotency-key': 'b-top' },
    }),
    'topup',
  );
  const now = h.clock.now();
  const sell = {
    deck: 'registrar.b.USD',
    revision: 1,
    prefix: '44',
    name: '',
    rate: 10_000_000,
    fee: 0,
    first: 60,
    next: 60,
    currency: 'USD',
  };
  await h.t.store.collection<CallRoute>('callRoutes').insert({
    _id: 'r-b',
    callId: 'b-call',
    at: now,
    accountId: m.id,
    memberId: m.id,
    registrarId: 'b',
    caller: '+82262006199',
    destination: '+442079460000',
    hold: 0,
    candidates: JSON.stringify([{ party: 'gateway:gw-op', sell, cost: null, maxSeconds: 3600 }]),
  });
  const admin2 = (path: string, body: unknown) => h.call('POST', path, { token: ADMIN_TOKEN, body });
  const at = (ms: number) => new Date(ms).toISOString();
  await ok(
    admin2('/v1/billing/cdrs', {
      source: 'gateway:gw-op',
      cdrs: [
        {
          callId: 'b-call',
          start: at(now - 90_000),
          answer: at(now - 80_000),
          end: at(now - 20_000),
          disposition: 'answered',
        },
        { callId: 'lost', start: at(now - 90_000), end: at(now - 80_000), disposition: 'busy' },
      ],
    }),
    'cdrs',
  );
  await h.t.store.collection<Rental>('rentals').insert({
    _id: 'pin:+82262006199',
    registrarId: 'b',
    memberId: m.id,
    amount: 200,
    currency: 'USD',
    state: 'active',
    paidUntil: now + 86_400_000,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  const partyToken = await ok(
    admin2('/v1/billing/counterparties/gateway:gw-op/tokens', { label: 'op gateway' }),
    'party token',
  );
  await ok(h.call('GET', '/.well-known/jwks.json', { token: null }), 'jwks');
  return {
    h,
    a,
    b,
    bTokenId: tok.id,
    memberB: m.id,
    companyB: co.id,
    reservedOrderB: held.order.id,
    reservedPriceB: held.price,
    paidOrderB: sold.order.id,
    pendingOrderB: pending,
    provenOrderB: proven,
    rejectableOrderB: rejectable,
    codeB: code,
    soldNumberB: 'pin:+82262006199',
    availableNumberB: 'pin:+82262006200',
    reviewCdr: 'gateway:gw-op|lost',
    partyTokenId: partyToken.id,
    period: new Date(now).toISOString().slice(0, 7),
  };
}

/** Every collection's documents (idempotency records are the caller's own), for before/after. */
async function snapshot(h: Harness): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const name of Object.values(COLLECTIONS)) {
    if (name === COLLECTIONS.idempotency) continue;
    out[name] = await h.t.store.collection(name).find({}, { sort: { _id: 1 } });
  }
  return JSON.stringify(out);
}

function leaked(res: Res, req: Req): string[] {
  const sent = JSON.stringify(req);
  return B_MARKERS.filter((m) => res.text.includes(m) && !sent.includes(m));
}

const tokenOf = (w: World, who: Who) => (who === 'a' ? w.a : who === 'b' ? w.b : ADMIN_TOKEN);

function methodOf(key: string): string {
  return key.split(' ')[0]!;
}

describe('api security: registrar A against registrar B, on every route', () => {
  let routes: { method: string; path: string }[];
  beforeAll(async () => {
    const h = await harness();
    routes = routeTable(h.app).entries.map((e) => ({ method: e.method, path: e.path }));
    await h.close();
  });

  it('has a case for every route the app serves, and no case for a route that does not exist', () => {
    const served = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(
      served.filter((k) => !(k in CASES)),
      'routes without a security case',
    ).toEqual([]);
    expect(
      Object.keys(CASES).filter((k) => !served.includes(k)),
      'cases of no route',
    ).toEqual([]);
  });

  for (const [key, c] of Object.entries(CASES)) {
    it(`${key}: ${c.kind}${c.kind === 'public' ? ` (${c.why})` : ''}`, async ({ h }) => {
      const w = await world(h);
      const method = methodOf(key);
      const attempts = [c.req, ...(c.kind === 'list' ? (c.variants ?? []) : [])];
      for (const [i, make] of attempts.entries()) {
        const req = make(w);
        const before = await snapshot(w.h);
        const res = await w.h.call(method, req.path, { ...req, token: w.a });
        const where = `${key} #${i} ${req.path}`;
        expect(leaked(res, req), `${where}: answer reveals B's data: ${res.text.slice(0, 300)}`).toEqual([]);
        expect(await snapshot(w.h), `${where}: the registry changed`).toBe(before);
        expect(res.status, `${where}: ${res.text.slice(0, 300)}`).not.toBe(500);
        switch (c.kind) {
          case 'foreign':
            expect(c.status ?? [404], where).toContain(res.status);
            break;
          case 'create':
            expect(c.status, `${where}: ${res.text.slice(0, 200)}`).toContain(res.status);
            break;
          case 'admin-only':
            expect(res.status, `${where}: ${res.text.slice(0, 200)}`).toBe(403);
            break;
          case 'shared':
            expect(res.status, `${where}: ${res.text.slice(0, 200)}`).toBe(200);
            // the operator's data is there (and only the operator's: nobody else may write it)
            for (const item of res.body.items ?? [res.body]) expect(item.registrarId, where).toBeNull();
            expect(res.body.items ?? [res.body], where).not.toEqual([]);
            break;
          case 'list':
            // a variant naming B is refused; the plain list answers with A's (empty) view
            expect(i === 0 ? [200] : [403], `${where}: ${res.text.slice(0, 200)}`).toContain(res.status);
            break;
          case 'public':
            expect(res.status, where).toBeLessThan(600);
            break;
        }
      }
      // the control: the same thing done by someone entitled works
      if (c.kind === 'foreign') {
        const req = c.req(w);
        const who = c.control?.who ?? 'b';
        const res = await w.h.call(method, req.path, { ...req, token: tokenOf(w, who) });
        const want = c.control?.status;
        if (want) expect(want, `${key} control: ${res.text.slice(0, 200)}`).toContain(res.status);
        else expect(res.status, `${key} control by B: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      } else if (c.kind === 'create') {
        const req = c.control(w);
        const res = await w.h.call(method, req.path, { ...req, token: w.a });
        expect(res.status, `${key} control by A on its own: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      } else if (c.kind === 'admin-only') {
        const req = c.req(w);
        const res = await w.h.call(method, req.path, { ...req, token: ADMIN_TOKEN });
        expect(res.status, `${key} control by the admin: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      } else if (c.kind === 'list') {
        const req = c.req(w);
        const res = await w.h.call(method, req.path, { ...req, token: w.b });
        expect(res.status).toBe(200);
        expect(res.body.items.length, `${key}: B's own list shows B's data`).toBeGreaterThan(0);
      }
    });
  }
});
