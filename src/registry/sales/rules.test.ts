import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';
import { DEFAULT_PRICE_RULES } from './pricing.ts';

const rules = { currency: 'EUR', defaultBase: { pin: 100, vns: 200 }, base: [], premiums: [] };

describe('price rules', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('are the defaults until a registrar stores its own', async () => {
    s = await embeddedServices();
    expect(await s.sales.getPriceRules(REG_A)).toEqual({
      registrarId: 'reg-a',
      rules: DEFAULT_PRICE_RULES,
      version: 0,
      isDefault: true,
    });
  });

  it('are written with optimistic concurrency', async () => {
    s = await embeddedServices();
    expect((await s.sales.setPriceRules(REG_A, { rules })).version).toBe(1); // no version: overwrite
    expect(await codeOf(s.sales.setPriceRules(REG_A, { rules, expectedVersion: 0 }))).toBe(
      'version-conflict',
    );
    expect(await codeOf(s.sales.setPriceRules(REG_A, { rules, expectedVersion: 5 }))).toBe(
      'version-conflict',
    );
    const v2 = await s.sales.setPriceRules(REG_A, {
      rules: { ...rules, currency: 'KRW' },
      expectedVersion: 1,
    });
    expect(v2).toMatchObject({ version: 2, rules: { currency: 'KRW' } });
    expect((await s.sales.getPriceRules(REG_A)).rules.currency).toBe('KRW');
    // Concurrent first writes without a version: both land, one after the other.
    const both = await Promise.all([
      s.sales.setPriceRules(REG_B, { rules }),
      s.sales.setPriceRules(REG_B, { rules }),
    ]);
    expect(both.map((r) => r.version).sort()).toEqual([1, 2]);
  });

  it('belong to their registrar', async () => {
    s = await embeddedServices();
    expect(await codeOf(s.sales.setPriceRules(REG_B, { registrarId: 'reg-a', rules }))).toBe('forbidden');
    expect(await codeOf(s.sales.getPriceRules(REG_B, { registrarId: 'reg-a' }))).toBe('forbidden');
    expect(await codeOf(s.sales.setPriceRules(ADMIN, { rules }))).toBe('invalid-input');
    expect((await s.sales.setPriceRules(ADMIN, { registrarId: 'reg-a', rules })).registrarId).toBe('reg-a');
  });
});
