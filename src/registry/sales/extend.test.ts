import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';

describe('registry: sales: extend a reservation', () => {
  let s: Services & { close(): Promise<void> };
  beforeEach(async () => {
    s = await embeddedServices({ reservationTtlMs: 60_000 });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 2 } });
  });
  afterEach(() => s.close());

  it('holds the number longer while the reservation holds, never revives an expired one', async () => {
    const r = await s.sales.reserve(REG_A, { number: '02-6200-6200-082' });
    if (!r.approved) throw new Error(r.message);
    const held = await s.sales.extend(REG_A, { orderId: r.order.id, holdMs: 3_600_000 });
    expect(held.expiresAt).toBe(s.clock.now() + 3_600_000);
    expect((await s.sales.getNumber(REG_A, { number: r.order.numberId })).reservation?.expiresAt).toBe(
      held.expiresAt,
    );
    s.clock.advance(30 * 60_000);
    await s.sales.sweep();
    expect((await s.sales.getNumber(REG_A, { number: r.order.numberId })).status).toBe('reserved');
    // another registrar cannot; an expired reservation is not revived
    expect(await codeOf(s.sales.extend(REG_B, { orderId: r.order.id, holdMs: 60_000 }))).toBe('not-found');
    s.clock.advance(31 * 60_000);
    expect(await codeOf(s.sales.extend(REG_A, { orderId: r.order.id, holdMs: 60_000 }))).toBe(
      'order-not-payable',
    );
    // a takeover after expiry works as before
    expect((await s.sales.reserve(REG_A, { number: '02-6200-6200-082' })).approved).toBe(true);
  });
});
