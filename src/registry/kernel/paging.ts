// One pager for every list of the registry (registrars, tokens, zones, record sets, countries,
// gateways, carriers, inventory, number search, orders, members): a service takes
// `{ cursor?, limit? }` and returns `{ items, next }`. Keyset paging: a page continues after the
// sort key of the previous page's last item, which stays right while items are added or removed
// between pages (unlike skip). The cursor is opaque, issued here, and bound to its list and
// query by a fingerprint, so a cursor replayed against another list or query is refused
// ('bad-cursor') rather than silently skipping or repeating items.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Collection, Doc, Filter } from '#core';
import { RegistryError } from './errors.ts';
import { issue } from './input.ts';

/** Page size: 50 unless asked, at most 200. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
const MAX_CURSOR_LENGTH = 512;

/** Page size; numeric strings are read too (query parameters). */
export const Limit = z.coerce
  .number({ error: 'expected a page size' })
  .int({ error: 'expected a whole number' })
  .min(1, { error: 'expected a page size of 1 or more' })
  .max(MAX_PAGE, { error: `expected a page size of at most ${MAX_PAGE}` })
  .describe(`Page size, 1-${MAX_PAGE} (default ${DEFAULT_PAGE})`);

export const Cursor = z
  .string()
  .min(1, { error: 'expected a cursor' })
  .max(MAX_CURSOR_LENGTH, { error: 'expected the `next` value of a previous page' })
  .describe('The `next` value of the previous page');

/** The paging fields every list input has. */
export const pageFields = { cursor: Cursor.optional(), limit: Limit.optional() };

/** A list without filters: just a page. */
export const PageInput = z.object(pageFields).strict();
export type PageInput = z.input<typeof PageInput>;

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next: string | null;
}

/** A short digest of the list and its query (everything but the cursor and the limit). */
function fingerprint(list: string, query: Record<string, unknown>): string {
  const canonical = JSON.stringify([
    list,
    Object.keys(query)
      .sort()
      .map((k) => [k, query[k] ?? null]),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export type CursorKey = string | number | [string | number, string];

export function encodeCursor(k: CursorKey, list: string, query: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ k, q: fingerprint(list, query) })).toString('base64url');
}

const isScalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

export function decodeCursor(
  cursor: string,
  list: string,
  query: Record<string, unknown>,
  unique: boolean,
  where: string,
): CursorKey {
  const refuse = (why: string, hint: string) =>
    new RegistryError('bad-cursor', `${where}: cursor: ${why}`, { issues: [issue('cursor', hint)] });
  let parsed: { k?: unknown; q?: unknown } | null = null;
  try {
    if (cursor.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor))
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not base64url JSON: refused below
  }
  const k = parsed?.k;
  const tied = Array.isArray(k) && k.length === 2 && isScalar(k[0]) && typeof k[1] === 'string';
  if (typeof parsed?.q !== 'string' || !(unique ? isScalar(k) : tied))
    throw refuse('not a cursor this registry issued', 'use the `next` value of a previous page');
  if (parsed.q !== fingerprint(list, query))
    throw refuse(
      'not a cursor of this list and query; start again without it',
      'use the `next` value of a previous page of this list, with the same filters',
    );
  return k as CursorKey;
}

export interface PageSpec {
  /** What is listed ('zones', 'sales: orders'): errors name it, and cursors are bound to it. */
  list: string;
  /** The query's filters (not the cursor or limit): cursors are bound to them too. */
  query?: Record<string, unknown>;
  /**
   * The sort key (default `_id`). A key that is not unique among the matches (`unique: false`)
   * is tied by `_id`, as the stores order ties.
   */
  key?: string;
  unique?: boolean;
}

/** The condition "after `last`" on a key, merged into the filter's own condition on it when it has one. */
function after(filter: Filter, key: string, last: CursorKey): Filter {
  if (Array.isArray(last)) {
    const [v, id] = last;
    return { $and: [filter, { $or: [{ [key]: { $gt: v } }, { [key]: v, _id: { $gt: id } }] }] };
  }
  const gt: Filter = { [key]: { $gt: last } };
  const own = filter[key];
  if (own === undefined) return { ...filter, ...gt };
  if (own !== null && typeof own === 'object' && !Array.isArray(own) && !('$gt' in own))
    return { ...filter, [key]: { ...own, $gt: last } };
  return { $and: [filter, gt] };
}

/**
 * One page of `coll`: the documents matching `filter` in key order, after the cursor's position,
 * as `view` shows them. `input` is the caller's `{ cursor?, limit? }`, already validated.
 */
export async function page<T extends Doc & { _id: string }, V>(
  coll: Collection<T>,
  filter: Filter,
  input: { cursor?: string | undefined; limit?: number | undefined },
  spec: PageSpec,
  view: (doc: T) => V,
): Promise<Page<V>> {
  const where = `registry: ${spec.list}`;
  const query = spec.query ?? {};
  const key = spec.key ?? '_id';
  const unique = spec.unique ?? true;
  const limit = input.limit ?? DEFAULT_PAGE;
  const last =
    input.cursor === undefined ? undefined : decodeCursor(input.cursor, spec.list, query, unique, where);
  const docs = await coll.find(last === undefined ? filter : after(filter, key, last), {
    sort: { [key]: 1 },
    limit: limit + 1,
  });
  const items = docs.slice(0, limit);
  const tail = items.at(-1);
  let next: string | null = null;
  if (docs.length > limit && tail) {
    const v = (tail as Record<string, unknown>)[key];
    if (!isScalar(v)) throw new Error(`${where}: sort key ${key} of ${tail._id} is not a string or number`);
    next = encodeCursor(unique ? v : [v, tail._id], spec.list, query);
  }
  return { items: items.map(view), next };
}
