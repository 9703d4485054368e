// Keyset paging by `_id`: stable under concurrent inserts and deletes, and cheap on both stores
// (the primary key), unlike skip/limit. The HTTP layer wraps `next` in an opaque cursor.
import type { Collection, Doc, Filter } from '#core';
import type { Page } from './index.ts';

export interface PageRequest {
  /** Return documents with `_id` greater than this. */
  after?: string | undefined;
  limit: number;
}

export async function pageById<T extends Doc & { _id: string }>(
  coll: Collection<T>,
  filter: Filter,
  page: PageRequest,
): Promise<Page<T>> {
  const f: Filter = page.after === undefined ? filter : { $and: [filter, { _id: { $gt: page.after } }] };
  const found = await coll.find(f, { sort: { _id: 1 }, limit: page.limit + 1 });
  const items = found.slice(0, page.limit);
  return { items, next: found.length > page.limit ? items.at(-1)!._id : null };
}
