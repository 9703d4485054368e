// The fee system over HTTP: rate decks as CSV (import whole or not at all, export, match), a
// member's account and ledger with Idempotency-Key, a counterparty's token posting CDRs of a
// route a redirector authorized (another billing instance on the same store, as a SIP process
// would be), statements as JSON and CSV, the review list, rental rules, the JWKS — and what
// each failure looks like as problem+json.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { it } from './helpers/fixtures.ts';
import { ADMIN_TOKEN, APEX, type Harness } from './helpers/harness.ts';

const SELL = 'prefix,destination,rate,increment\n44,UK,0.10,60/60\n82,Korea,0.05,1/1\n';
const COST = 'prefix,destination,rate,increment\n44,UK,0.04,60/60\n';
const csv = (h: Harness, method: string, path: string, body: string, token: string = ADMIN_TOKEN) =>
  h.call(method, path, { token, raw: body, contentType: 'text/csv' });
const iso = (ms: number) => new Date(ms).toISOString();

async function setup(h: Harness, a: string) {
  await h.call('POST', '/v1/gateways', {
    body: { id: 'gw-uk', name: 'UK', host: 'gw.uk.example', prefixes: ['44'] },
  });
  const deck = await h.call('POST', '/v1/billing/decks', {
    token: a,
    body: { party: 'registrar:a', currency: 'USD' },
  });
  expect(deck.status, deck.text).toBe(201);
  expect((await csv(h, 'PUT', '/v1/billing/decks/registrar.a.USD/rates', SELL, a)).status).toBe(200);
  expect(
    (await h.call('POST', '/v1/billing/decks', { body: { party: 'gateway:gw-uk', currency: 'USD' } })).status,
  ).toBe(201);
  expect((await csv(h, 'PUT', '/v1/billing/decks/gateway.gw-uk.USD/rates', COST)).status).toBe(200);
  const m = await h.call('POST', '/v1/members', {
    token: a,
    body: { type: 'individual', displayName: 'Kim', email: 'kim@example.com', country: 'KR' },
  });
  expect(m.status).toBe(201);
  return m.body.id as string;
}

