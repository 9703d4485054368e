import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';

describe('search', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  async function stocked() {
    s = await embeddedServices();
    await s.sales.stock(REG_A, {
      country: 'KR',
      kind: 'pin',
      numbers: ['02-6200-6200', '02-6200-1234', '031-620-0620'],
    });
    await s.sales.stock(REG_A, {
      country: 'KR',
      kind: 'vns',
      numbers: ['6200-6200', '6211-6200', '7777-7777'],
    });
    await s.sales.stock(REG_B, { country: 'KR', kind: 'vns', numbers: ['6299-6200'] });
    await s.sales.stock(REG_A, { country: 'US', kind: 'vns', numbers: ['6222-6200'] });
  }
  const ids = async (p: Parameters<Services['sales']['search']>[1], who = REG_A) =>
    (await s.sales.search(who, p)).items.map((o) => o.id);

  it('matches wildcards on the national number of PINs and on VNS bases', async () => {
    await stocked();
    expect(await ids({ country: 'KR', kind: 'pin', pattern: '26200*' })).toEqual([
      'pin:+82262001234',
      'pin:+82262006200',
    ]);
    expect(await ids({ country: 'KR', kind: 'pin', pattern: '*0620' })).toEqual(['pin:+82316200620']);
    expect(await ids({ country: 'KR', kind: 'pin', pattern: '+823*' })).toEqual(['pin:+82316200620']);
    expect(await ids({ country: 'KR', kind: 'vns', pattern: '62??6200' })).toEqual([
      'vns:62006200',
      'vns:62116200',
    ]);
    expect(await ids({ country: 'KR', kind: 'vns', pattern: '62??6200' }, ADMIN)).toEqual([
      'vns:62006200',
      'vns:62116200',
      'vns:62996200',
    ]);
    expect(await ids({ country: 'KR', kind: 'vns' }, REG_B)).toEqual(['vns:62996200']);
  });

  it('filters by price range and currency', async () => {
    await stocked();
    const all = (await s.sales.search(REG_A, { country: 'KR', kind: 'vns' })).items;
    const prices = Object.fromEntries(all.map((o) => [o.id, o.price.amount]));
    const dearest = Math.max(...Object.values(prices));
    expect(await ids({ country: 'KR', kind: 'vns', minPrice: dearest })).toEqual(['vns:77777777']);
    expect(await ids({ country: 'KR', kind: 'vns', maxPrice: prices['vns:62116200']! })).toContain(
      'vns:62116200',
    );
    expect(await ids({ country: 'KR', kind: 'vns', currency: 'EUR' })).toEqual([]);
  });

  it('shows only available numbers', async () => {
    await stocked();
    await s.sales.reserve(REG_A, { number: 'vns:62006200' });
    expect(await ids({ country: 'KR', kind: 'vns', pattern: '62??6200' })).toEqual(['vns:62116200']);
  });

  it('explains a bad pattern', async () => {
    await stocked();
    const err = await s.sales.search(REG_A, { country: 'KR', kind: 'vns', pattern: '62+*' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'invalid-input', issues: [{ path: 'pattern' }] });
    expect(await codeOf(s.sales.search(REG_A, { country: 'KR', kind: 'vns', cursor: 'garbage' }))).toBe(
      'bad-cursor',
    );
  });
});
