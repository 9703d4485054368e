// Lists over HTTP, one style for all: the registry's list input is the query (`limit`, `cursor`
// and the list's filters, unknown parameters ignored), the answer is the registry's page as
// `{ items, next }`, and a Link rel="next" header repeats this request with `cursor` and `limit`.
// Cursors are the registry's: opaque, bound to their list and query (src/registry/kernel/paging.ts).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_PAGE, type Page } from '#registry';

/** A registry list input as a query: parameters the list does not know are ignored, as HTTP caches and proxies may add some. */
export const listQuery = <T extends z.core.$ZodShape>(input: z.ZodObject<T, z.core.$ZodObjectConfig>) =>
  input.strip();

/** Sets the Link header for the next page (this request with `cursor` and `limit`); returns `next`. */
export function linkNext(c: Context, next: string | null, limit: number | undefined): string | null {
  if (next === null) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  url.searchParams.set('limit', String(limit ?? DEFAULT_PAGE));
  c.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  return next;
}

/** The body of a list answer: the page's items as `present` shows them, and the Link header. */
export function pageBody<T, U>(
  c: Context,
  page: Page<T>,
  present: (item: T) => U,
  limit: number | undefined,
): { items: U[]; next: string | null } {
  return { items: page.items.map(present), next: linkNext(c, page.next, limit) };
}

/** The `{ items, next }` body of a list. */
export const pageSchema = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next: z.string().nullable().openapi({ description: 'Cursor of the next page; null on the last page' }),
    })
    .openapi(name);
