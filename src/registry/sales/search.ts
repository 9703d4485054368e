// Searching the available inventory: country and kind, a digit pattern with wildcards, a price
// range; pages in digit order with an opaque cursor (`digits > last`), stable while numbers are
// stocked, reserved or sold between pages.
import type { Filter } from '#core';
import {
  DEFAULT_PAGE,
  issue,
  listingScope,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
} from '../kernel/index.ts';
import type { ServiceContext } from './context.ts';
import { gramOfPattern, gramsReady, searchByGram } from './grams.ts';
import { PatternError, patternRegex } from './pattern.ts';
import { SearchInput } from './schemas.ts';
import { type NumberOffer, offerView } from './views.ts';

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
      throw new RegistryError('invalid-input', `${where}: pattern: ${err.message}`, {
        issues: [issue('pattern', err.message)],
      });
    }
  }
  const digits: Record<string, string> = {};
  if (regex !== undefined) digits.$regex = regex;
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
  const { country, kind, minPrice, maxPrice, currency } = v;
  const query = { registrarId, country, kind, regex, minPrice, maxPrice, currency };
  // a pattern that starts with '*' has no prefix for the digits index: read its n-gram's numbers
  const gram = v.pattern !== undefined ? gramOfPattern(v.pattern) : null;
  if (gram !== null && (await gramsReady(ctx))) {
    const r = await searchByGram(ctx, {
      country,
      kind,
      gram,
      filter,
      limit: v.limit ?? DEFAULT_PAGE,
      cursor: v.cursor,
      list: 'sales: search',
      query,
      where,
    });
    return { items: r.items.map(offerView), next: r.next };
  }
  // digits is unique per kind (it is the key), so it orders the pages completely
  return page(
    ctx.numbers,
    filter,
    v,
    {
      list: 'sales: search',
      query,
      key: 'digits',
    },
    offerView,
  );
}
