// Searches for patterns that start with '*' ('*6200*', '*8888'): the (country, kind, status,
// digits) index answers a pattern from its literal prefix, but such a pattern has none, so the
// search would walk the country's numbers until a page of matches is found (hundreds of ms with a
// million numbers). Instead each number's national digits are cut into 4-digit n-grams, one
// document per gram keyed `country|kind|gram|digits`: the numbers holding a gram are an `_id`
// range in digit order (MongoDB, FerretDB and the embedded store all answer it from the primary
// key). A pattern with a run of 4 or more literal digits reads that run's first gram's range,
// page by page, and checks the whole pattern, status, price and registrar on those numbers only.
//
// Grams are written just before numbers are stocked (digits never change; numbers are never
// deleted; a gram of a number that is not there is skipped) and by `indexGrams` for numbers
// stocked before grams existed; the `!ready` document says the
// backfill finished, and until it has, searches walk the digits index as before.
import type { Filter, InventoryNumber, NumberKind } from '#core';
import { callingCodeOf } from '#numbering';
import { type CursorKey, decodeCursor, encodeCursor, type Page } from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';

export const GRAM = 4;
export const READY_ID = '!ready';
/** Gram documents read per round trip. */
const BATCH = 200;

export interface NumberGram {
  /** `country|kind|gram|digits` ('KR|pin|6200|82262006200'); or READY_ID. */
  _id: string;
  numberId?: string;
  at?: number;
}

/** The digits a pattern is written against: a PIN's national number, a VNS base. */
function nationalOf(kind: NumberKind, country: string, digits: string): string {
  if (kind !== 'pin') return digits;
  try {
    const cc = callingCodeOf(country);
    return digits.startsWith(cc) ? digits.slice(cc.length) : digits;
  } catch {
    return digits;
  }
}

export function gramsOf(digits: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + GRAM <= digits.length; i++) out.add(digits.slice(i, i + GRAM));
  return [...out];
}

export function gramDocs(n: Pick<InventoryNumber, '_id' | 'country' | 'kind' | 'digits'>): NumberGram[] {
  return gramsOf(nationalOf(n.kind, n.country, n.digits)).map((g) => ({
    _id: `${n.country}|${n.kind}|${g}|${n.digits}`,
    numberId: n._id,
  }));
}

/** Writes the grams of `numbers` (again: duplicates are ignored). */
export async function writeGrams(
  ctx: ServiceContext,
  numbers: Array<Pick<InventoryNumber, '_id' | 'country' | 'kind' | 'digits'>>,
): Promise<void> {
  const docs = numbers.flatMap(gramDocs);
  for (let i = 0; i < docs.length; i += 10_000) await ctx.numberGrams.insertMany(docs.slice(i, i + 10_000));
}

/** Writes the grams of every number in stock, then marks them ready. Returns the numbers read. */
export async function indexGrams(ctx: ServiceContext): Promise<number> {
  if (await ctx.numberGrams.get(READY_ID)) return 0;
  let last: string | undefined;
  let read = 0;
  for (;;) {
    const batch = await ctx.numbers.find(last === undefined ? {} : { _id: { $gt: last } }, {
      sort: { _id: 1 },
      limit: 2000,
    });
    await writeGrams(ctx, batch);
    read += batch.length;
    if (batch.length < 2000) break;
    last = batch.at(-1)!._id;
  }
  await ctx.numberGrams.insertMany([{ _id: READY_ID, at: ctx.clock.now() }]);
  ctx.log.info({ numbers: read }, 'registry: sales: search grams written for the numbers in stock');
  return read;
}

/**
 * The gram a pattern's search can read: the first 4 digits of its longest literal run, when the
 * pattern starts with '*' (a literal prefix is the digits index's job) and is written against
 * the national digits (not '+…'); null otherwise.
 */
export function gramOfPattern(pattern: string): string | null {
  const p = pattern.trim().replace(/[-. ()]/g, '');
  if (!p.startsWith('*')) return null;
  const runs = p.split(/[*?]+/).filter((r) => /^\d+$/.test(r));
  const longest = runs.sort((a, b) => b.length - a.length)[0] ?? '';
  return longest.length >= GRAM ? longest.slice(0, GRAM) : null;
}

const readyCache = new WeakSet<object>();

/** Whether the grams are complete (cached once true, per collection). */
export async function gramsReady(ctx: ServiceContext): Promise<boolean> {
  if (readyCache.has(ctx.numberGrams)) return true;
  const ready = (await ctx.numberGrams.get(READY_ID)) !== null;
  if (ready) readyCache.add(ctx.numberGrams);
  return ready;
}

/**
 * One page of the numbers matching `filter` (which holds the whole pattern as `digits.$regex`)
 * among those holding `gram`, in digit order: the same pages and cursors as the digits index.
 */
export async function searchByGram(
  ctx: ServiceContext,
  q: {
    country: string;
    kind: NumberKind;
    gram: string;
    filter: Filter;
    limit: number;
    cursor?: string | undefined;
    list: string;
    query: Record<string, unknown>;
    where: string;
  },
): Promise<Page<InventoryNumber>> {
  const base = `${q.country}|${q.kind}|${q.gram}|`;
  const end = `${base}~`;
  let after: CursorKey | undefined =
    q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.list, q.query, true, q.where);
  const out: InventoryNumber[] = [];
  for (;;) {
    const grams = await ctx.numberGrams.find(
      { _id: after === undefined ? { $gte: base, $lt: end } : { $gt: `${base}${after}`, $lt: end } },
      { sort: { _id: 1 }, limit: BATCH },
    );
    if (grams.length === 0) break;
    const ids = grams.map((g) => g.numberId!).filter(Boolean);
    const found = await ctx.numbers.find({ $and: [q.filter, { _id: { $in: ids } }] });
    found.sort((a, b) => (a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0));
    out.push(...found);
    after = grams.at(-1)!._id.slice(base.length);
    if (out.length > q.limit || grams.length < BATCH) break;
  }
  const items = out.slice(0, q.limit);
  const next = out.length > q.limit ? encodeCursor(items.at(-1)!.digits, q.list, q.query) : null;
  return { items, next };
}
