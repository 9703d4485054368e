import { afterEach, describe, expect, it } from 'vitest';
import type { Claim } from '#core';
import { ACME, codeOf, embeddedServices, KIM, REG_A, type Services } from '#test/helpers/sales';

describe('update', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('reads national numbers in the member’s country, or in the new one', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, KIM);
    expect((await s.members.update(REG_A, { memberId: m.id, contactPstn: '02-6200-6200' })).contactPstn).toBe(
      '+82262006200',
    );
    const moved = await s.members.update(REG_A, {
      memberId: m.id,
      country: 'US',
      contactPstn: '(212) 555-0100',
    });
    expect(moved).toMatchObject({ country: 'US', contactPstn: '+12125550100' });
  });

  it('writes nothing for an empty change, and retries over concurrent writers without a version', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, KIM);
    expect((await s.members.update(REG_A, { memberId: m.id })).version).toBe(1);
    const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
    const results = await Promise.all(
      names.map((displayName) => s.members.update(REG_A, { memberId: m.id, displayName })),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const final = await s.members.get(REG_A, { memberId: m.id });
    expect(final.version).toBe(9);
    expect(names).toContain(final.displayName);
  });

  it('moves a company domain and its claim', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, ACME);
    await s.members.update(REG_A, { memberId: m.id, domain: 'acme2.example', expectedVersion: 1 });
    const claims = await s.store.collection<Claim>('claims').find({});
    expect(claims.map((c) => c._id)).toEqual(['domain:acme2.example']);
    expect(await codeOf(s.members.update(REG_A, { memberId: m.id, domain: null }))).toBe('invalid-input');
  });

  it('replaces the branches of a VNS base the company holds', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, ACME);
    expect(
      await codeOf(s.members.setBranches(REG_A, { memberId: m.id, base: '6200-6200', branches: [] })),
    ).toBe('not-found');
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const r = await s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
    const v = (await s.members.get(REG_A, { memberId: m.id })).version;
    const set = await s.members.setBranches(REG_A, {
      memberId: m.id,
      base: 'vns:62006200',
      branches: [{ country: 'JP' }],
      expectedVersion: v,
    });
    expect(set.numbers).toEqual([{ kind: 'vns', base: '62006200', branches: [{ country: 'JP' }] }]);
    expect(
      await codeOf(
        s.members.setBranches(REG_A, { memberId: m.id, base: '6200-6200', branches: [], expectedVersion: v }),
      ),
    ).toBe('version-conflict');
  });
});
