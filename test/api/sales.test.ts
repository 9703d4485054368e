// Number sales over HTTP: stock, search with cursor pages, reserve (approved or refused with the
// reason), pay (idempotent by reference and by Idempotency-Key), cancel, release; price rules
// with If-Match; what each failure looks like; registrars kept apart.
import { describe, expect } from 'vitest';
import { it } from './helpers/fixtures.ts';
import type { Harness } from './helpers/harness.ts';

const SEOUL = 'pin:+82262006200';
const SEOUL_OWNER = '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test';

/** Five PINs from 02-6200-6198 in the token's inventory. */
async function stock(h: Harness, token: string) {
  const r = await h.call('POST', '/v1/inventory', {
    token,
    body: { country: 'KR', kind: 'pin', range: { first: '02-6200-6198', count: 5 } },
  });
  expect(r.status).toBe(201);
  return r.body;
}

async function member(h: Harness, token: string) {
  const r = await h.call('POST', '/v1/members', {
    token,
    body: { type: 'individual', displayName: 'Kim', email: 'kim@example.com', country: 'KR' },
  });
  expect(r.status).toBe(201);
  return r.body;
}

/** SEOUL stocked, reserved for a new member and paid with `reference`: waiting for its proof of ownership. */
async function paidPin(h: Harness, a: string, reference: string) {
  await stock(h, a);
  const m = await member(h, a);
  const r = await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL, memberId: m.id } });
  await h.call('POST', `/v1/orders/${r.body.order.id}/payments`, {
    token: a,
    body: { reference, amount: r.body.price },
  });
  return { m, orderId: r.body.order.id as string };
}

