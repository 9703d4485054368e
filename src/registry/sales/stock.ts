// Stocking numbers and re-pricing them. A price is computed from the registrar's rules when a
// number is stocked and stored on it (searches by price are index ranges); reprice() applies
// changed rules to the numbers still available, never to reserved or sold ones.

import type { InventoryNumber, NumberKind } from '#core';
import { parseIdentifier } from '#numbering';
import { actingRegistrar, issue, type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { expandBlock } from './blocks.ts';
import type { ServiceContext } from './context.ts';
import { writeGrams } from './grams.ts';
import { priceOf } from './pricing.ts';
import { loadPriceRules } from './rules.ts';
import { RepriceInput, StockInput } from './schemas.ts';

export interface StockResult {
  registrarId: string;
  /** How many numbers were added to the inventory. */
  stocked: number;
  /** Keys that were in the inventory already (this registrar's or another's): left unchanged. */
  existing: string[];
}

/** Issues listed in an invalid-input error at most. */
const MAX_LISTED = 20;

export async function stock(
  ctx: ServiceContext,
  principal: Principal,
  input: StockInput,
): Promise<StockResult> {
  const v = parseInput(StockInput, input, 'registry: sales: stock');
  const registrarId = actingRegistrar(principal, v.registrarId, 'registry: sales: stock');
  const where = `registry: sales: stock ${v.country} ${v.kind}`;
  const { entries, invalid } = expandBlock(v);
  if (invalid.length > 0) {
    // A block is stocked whole or not at all: no surprise about which numbers made it.
    throw new RegistryError(
      'invalid-input',
      `${where}: ${invalid.length} invalid number(s), first: ${invalid[0]!.reason}`,
      {
        issues: invalid.slice(0, MAX_LISTED).map((i) => issue(v.range ? 'range' : 'numbers', i.reason)),
        details: { invalidCount: invalid.length },
      },
    );
  }
  const { rules } = await loadPriceRules(ctx, registrarId);
  const now = ctx.clock.now();
  const docs: InventoryNumber[] = entries.map((e) => ({
    _id: e.id,
    kind: e.kind,
    country: e.country,
    digits: e.digits,
    registrarId,
    status: 'available',
    price: priceOf(rules, e.country, e.kind, e.memorable).price,
    version: 1,
    createdAt: now,
    updatedAt: now,
  }));
  // the search grams first: a crash between the writes leaves grams of numbers not stocked (the
  // search skips them), never stocked numbers without grams (a search by '*…' would miss them)
  await writeGrams(ctx, docs);
  const r = await ctx.numbers.insertMany(docs);
  ctx.log.info({ registrarId, country: v.country, kind: v.kind, stocked: r.inserted }, `${where}: stocked`);
  return { registrarId, stocked: r.inserted, existing: r.duplicates.map(String) };
}

/** The digits premiums look at: a PIN's national significant number, a VNS base. */
export function memorableOf(kind: NumberKind, digits: string): string {
  if (kind === 'vns') return digits;
  const id = parseIdentifier(`+${digits}`);
  return id.kind === 'e164' || id.kind === 'pin' ? id.nationalNumber : digits;
}

export interface RepriceResult {
  registrarId: string;
  examined: number;
  changed: number;
}

const BATCH = 500;

/** Re-prices the registrar's available numbers (optionally one country and kind) with its current rules. */
export async function reprice(
  ctx: ServiceContext,
  principal: Principal,
  input: RepriceInput,
): Promise<RepriceResult> {
  const v = parseInput(RepriceInput, input, 'registry: sales: reprice');
  const registrarId = actingRegistrar(principal, v.registrarId, 'registry: sales: reprice');
  const { rules } = await loadPriceRules(ctx, registrarId);
  const base = {
    registrarId,
    status: 'available',
    ...(v.country ? { country: v.country } : {}),
    ...(v.kind ? { kind: v.kind } : {}),
  };
  let last = '';
  let examined = 0;
  let changed = 0;
  for (;;) {
    const batch = await ctx.numbers.find({ ...base, _id: { $gt: last } }, { sort: { _id: 1 }, limit: BATCH });
    for (const n of batch) {
      examined++;
      const { price } = priceOf(rules, n.country, n.kind, memorableOf(n.kind, n.digits));
      if (price.amount === n.price.amount && price.currency === n.price.currency) continue;
      // Only while still available at the version read: a reservation keeps the price it was offered at.
      const done = await ctx.numbers.findOneAndUpdate(
        { _id: n._id, status: 'available', version: n.version },
        { $set: { price, updatedAt: ctx.clock.now() }, $inc: { version: 1 } },
      );
      if (done) changed++;
    }
    if (batch.length < BATCH) break;
    last = batch.at(-1)!._id;
  }
  ctx.log.info({ registrarId, examined, changed }, 'registry: sales: reprice: done');
  return { registrarId, examined, changed };
}
