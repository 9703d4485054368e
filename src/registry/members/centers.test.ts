// issue 11, item 3: a member's calls never go to a center that does not exist.
import { afterEach, describe, expect, it } from 'vitest';
import type { Member } from '#core';
import { ADMIN, codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';
import { createRoutingService } from '../routing/index.ts';

describe('members: call centers', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  const addCountry = (code: string) =>
    createRoutingService({ store: s.store, publisher: s.publisher, clock: s.clock }).countries.create(ADMIN, {
      code,
      name: code,
      center: { targets: [{ host: `sip1.${code.toLowerCase()}.center.callx.test` }] },
    });

  it('refuses a member in a country without a center, naming the country, until the operator adds it', async () => {
    s = await embeddedServices();
    const fr = { type: 'individual', displayName: 'F', email: 'f@example.fr', country: 'FR' } as const;
    const err = await s.members.register(REG_A, fr).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'no-center', details: { country: 'FR' } });
    expect((err as Error).message).toContain('country FR has no call center');
    await addCountry('FR');
    expect(await s.members.register(REG_A, fr)).toMatchObject({ country: 'FR' });
  });

  it('refuses a chosen center that does not exist, and a move to a country without one', async () => {
    s = await embeddedServices();
    const kim = { type: 'individual', displayName: 'K', email: 'k@example.com', country: 'KR' } as const;
    expect(await codeOf(s.members.register(REG_A, { ...kim, centerCountry: 'FR' }))).toBe('no-center');
    const m = await s.members.register(REG_A, { ...kim, centerCountry: 'US' });
    expect(m.centerCountry).toBe('US');
    expect(await codeOf(s.members.update(REG_A, { memberId: m.id, centerCountry: 'FR' }))).toBe('no-center');
    expect(
      await codeOf(s.members.update(REG_A, { memberId: m.id, country: 'FR', centerCountry: null })),
    ).toBe('no-center');
    expect(
      (await s.members.update(REG_A, { memberId: m.id, centerCountry: null })).centerCountry,
    ).toBeUndefined();
  });

  it('refuses a VNS branch in a country without a center', async () => {
    s = await embeddedServices();
    await s.sales.stock(ADMIN, { registrarId: 'reg-a', country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const m = await s.members.register(REG_A, {
      type: 'company',
      displayName: 'A',
      domain: 'acme.example',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p1', amount: r.price });
    expect(
      await codeOf(
        s.members.setBranches(REG_A, { memberId: m.id, base: '62006200', branches: [{ country: 'FR' }] }),
      ),
    ).toBe('no-center');
    await addCountry('FR');
    const done = await s.members.setBranches(REG_A, {
      memberId: m.id,
      base: '62006200',
      branches: [{ country: 'FR' }, { country: 'KR' }],
    });
    expect(done.numbers[0]).toMatchObject({ branches: [{ country: 'FR' }, { country: 'KR' }] });
  });

  it('does not assign a PIN of a country without a center: the number stays sold until there is one', async () => {
    s = await embeddedServices({ centers: [] }); // the registry's countries only
    await addCountry('FR');
    await s.sales.stock(ADMIN, {
      registrarId: 'reg-a',
      country: 'KR',
      kind: 'pin',
      numbers: ['+82262006200'],
    });
    const f = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'F',
      email: 'f@example.fr',
      country: 'FR',
    });
    const r = await s.sales.reserve(REG_A, { number: '+82262006200', memberId: f.id });
    if (!r.approved) throw new Error(r.message);
    const paid = await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'p1', amount: r.price });
    expect(paid).toMatchObject({ assigned: false, number: { status: 'sold' } });
    expect((await s.store.collection<Member>('members').get(f.id))?.numbers).toEqual([]);
    expect(await codeOf(s.sales.assign(REG_A, { orderId: r.order.id, memberId: f.id }))).toBe('no-center');
    await addCountry('KR');
    expect(await s.sales.assign(REG_A, { orderId: r.order.id, memberId: f.id })).toMatchObject({
      number: { status: 'assigned' },
    });
  });
});
