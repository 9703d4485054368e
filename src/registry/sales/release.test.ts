import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber } from '#core';
import { codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';

describe('release', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('takes a number from its member and from DNS, back to stock', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const m = await s.members.register(REG_A, {
      type: 'company',
      displayName: 'A',
      domain: 'acme.example',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
    await s.members.setBranches(REG_A, { memberId: m.id, base: '6200-6200', branches: [{ country: 'KR' }] });
    expect(await codeOf(s.sales.release(REG_B, { number: 'vns:62006200' }))).toBe('not-found');
    const n = await s.sales.release(REG_A, { number: '6200-6200#082' });
    expect(n).toMatchObject({ status: 'available' });
    const stored = await s.store.collection<InventoryNumber>('numbers').get('vns:62006200');
    for (const f of ['ownerMemberId', 'orderId', 'paymentId', 'releasedAt', 'reservation'] as const)
      expect(stored?.[f]).toBeUndefined();
    expect((await s.members.get(REG_A, { memberId: m.id })).numbers).toEqual([]);
    const last = (await s.journal.readAfter(0, 1000)).filter((e) => e.source === `members/${m.id}`).at(-1)!;
    expect(last.rrsets.map((x) => x.name)).toEqual([]); // no vns branch, no domain target any more
  });

  it('finishes a release that stopped after its first step', async () => {
    s = await embeddedServices();
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
    const m = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number: 'pin:+82262006200', memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
    await s.store
      .collection<InventoryNumber>('numbers')
      .findOneAndUpdate({ _id: 'pin:+82262006200' }, { $set: { status: 'released' } });
    expect((await s.sales.release(REG_A, { number: 'pin:+82262006200' })).status).toBe('available');
    expect((await s.members.get(REG_A, { memberId: m.id })).numbers).toEqual([]);
  });
});
