import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS, type PaymentRecord, silentLogger } from '#core';
import { embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';
import { type CheckoutService, createCheckout } from './index.ts';
import { signPayload, verifySignature } from './signature.ts';

describe('registry: checkout and payment providers', () => {
  let s: Services & { close(): Promise<void> };
  let co: CheckoutService;
  const visitor = 'v'.repeat(64);
  async function open(number = '02-6200-6201-082') {
    const r = await s.sales.reserve(REG_A, { number });
    if (!r.approved) throw new Error(r.message);
    return co.start(visitor, {
      id: r.order.id,
      registrarId: 'reg-a',
      numberId: r.order.numberId,
      price: r.price,
      expiresAt: r.expiresAt,
    });
  }
  const event = (checkout: string, amount: { amount: number; currency: string }, id = 'evt_1') =>
    JSON.stringify({
      id,
      type: 'payment.succeeded',
      data: { checkout, reference: `bank-ref-${id}`, amount },
    });

  beforeEach(async () => {
    s = await embeddedServices({ reservationTtlMs: 15 * 60_000 });
    co = createCheckout({ store: s.store, sales: s.sales, logger: silentLogger, clock: s.clock });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 5 } });
  });
  afterEach(() => s.close());

  it("signs and verifies in the providers' shape, within a tolerance", () => {
    const key = Buffer.alloc(32, 7);
    const header = signPayload(key, '{"a":1}', 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(key, '{"a":1}', header, 1_700_000_000_000)).toEqual({ ok: true });
    expect(verifySignature(key, '{"a":2}', header, 1_700_000_000_000)).toMatchObject({ ok: false });
    expect(verifySignature(Buffer.alloc(32, 8), '{"a":1}', header, 1_700_000_000_000)).toMatchObject({
      ok: false,
    });
    expect(verifySignature(key, '{"a":1}', header, 1_700_000_301_000)).toEqual({
      ok: false,
      why: 'timestamp outside the tolerance',
    });
    // a second v1 (a secret being rotated) is accepted too
    expect(
      verifySignature(
        key,
        '{"a":1}',
        `t=1700000000,v1=${'0'.repeat(64)},${header.split(',')[1]}`,
        1_700_000_000_000,
      ),
    ).toEqual({ ok: true });
    expect(verifySignature(key, '{"a":1}', undefined, 0)).toMatchObject({ ok: false });
  });

  it('the test provider pays at once through the sales service; paying again changes nothing', async () => {
    const c = await open();
    const paid = await co.payWithTest(visitor, c.id);
    expect(paid).toMatchObject({ status: 'paid', provider: 'test', reference: `test-${c.id}` });
    expect((await s.sales.getOrder(REG_A, { orderId: c.orderId })).status).toBe('paid');
    expect((await co.payWithTest(visitor, c.id)).status).toBe('paid');
    expect(await s.store.collection<PaymentRecord>(COLLECTIONS.payments).count({ orderId: c.orderId })).toBe(
      1,
    );
    // another visitor's browser cannot touch it
    await expect(co.payWithTest('w'.repeat(64), c.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a bank transfer holds the number for days; the registrar confirms; another registrar cannot', async () => {
    const c = await open();
    const pending = await co.chooseBankTransfer(visitor, c.id);
    expect(pending.status).toBe('pending');
    expect(pending.reference).toMatch(/^CX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(pending.expiresAt).toBe(s.clock.now() + 3 * 86_400_000);
    s.clock.advance(2 * 86_400_000); // long past the 15-minute reservation
    await s.sales.sweep();
    await expect(co.confirmTransfer(REG_B, c.id)).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      co.confirmTransfer({ role: 'staff', registrarId: 'reg-a', userId: 'h', staffRole: 'support' }, c.id),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const paid = await co.confirmTransfer(
      { role: 'staff', registrarId: 'reg-a', userId: 'b', staffRole: 'sales' },
      c.id,
    );
    expect(paid).toMatchObject({ status: 'paid', reference: pending.reference });
    expect((await s.sales.getNumber(REG_A, { number: c.numberId })).status).toBe('sold');
  });

  it('releases the number when the visitor walks away (the reservation expires) or gives it back', async () => {
    const c = await open();
    s.clock.advance(15 * 60_000);
    await s.sales.sweep();
    expect((await s.sales.getNumber(REG_A, { number: c.numberId })).status).toBe('available');
    const late = await co.payWithTest(visitor, c.id);
    expect(late).toMatchObject({ status: 'failed', failure: 'order-not-payable' });
    const again = await open('02-6200-6202-082');
    await co.abandon(visitor, again.id);
    expect((await s.sales.getNumber(REG_A, { number: again.numberId })).status).toBe('available');
  });

  it('webhooks: a signed event pays once, a bad or stale signature changes nothing, a wrong amount is refused', async () => {
    const c = await open();
    const body = event(c.id, c.price);
    expect(await co.webhook('bank-transfer', body, 't=1,v1=00')).toMatchObject({ status: 401 });
    expect(await co.webhook('bank-transfer', body, await co.sign('test', body))).toMatchObject({
      status: 401,
    });
    const stale = await co.sign('bank-transfer', body, Math.floor(s.clock.now() / 1000) - 3600);
    expect(await co.webhook('bank-transfer', body, stale)).toMatchObject({ status: 401 });
    expect((await s.sales.getOrder(REG_A, { orderId: c.orderId })).status).toBe('reserved');
    const wrong = event(c.id, { amount: 1, currency: c.price.currency }, 'evt_2');
    expect(await co.webhook('bank-transfer', wrong, await co.sign('bank-transfer', wrong))).toMatchObject({
      status: 409,
    });
    const c2 = await open('02-6200-6203-082');
    const ok = event(c2.id, c2.price, 'evt_3');
    expect(await co.webhook('bank-transfer', ok, await co.sign('bank-transfer', ok))).toEqual({
      status: 200,
      handled: 'paid',
    });
    expect(await co.webhook('bank-transfer', ok, await co.sign('bank-transfer', ok))).toEqual({
      status: 200,
      handled: 'duplicate',
    });
    expect((await s.sales.getOrder(REG_A, { orderId: c2.orderId })).status).toBe('paid');
    expect(await co.webhook('nope', ok, undefined)).toMatchObject({ status: 404 });
  });
});