describe('api: billing', () => {
  it('imports a deck as CSV whole or not at all, naming each bad field; exports it; matches a number', async ({
    h,
    a,
  }) => {
    await setup(h, a);
    const bad = await csv(
      h,
      'PUT',
      '/v1/billing/decks/registrar.a.USD/rates',
      'prefix,rate\n44,0.1\n4x4,0.1\n45,1e3\n',
      a,
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body).toMatchObject({
      type: 'https://callx.test/problems/validation-failed',
      code: 'invalid-input',
      errors: [
        { location: 'body', pointer: '/rows/3/prefix', detail: expect.stringMatching(/not 1-15 digits/) },
        { location: 'body', pointer: '/rows/4/rate', detail: expect.any(String) },
      ],
    });
    const mixed = await csv(
      h,
      'PUT',
      '/v1/billing/decks/registrar.a.USD/rates',
      'prefix,rate,currency\n44,0.1,USD\n33,0.1,EUR\n',
      a,
    );
    expect(mixed.status).toBe(409);
    expect(mixed.body).toMatchObject({
      type: 'https://callx.test/problems/currency-mismatch',
      code: 'currency-mismatch',
      errors: [{ pointer: '/rows/3/currency' }],
    });
    const wrongType = await h.call('PUT', '/v1/billing/decks/registrar.a.USD/rates', {
      token: a,
      body: { rows: [] },
    });
    expect(wrongType.status).toBe(415);
    const out = await h.call('GET', '/v1/billing/decks/registrar.a.USD/rates', { token: a });
    expect(out.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(out.text).toContain('44,UK,0.10,0.00,60,60,,,USD\r\n');
    const m = await h.call('GET', '/v1/billing/decks/registrar.a.USD/match?number=%2B442079460000', {
      token: a,
    });
    expect(m.body).toMatchObject({
      number: '+442079460000',
      match: { prefix: '44', rate: '0.10', currency: 'USD' },
    });
    const deck = await h.call('GET', '/v1/billing/decks/registrar.a.USD', { token: a });
    expect(deck.body).toMatchObject({ kind: 'sell', party: 'registrar:a', entries: 2, revision: 1 });
    expect(deck.headers.get('etag')).toBe(`"${deck.body.version}"`);
    // the operator's cost decks are not a registrar's to see or change
    expect((await h.call('GET', '/v1/billing/decks/gateway.gw-uk.USD', { token: a })).status).toBe(404);
    expect(
      (
        await h.call('POST', '/v1/billing/decks', {
          token: a,
          body: { party: 'gateway:gw-uk', currency: 'EUR' },
        })
      ).status,
    ).toBe(403);
  });

  it('takes a deck larger than the body limit on the import route only', async ({ open, a: _ }) => {
    const h = await open({ bodyLimit: 4096 });
    const token = await h.registrar('big');
    expect(
      (
        await h.call('POST', '/v1/billing/decks', {
          token,
          body: { party: 'registrar:big', currency: 'USD' },
        })
      ).status,
    ).toBe(201);
    const rows = Array.from({ length: 2000 }, (_, i) => `${1000 + i},X,0.0${(i % 9) + 1},60/60`).join('\n');
    const big = await csv(
      h,
      'PUT',
      '/v1/billing/decks/registrar.big.USD/rates',
      `prefix,destination,rate,increment\n${rows}\n`,
      token,
    );
    expect(big.status, big.text.slice(0, 200)).toBe(200);
    expect(big.body.rows).toBe(2000);
    const other = await h.call('POST', '/v1/members', {
      token,
      body: { type: 'individual', displayName: 'x'.repeat(5000), email: 'x@example.com', country: 'KR' },
    });
    expect(other.status).toBe(413);
  });

  it("opens a member's account, posts with an Idempotency-Key, and lists the ledger", async ({ h, a }) => {
    const m = await setup(h, a);
    const open = await h.call('PUT', `/v1/members/${m}/account`, { token: a, body: { currency: 'usd' } });
    expect(open.status).toBe(201);
    expect(open.body).toMatchObject({
      memberId: m,
      currency: 'USD',
      mode: 'prepaid',
      balance: '0.00',
      available: '0.00',
    });
    const post = (key: string | null, body: unknown) =>
      h.call('POST', `/v1/members/${m}/ledger`, {
        token: a,
        body,
        headers: key ? { 'idempotency-key': key } : {},
      });
    expect((await post(null, { kind: 'topup', amount: '5.00', currency: 'USD' })).body).toMatchObject({
      status: 400,
      errors: [{ location: 'header', pointer: 'idempotency-key' }],
    });
    const first = await post('k-1', { kind: 'topup', amount: '5.00', currency: 'USD' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      duplicate: false,
      entry: { kind: 'topup', amount: '5.00' },
      account: { balance: '5.00' },
    });
    const again = await post('k-1', { kind: 'topup', amount: '5.00', currency: 'USD' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.entry.seq).toBe(first.body.entry.seq);
    expect((await post('k-1', { kind: 'topup', amount: '6.00', currency: 'USD' })).status).toBe(422);
    const eur = await post('k-2', { kind: 'topup', amount: '1.00', currency: 'EUR' });
    expect(eur.body).toMatchObject({ status: 409, code: 'currency-mismatch' });
    const float = await post('k-3', { kind: 'topup', amount: 1.5, currency: 'USD' });
    expect(float.body).toMatchObject({ status: 400, errors: [{ pointer: '/amount' }] });
    const over = await post('k-4', { kind: 'charge', amount: '5.01', currency: 'USD' });
    expect(over.body).toMatchObject({ status: 409, code: 'insufficient-funds' });
    const ledger = await h.call('GET', `/v1/members/${m}/ledger`, { token: a });
    expect(ledger.body.items.map((e: { amount: string }) => e.amount)).toEqual(['5.00']);
    const acct = await h.call('GET', `/v1/members/${m}/account`, { token: a });
    expect(acct.body.balance).toBe('5.00');
    expect(
      (
        await h.call('GET', `/v1/members/${m}/account`, {
          token: a,
          headers: { 'if-none-match': acct.headers.get('etag')! },
        })
      ).status,
    ).toBe(304);
    const stale = await h.call('PUT', `/v1/members/${m}/account`, {
      token: a,
      body: { currency: 'USD', mode: 'postpaid', creditLimit: '10' },
      headers: { 'if-match': '"0"' },
    });
    expect(stale.body).toMatchObject({ status: 409, code: 'version-conflict' });
  });

  it('lets a counterparty post the CDRs of a route a redirector authorized, and read its statement as JSON and CSV', async ({
    h,
    a,
  }) => {
    const m = await setup(h, a);
    await h.call('PUT', `/v1/members/${m}/account`, { token: a, body: { currency: 'USD' } });
    await h.call('POST', `/v1/members/${m}/ledger`, {
      token: a,
      body: { kind: 'topup', amount: '5.00', currency: 'USD' },
      headers: { 'idempotency-key': 't' },
    });
    const tok = await h.call('POST', '/v1/billing/counterparties/gateway:gw-uk/tokens', {
      body: { label: 'uk gateway' },
    });
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ party: 'gateway:gw-uk', label: 'uk gateway' });
    const gw = tok.body.token as string;
    // a SIP process on the same store authorizes a call
    const sip = createBilling({
      store: h.t.store,
      publisher: h.publisher,
      logger: silentLogger,
      clock: h.clock,
      apex: APEX,
    });
    await sip.tokens.load();
    await sip.rates.refresh();
    const auth = sip.authorizer({ holder: 'sip-1' });
    const r = await auth.authorize({
      memberId: m,
      registrarId: 'a',
      caller: '+82262006200',
      destination: '+442079460000',
      callId: 'c-1',
      candidates: [{ party: 'gateway:gw-uk', paid: true }],
    });
    if (r.outcome !== 'authorized') throw new Error(r.outcome);
    await auth.routes.flush();
    // the gateway checks the token offline with the JWKS served here
    const jwks = await h.call('GET', '/.well-known/jwks.json', { token: null });
    expect(jwks.status).toBe(200);
    const { payload } = await jwtVerify(r.grants[0]!.token!, createLocalJWKSet(jwks.body), {
      currentDate: new Date(h.clock.now()),
      audience: 'gateway:gw-uk',
    });
    expect(payload).toMatchObject({ dst: '+442079460000', max: 3000 });
    const now = h.clock.now();
    const batch = {
      cdrs: [
        {
          callId: 'c-1',
          routeToken: r.grants[0]!.token,
          start: iso(now - 100_000),
          answer: iso(now - 95_000),
          end: iso(now - 5_000),
          disposition: 'answered',
        },
      ],
    };
    const posted = await h.call('POST', '/v1/billing/cdrs', { token: gw, body: batch });
    expect(posted.status, posted.text).toBe(200);
    expect(posted.body).toMatchObject({
      source: 'gateway:gw-uk',
      rated: 1,
      results: [{ outcome: 'rated', charge: '0.20', cost: '0.08', seconds: 90 }],
    });
    expect((await h.call('POST', '/v1/billing/cdrs', { token: gw, body: batch })).body).toMatchObject({
      rated: 0,
      duplicates: 1,
    });
    const bad = await h.call('POST', '/v1/billing/cdrs', {
      token: gw,
      body: { cdrs: [{ ...batch.cdrs[0], callId: 'c-2', end: iso(now - 200_000) }] },
    });
    expect(bad.body).toMatchObject({
      status: 400,
      errors: [{ pointer: '/cdrs/0/end' }, { pointer: '/cdrs/0/answer' }],
    });
    // a counterparty sees nothing of a registrar's
    expect((await h.call('GET', `/v1/members/${m}`, { token: gw })).status).toBe(404);
    expect((await h.call('GET', '/v1/billing/decks', { token: gw })).status).toBe(403);
    expect((await h.call('POST', '/v1/billing/cdrs', { token: a, body: batch })).status).toBe(403);
    const period = iso(now).slice(0, 7);
    const st = await h.call('GET', `/v1/billing/statements/gateway:gw-uk/${period}`, { token: gw });
    expect(st.body).toMatchObject({
      party: 'gateway:gw-uk',
      state: 'open',
      lines: [{ currency: 'USD', calls: 1, seconds: 90, revenue: '0.20', cost: '0.08', margin: '0.12' }],
    });
    const asCsv = await h.call('GET', `/v1/billing/statements/gateway:gw-uk/${period}?format=csv`, {
      token: gw,
    });
    expect(asCsv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(asCsv.text.split('\r\n')[1]).toBe(
      `gateway:gw-uk,${period},open,calls,USD,1,1,1.50,0.20,0.08,0.12`,
    );
    expect((await h.call('GET', `/v1/billing/statements/registrar:a/${period}`, { token: gw })).status).toBe(
      404,
    );
    const hist = await h.call('GET', '/v1/billing/cdrs', { token: a });
    expect(hist.body.items).toEqual([expect.objectContaining({ callId: 'c-1', charge: '0.20', cost: null })]);
    // a revoked token stops at once
    const list = await h.call('GET', '/v1/billing/counterparties/gateway:gw-uk/tokens');
    expect(
      (await h.call('DELETE', `/v1/billing/counterparties/gateway:gw-uk/tokens/${list.body.items[0].id}`))
        .status,
    ).toBe(204);
    expect((await h.call('GET', '/v1/billing/cdrs', { token: gw })).status).toBe(401);
  });

  it('lists CDRs in review to the admin, who decides them; closes ended periods', async ({ h, a }) => {
    await setup(h, a);
    const now = h.clock.now();
    const orphan = {
      callId: 'lost',
      start: iso(now - 60_000),
      end: iso(now - 50_000),
      disposition: 'no-answer',
    };
    const r = await h.call('POST', '/v1/billing/cdrs', { body: { source: 'gateway:gw-uk', cdrs: [orphan] } });
    expect(r.body.results[0]).toMatchObject({ outcome: 'review', reason: 'no-route' });
    const review = await h.call('GET', '/v1/billing/review');
    expect(review.body.items).toEqual([
      expect.objectContaining({
        id: 'gateway:gw-uk|lost',
        review: expect.objectContaining({ reason: 'no-route' }),
      }),
    ]);
    expect((await h.call('GET', '/v1/billing/review', { token: a })).status).toBe(403);
    const id = encodeURIComponent('gateway:gw-uk|lost');
    const done = await h.call('POST', `/v1/billing/review/${id}/resolve`, {
      body: { action: 'dismiss', note: 'test call' },
    });
    expect(done.body).toMatchObject({ status: 'dismissed', review: { note: 'test call' } });
    expect(
      (await h.call('POST', `/v1/billing/review/${id}/resolve`, { body: { action: 'dismiss' } })).body,
    ).toMatchObject({ status: 409, code: 'review-state' });
    expect((await h.call('POST', '/v1/billing/periods/2024-12/close')).body).toEqual({
      period: '2024-12',
      status: 'closing',
    });
    expect((await h.call('POST', `/v1/billing/periods/${iso(now).slice(0, 7)}/close`)).body).toMatchObject({
      status: 409,
      code: 'period-closed',
    });
  });

  it("keeps a registrar's rental rules with If-Match", async ({ h, a }) => {
    const get = await h.call('GET', '/v1/billing/rental-rules', { token: a });
    expect(get.body).toMatchObject({
      registrarId: 'a',
      version: 0,
      isDefault: true,
      rules: { amounts: { pin: '0.00' } },
    });
    const put = await h.call('PUT', '/v1/billing/rental-rules', {
      token: a,
      headers: { 'if-match': '"0"' },
      body: { rules: { currency: 'USD', amounts: { pin: '2.00', vns: '10.00' } } },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({
      version: 1,
      isDefault: false,
      rules: { amounts: { pin: '2.00', vns: '10.00' }, graceHours: 72 },
    });
    expect(
      (
        await h.call('PUT', '/v1/billing/rental-rules', {
          token: a,
          headers: { 'if-match': '"0"' },
          body: { rules: { currency: 'USD', amounts: { pin: '1', vns: '1' } } },
        })
      ).status,
    ).toBe(409);
    expect((await h.call('GET', '/v1/billing/rentals', { token: a })).body).toEqual({
      items: [],
      next: null,
    });
  });
});
