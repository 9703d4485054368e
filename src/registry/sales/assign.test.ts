import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('assign', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('gives a paid order’s number to a member, and only a paid one', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const r = await s.sales.reserve(REG_A, { number: 'vns:62006200' });
    if (!r.approved) throw new Error(r.message);
    const person = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    const firm = await s.members.register(REG_A, {
      type: 'company',
      displayName: 'A',
      domain: 'acme.example',
      country: 'KR',
    });
    expect(await codeOf(s.sales.assign(REG_A, { orderId: r.order.id, memberId: firm.id }))).toBe(
      'order-state',
    );
    await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
    expect(await codeOf(s.sales.assign(REG_A, { orderId: r.order.id, memberId: person.id }))).toBe(
      'member-type',
    );
    // The refused buyer was not pinned: the company can still take it.
    const done = await s.sales.assign(REG_A, { orderId: r.order.id, memberId: firm.id });
    expect(done.number).toMatchObject({ status: 'assigned', ownerMemberId: firm.id });
    expect((await s.members.get(REG_A, { memberId: firm.id })).numbers).toEqual([
      { kind: 'vns', base: '62006200', branches: [] },
    ]);
    // Again: nothing changes.
    expect((await s.sales.assign(REG_A, { orderId: r.order.id, memberId: firm.id })).number.version).toBe(
      done.number.version,
    );
  });
});