describe('api: number sales', () => {
  it('stocks a block, searches it in digit order with cursor pages, and reads one number', async ({
    h,
    a,
  }) => {
    expect(await stock(h, a)).toEqual({ registrarId: 'a', stocked: 5, existing: [] });
    expect((await stock(h, a)).existing).toHaveLength(5);
    const p1 = await h.call('GET', '/v1/numbers/available?country=kr&kind=pin&limit=2', { token: a });
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((o: { display: string }) => o.display)).toEqual([
      '02-6200-6198-082',
      '02-6200-6199-082',
    ]);
    expect(p1.headers.get('link')).toContain('rel="next"');
    const p2 = await h.call(
      'GET',
      `/v1/numbers/available?country=KR&kind=pin&limit=2&cursor=${p1.body.next}`,
      { token: a },
    );
    expect(p2.body.items.map((o: { id: string }) => o.id)).toEqual([SEOUL, 'pin:+82262006201']);
    const pattern = await h.call('GET', '/v1/numbers/available?country=KR&kind=pin&pattern=2620062*', {
      token: a,
    });
    expect(pattern.body.items.map((o: { id: string }) => o.id)).toEqual([
      SEOUL,
      'pin:+82262006201',
      'pin:+82262006202',
    ]);
    const priced = await h.call('GET', '/v1/numbers/available?country=KR&kind=pin&maxPrice=0', { token: a });
    expect(priced.body.items).toEqual([]);
    const one = await h.call('GET', `/v1/inventory/${encodeURIComponent(SEOUL)}`, { token: a });
    expect(one.body).toMatchObject({
      id: SEOUL,
      status: 'available',
      registrarId: 'a',
      display: '02-6200-6200-082',
    });
    const inv = await h.call('GET', '/v1/inventory?status=available&limit=3', { token: a });
    expect(inv.body.items).toHaveLength(3);
    expect(inv.body.next).toEqual(expect.any(String));
    expect(inv.headers.get('link')).toContain(`cursor=${inv.body.next}`);
  });

  it('refuses bad input with every offending field and a stale cursor with 400', async ({ h, a }) => {
    const bad = await h.call('POST', '/v1/inventory', {
      token: a,
      body: { country: 'XX', kind: 'pin', range: { first: '1', count: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/country', '/range/count']);
    const search = await h.call('GET', '/v1/numbers/available?country=KR&kind=pin&pattern=62a0', {
      token: a,
    });
    expect(search.status).toBe(400);
    expect(search.body).toMatchObject({
      code: 'invalid-input',
      errors: [{ location: 'query', pointer: 'pattern' }],
    });
    const cursor = await h.call('GET', '/v1/numbers/available?country=KR&kind=vns&cursor=abc', { token: a });
    expect(cursor.status).toBe(400);
    expect(cursor.body.code).toBe('bad-cursor');
  });

  it('reserves, pays and assigns: the number reaches DNS; the order is paid once', async ({ h, a }) => {
    await stock(h, a);
    const m = await member(h, a);
    const r = await h.call('POST', '/v1/orders', {
      token: a,
      body: { number: '02-6200-6200-082', memberId: m.id },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      order: { status: 'reserved', numberId: SEOUL },
      price: { currency: expect.any(String) },
    });
    expect(Date.parse(r.body.expiresAt)).toBeGreaterThan(h.clock.now());
    expect(r.headers.get('location')).toBe(`/v1/orders/${r.body.order.id}`);
    const orderId = r.body.order.id;

    const taken = await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL } });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ type: 'https://callx.test/problems/number-taken', reason: 'held' });

    const paid = await h.call('POST', `/v1/orders/${orderId}/payments`, {
      token: a,
      body: { reference: 'psp-1', amount: r.body.price },
    });
    expect(paid.status).toBe(201);
    // a PIN is published once proof that the buyer holds the line is approved
    expect(paid.body).toMatchObject({
      duplicate: false,
      assigned: false,
      order: { status: 'pending-verification' },
      number: { status: 'sold' },
    });
    expect((await h.published()).get(`members/${m.id}`)!.map((x) => x.name)).not.toContain(SEOUL_OWNER);
    const loa = await h.call('POST', `/v1/orders/${orderId}/verification`, {
      token: a,
      body: { method: 'loa', reference: 'LOA-7' },
    });
    expect(loa.status).toBe(200);
    expect(loa.body.order.verification).toMatchObject({ method: 'loa', reference: 'LOA-7' });
    const approved = await h.call('POST', `/v1/orders/${orderId}/approve`, { token: a, body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      assigned: true,
      order: { status: 'paid', verification: { approvedBy: 'registrar:a' } },
      number: { status: 'assigned', ownerMemberId: m.id },
    });
    const again = await h.call('POST', `/v1/orders/${orderId}/payments`, {
      token: a,
      body: { reference: 'psp-1', amount: r.body.price },
    });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const other = await h.call('POST', `/v1/orders/${orderId}/payments`, {
      token: a,
      body: { reference: 'psp-2', amount: r.body.price },
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      type: 'https://callx.test/problems/order-already-paid',
      code: 'already-paid',
    });
    const wrong = await h.call('POST', `/v1/orders/${orderId}/payments`, {
      token: a,
      body: {
        reference: 'psp-3',
        amount: { amount: r.body.price.amount + 1, currency: r.body.price.currency },
      },
    });
    expect([409, 422]).toContain(wrong.status);

    const pub = await h.published();
    expect(pub.get(`members/${m.id}`)!.map((x) => x.name)).toContain(SEOUL_OWNER);
    const order = await h.call('GET', `/v1/orders/${orderId}`, { token: a });
    expect(order.body).toMatchObject({ status: 'paid', paymentReference: 'psp-1', memberId: m.id });
    expect(order.headers.get('etag')).toBe(`"${order.body.version}"`);
    expect((await h.call('POST', `/v1/orders/${orderId}/cancel`, { token: a })).status).toBe(409);

    const released = await h.call('POST', `/v1/numbers/${encodeURIComponent(SEOUL)}/release`, { token: a });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'available' });
    expect((await h.published()).get(`members/${m.id}`)!.map((x) => x.name)).not.toContain(SEOUL_OWNER);
    const list = await h.call('GET', '/v1/orders?status=paid', { token: a });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
  });

  it("a PIN's proof of ownership over HTTP: 409 until the evidence is there, 422 for a wrong code, then approved", async ({
    h,
    a,
  }) => {
    const { m, orderId } = await paidPin(h, a, 'p');
    const early = await h.call('POST', `/v1/orders/${orderId}/approve`, { token: a, body: {} });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'verification-required' });
    const assign = await h.call('POST', `/v1/orders/${orderId}/assign`, {
      token: a,
      body: { memberId: m.id },
    });
    expect(assign.body.code).toBe('verification-required');
    const issued = await h.call('POST', `/v1/orders/${orderId}/verification`, {
      token: a,
      body: { method: 'code' },
    });
    expect(issued.body.code).toMatch(/^\d{8}$/);
    expect(issued.body.order.verification).toEqual({
      method: 'code',
      codeExpiresAt: expect.any(String),
      attempts: 0,
      recordedAt: expect.any(String),
      recordedBy: 'registrar:a',
    });
    const wrong = issued.body.code === '12345678' ? '87654321' : '12345678';
    const bad = await h.call('POST', '/v1/verifications/confirm', {
      body: { line: '+82262006200', code: wrong },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'verification-failed', attemptsLeft: 4 });
    const byRegistrar = await h.call('POST', '/v1/verifications/confirm', {
      token: a,
      body: { line: '+82262006200', code: issued.body.code },
    });
    expect(byRegistrar.status).toBe(403);
    const good = await h.call('POST', '/v1/verifications/confirm', {
      body: { line: '02-6200-6200-082', code: issued.body.code },
    });
    expect(good.status).toBe(200);
    expect(good.body.order.verification.confirmedAt).toEqual(expect.any(String));
    const approved = await h.call('POST', `/v1/orders/${orderId}/approve`, { body: {} });
    expect(approved.body).toMatchObject({
      assigned: true,
      order: { status: 'paid', verification: { approvedBy: 'admin' } },
    });
    expect((await h.published()).get(`members/${m.id}`)!.map((x) => x.name)).toContain(SEOUL_OWNER);
    const list = await h.call('GET', '/v1/orders?status=pending-verification', { token: a });
    expect(list.body.items).toEqual([]);
  });

  it("a PIN's proof of ownership rejected over HTTP: cancelled, the payment due for refund, the number back in stock", async ({
    h,
    a,
  }) => {
    const { m, orderId } = await paidPin(h, a, 'p-rej');
    const noReason = await h.call('POST', `/v1/orders/${orderId}/reject`, { token: a, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0]).toMatchObject({ pointer: '/reason' });
    const rejected = await h.call('POST', `/v1/orders/${orderId}/reject`, {
      token: a,
      body: { reason: 'the letter names another subscriber' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      order: {
        status: 'cancelled',
        rejection: {
          by: 'registrar:a',
          reason: 'the letter names another subscriber',
          completedAt: expect.any(String),
        },
      },
      number: { status: 'available' },
      refundDue: 'a:p-rej',
    });
    const again = await h.call('POST', `/v1/orders/${orderId}/reject`, { token: a, body: { reason: 'x' } });
    expect(again.body.order).toEqual(rejected.body.order);
    const late = await h.call('POST', `/v1/orders/${orderId}/approve`, { token: a, body: {} });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'order-state' });
    expect((await h.published()).get(`members/${m.id}`)?.map((x) => x.name) ?? []).not.toContain(SEOUL_OWNER);
  });

  it('refuses reservations with the reason: invalid (400), not offered (404)', async ({ h, a }) => {
    await stock(h, a);
    const invalid = await h.call('POST', '/v1/orders', { token: a, body: { number: '12' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ reason: 'invalid', errors: [{ pointer: '/number' }] });
    const none = await h.call('POST', '/v1/orders', { token: a, body: { number: '+82 2 7000 0000' } });
    expect(none.status).toBe(404);
    expect(none.body.reason).toBe('not-offered');
  });

  it('cancels a reserved order and the number is available again', async ({ h, a }) => {
    await stock(h, a);
    const r = await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL } });
    const cancelled = await h.call('POST', `/v1/orders/${r.body.order.id}/cancel`, { token: a });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL } })).status).toBe(201);
  });

  it('replays POST /v1/orders and payments for the same Idempotency-Key, 422 for another body', async ({
    h,
    a,
  }) => {
    await stock(h, a);
    const key = { 'idempotency-key': 'key-1' };
    const first = await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL }, headers: key });
    const replay = await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL }, headers: key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    const reused = await h.call('POST', '/v1/orders', {
      token: a,
      body: { number: 'pin:+82262006201' },
      headers: key,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('https://callx.test/problems/idempotency-key-reused');
    // a refusal is replayed too
    const refusedKey = { 'idempotency-key': 'key-2' };
    const refused = await h.call('POST', '/v1/orders', {
      token: a,
      body: { number: SEOUL },
      headers: refusedKey,
    });
    expect(refused.status).toBe(409);
    expect(
      (await h.call('POST', '/v1/orders', { token: a, body: { number: SEOUL }, headers: refusedKey })).body,
    ).toEqual(refused.body);
    // another registrar's key space is its own
    const b = await h.registrar('b');
    expect(
      (await h.call('POST', '/v1/orders', { token: b, body: { number: SEOUL }, headers: key })).status,
    ).toBe(404);

    const pay = { reference: 'psp-9', amount: first.body.price };
    const payKey = { 'idempotency-key': 'pay-1' };
    const p1 = await h.call('POST', `/v1/orders/${first.body.order.id}/payments`, {
      token: a,
      body: pay,
      headers: payKey,
    });
    const p2 = await h.call('POST', `/v1/orders/${first.body.order.id}/payments`, {
      token: a,
      body: pay,
      headers: payKey,
    });
    expect(p1.status).toBe(201);
    expect(p2.status).toBe(201);
    expect(p2.body).toEqual(p1.body);
    const badKey = await h.call('POST', '/v1/orders', {
      token: a,
      body: { number: SEOUL },
      headers: { 'idempotency-key': 'bad key' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0]).toMatchObject({ location: 'header', pointer: 'idempotency-key' });
  });

  it('stores price rules with If-Match and re-prices available numbers', async ({ h, a }) => {
    await stock(h, a);
    const r0 = await h.call('GET', '/v1/price-rules', { token: a });
    expect(r0.body).toMatchObject({ registrarId: 'a', isDefault: true, version: 0 });
    const rules = {
      currency: 'USD',
      defaultBase: { pin: 1000, vns: 5000 },
      base: [{ country: 'KR', kind: 'pin', amount: 1234 }],
      premiums: [],
    };
    const put = await h.call('PUT', '/v1/price-rules', {
      token: a,
      body: { rules },
      headers: { 'if-match': '"0"' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    const stale = await h.call('PUT', '/v1/price-rules', {
      token: a,
      body: { rules },
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toBe('https://callx.test/problems/version-mismatch');
    const rp = await h.call('POST', '/v1/inventory/reprice', {
      token: a,
      body: { country: 'KR', kind: 'pin' },
    });
    expect(rp.body).toMatchObject({ registrarId: 'a', examined: 5, changed: 5 });
    const offer = await h.call('GET', '/v1/numbers/available?country=KR&kind=pin&limit=1', { token: a });
    expect(offer.body.items[0].price).toEqual({ amount: 1234, currency: 'USD' });
  });
});
