// Price rules per registrar, stored as priceRules/<registrarId> (defaults until one is stored),
// written with optimistic concurrency like every other versioned document.
import type { PriceRules } from '#core';
import { DuplicateKeyError } from '#core';
import { actingRegistrar, type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { DEFAULT_PRICE_RULES, type PriceRuleValues } from './pricing.ts';
import { RegistrarRef, SetPriceRulesInput } from './schemas.ts';

export interface PriceRulesView {
  registrarId: string;
  rules: PriceRuleValues;
  /** 0 while the defaults apply (nothing stored). */
  version: number;
  isDefault: boolean;
}

const valuesOf = (d: PriceRules): PriceRuleValues => ({
  currency: d.currency,
  defaultBase: d.defaultBase,
  base: d.base,
  premiums: d.premiums,
});

/** The rules that price `registrarId`'s numbers: stored ones, or the defaults. */
export async function loadPriceRules(ctx: ServiceContext, registrarId: string): Promise<PriceRulesView> {
  const d = await ctx.priceRules.get(registrarId);
  return d
    ? { registrarId, rules: valuesOf(d), version: d.version, isDefault: false }
    : { registrarId, rules: DEFAULT_PRICE_RULES, version: 0, isDefault: true };
}

export async function getPriceRules(
  ctx: ServiceContext,
  principal: Principal,
  input: RegistrarRef,
): Promise<PriceRulesView> {
  const where = 'registry: sales: price rules';
  const v = parseInput(RegistrarRef, input, where);
  return loadPriceRules(ctx, actingRegistrar(principal, v.registrarId, where));
}

/**
 * Stores a registrar's rules. With `expectedVersion` (0: none stored yet) the write happens only
 * if the stored version is that one ('version-conflict' otherwise). Numbers keep their prices
 * until reprice() runs: a price is fixed when a number is stocked.
 */
export async function setPriceRules(
  ctx: ServiceContext,
  principal: Principal,
  input: SetPriceRulesInput,
): Promise<PriceRulesView> {
  const v = parseInput(SetPriceRulesInput, input, 'registry: sales: price rules');
  const registrarId = actingRegistrar(principal, v.registrarId, 'registry: sales: price rules');
  const where = `registry: sales: price rules of ${registrarId}`;
  const now = ctx.clock.now();
  const values = v.rules as PriceRuleValues;
  const conflict = async () => {
    const cur = await ctx.priceRules.get(registrarId);
    return new RegistryError(
      'version-conflict',
      `${where}: stored version is ${cur?.version ?? 0}, not ${v.expectedVersion}`,
      {
        details: { version: cur?.version ?? 0 },
      },
    );
  };
  if (v.expectedVersion === 0) {
    try {
      await ctx.priceRules.insert({
        _id: registrarId,
        ...values,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw await conflict();
      throw err;
    }
    return loadPriceRules(ctx, registrarId);
  }
  const filter =
    v.expectedVersion === undefined ? { _id: registrarId } : { _id: registrarId, version: v.expectedVersion };
  const update = {
    $set: { ...values, updatedAt: now },
    $inc: { version: 1 },
    $setOnInsert: { createdAt: now },
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const d = await ctx.priceRules.findOneAndUpdate(filter, update, {
        upsert: v.expectedVersion === undefined,
      });
      if (!d) throw await conflict();
      return { registrarId, rules: valuesOf(d), version: d.version, isDefault: false };
    } catch (err) {
      // Two first writes raced: the loser updates the winner's document on its next try.
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }
  throw await conflict();
}
