import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedServices, REG_A, REG_B, type Services, ADMIN as TEST_ADMIN } from '#test/helpers/sales';
import { type CrmService, createCrm } from './index.ts';

describe('registry: the CRM per country', () => {
  let s: Services & { close(): Promise<void> };
  let crm: CrmService;
  beforeEach(async () => {
    s = await embeddedServices();
    crm = createCrm({ store: s.store });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6200', count: 3 } });
    await s.sales.stock(REG_A, { country: 'JP', kind: 'pin', range: { first: '03-1234-5670', count: 3 } });
    await s.sales.stock(REG_B, { country: 'KR', kind: 'pin', range: { first: '02-7300-7300', count: 3 } });
  });
  afterEach(() => s.close());

  async function sell(p: typeof REG_A, number: string, email: string, country: string) {
    const m = await s.members.register(p, { type: 'individual', displayName: email, email, country });
    const r = await s.sales.reserve(p, { number, memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    await s.sales.pay(p, { orderId: r.order.id, reference: `ref-${number}`, amount: r.price });
    return r.price.amount;
  }

  it('counts members, sales, revenue, active numbers and churn per registrar and country, within the period', async () => {
    const from = s.clock.now();
    const kr = await sell(REG_A, '02-6200-6201-082', 'a1@example.com', 'KR');
    const jp =
      (await sell(REG_A, '03-1234-5671-081', 'a2@example.com', 'JP')) +
      (await sell(REG_A, '03-1234-5672-081', 'a3@example.com', 'JP'));
    await sell(REG_B, '02-7300-7301-082', 'b1@example.com', 'KR');
    s.clock.advance(1000);
    await s.sales.release(REG_A, { number: '03-1234-5672-081' });
    const to = s.clock.now() + 1;
    const a = await crm.report(REG_A, { from, to });
    expect(
      a.rows.map((r) => [
        r.registrarId,
        r.country,
        r.members,
        r.newMembers,
        r.numbersSold,
        r.revenue,
        r.activeNumbers,
        r.churned,
      ]),
    ).toEqual([
      ['reg-a', 'JP', 2, 2, 2, { USD: jp }, 1, 1],
      ['reg-a', 'KR', 1, 1, 1, { USD: kr }, 1, 0],
    ]);
    expect(a.calls).toBe(false);
    // a registrar asking for another's report is refused; the operator sees both side by side
    await expect(crm.report(REG_A, { registrarId: 'reg-b', from, to })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const all = await crm.report(TEST_ADMIN, { from, to });
    expect(all.rows.map((r) => `${r.registrarId}/${r.country}`)).toEqual([
      'reg-a/JP',
      'reg-a/KR',
      'reg-b/KR',
    ]);
    // a later period holds none of these sales
    const later = await crm.report(REG_A, { from: to, to: to + 86_400_000 });
    expect(later.rows.every((r) => r.numbersSold === 0 && r.newMembers === 0)).toBe(true);
    expect(later.salesByDay).toEqual([]);
  });

  it('shows calls and minutes when call records are there', async () => {
    const withCalls = createCrm({
      store: s.store,
      calls: {
        byCountry: async () => [
          {
            registrarId: 'reg-a',
            country: 'KR',
            calls: 12,
            minutes: 30,
            destinations: [{ destination: '+81', calls: 7 }],
          },
        ],
      },
    });
    const r = await withCalls.report(REG_A, { from: 0, to: s.clock.now() + 1 });
    expect(r.calls).toBe(true);
    expect(r.rows.find((x) => x.country === 'KR')).toMatchObject({
      calls: 12,
      minutes: 30,
      topDestinations: [{ destination: '+81', calls: 7 }],
    });
  });
});
