// Searching the available inventory: country and kind, a digit pattern with wildcards, a price
// range; pages in digit order with an opaque cursor (`digits > last`), stable while numbers are
// stocked, reserved or sold between pages.
import type { Filter } from '#core';
import type { ServiceContext } from './context.ts';
import { DEFAULT_PAGE, decodeCursor, encodeCursor } from './cursor.ts';
import { DomainError, issue, parseInput } from './errors.ts';
import { PatternError, patternRegex } from './pattern.ts';
import { listingScope, type Principal } from './principal.ts';
import { SearchInput } from './schemas.ts';
import { type NumberOffer, offerView, type Page } from './views.ts';

export async function search(
  ctx: ServiceContext,
  principal: Principal,
  input: SearchInput,
): Promise<Page<NumberOffer>> {
  const where = 'registry: sales: search';
  const v = parseInput(SearchInput, input, where);
  const registrarId = listingScope(principal, v.registrarId, where);
  let regex: string | undefined;
  if (v.pattern !== undefined) {
    try {
      regex = patternRegex(v.pattern, v.kind, v.country);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new DomainError('invalid-input', `${where}: pattern: ${err.message}`, {
        issues: [issue('pattern', err.message)],
      });
    }
  }
  const query = {
    registrarId,
    country: v.country,
    kind: v.kind,
    regex,
    minPrice: v.minPrice,
    maxPrice: v.maxPrice,
    currency: v.currency,
  };
  const after = v.cursor === undefined ? undefined : decodeCursor(v.cursor, query, where);
  const digits: Record<string, string> = {};
  if (regex !== undefined) digits.$regex = regex;
  if (after !== undefined) digits.$gt = after;
  const price: Record<string, number> = {};
  if (v.minPrice !== undefined) price.$gte = v.minPrice;
  if (v.maxPrice !== undefined) price.$lte = v.maxPrice;
  const filter: Filter = {
    country: v.country,
    kind: v.kind,
    status: 'available',
    ...(registrarId !== undefined ? { registrarId } : {}),
    ...(Object.keys(digits).length > 0 ? { digits } : {}),
    ...(Object.keys(price).length > 0 ? { 'price.amount': price } : {}),
    ...(v.currency !== undefined ? { 'price.currency': v.currency } : {}),
  };
  const limit = v.limit ?? DEFAULT_PAGE;
  // digits is unique per kind (it is the key), so it orders the pages completely.
  const docs = await ctx.numbers.find(filter, { sort: { digits: 1 }, limit: limit + 1 });
  const items = docs.slice(0, limit);
  return {
    items: items.map(offerView),
    nextCursor: docs.length > limit ? encodeCursor(items.at(-1)!.digits, query) : null,
  };
}
