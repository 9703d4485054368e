// Opaque pagination cursors: the sort key of the last item returned, bound to the query it came
// from by a fingerprint, so a cursor replayed against another query is refused rather than
// silently skipping or repeating items. Pages continue with `key > last`, which is stable under
// concurrent inserts and deletes (unlike skip).
import { createHash } from 'node:crypto';
import type { Collection, Filter } from '#core';
import { DomainError } from './errors.ts';
import type { Page } from './views.ts';

const MAX_CURSOR_LENGTH = 512;

/** A short digest of the query's normalised parts (everything but the cursor and the limit). */
export function fingerprint(query: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(query)
      .sort()
      .map((k) => [k, query[k] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeCursor(last: string, query: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ k: last, q: fingerprint(query) })).toString('base64url');
}

/** The last key of the previous page; DomainError('bad-cursor') when malformed or from another query. */
export function decodeCursor(cursor: string, query: Record<string, unknown>, where: string): string {
  let parsed: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('shape');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('bad-cursor', `${where}: cursor is not one this service issued`);
  }
  const c = parsed as { k?: unknown; q?: unknown };
  if (typeof c !== 'object' || c === null || typeof c.k !== 'string' || typeof c.q !== 'string') {
    throw new DomainError('bad-cursor', `${where}: cursor is not one this service issued`);
  }
  if (c.q !== fingerprint(query)) {
    throw new DomainError(
      'bad-cursor',
      `${where}: cursor belongs to a different query; start again without it`,
    );
  }
  return c.k;
}

/** Page size: default 50, at most 200. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

/**
 * One page of `coll` in `_id` order: the documents matching `filter` after the cursor's key.
 * `query` is what the cursor is bound to (the listing's parameters, not the cursor or limit).
 */
export async function pageById<T extends { _id: string }, V>(
  coll: Collection<T>,
  filter: Filter,
  query: Record<string, unknown>,
  opts: { limit?: number | undefined; cursor?: string | undefined; where: string },
  view: (d: T) => V,
): Promise<Page<V>> {
  const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor, query, opts.where);
  const n = opts.limit ?? DEFAULT_PAGE;
  const docs = await coll.find(after === undefined ? filter : { ...filter, _id: { $gt: after } }, {
    sort: { _id: 1 },
    limit: n + 1,
  });
  const items = docs.slice(0, n);
  return {
    items: items.map(view),
    nextCursor: docs.length > n ? encodeCursor(items.at(-1)!._id, query) : null,
  };
}
