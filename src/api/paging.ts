// Cursor pagination: `?limit=&cursor=`, answered with `{ items, next }` and a Link rel="next"
// header. A cursor is opaque to clients (base64url JSON), so the order key can change later.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from './errors.ts';

export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `Page size, 1-${MAX_LIMIT}`,
      example: 50,
    }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: 'The `next` value of the previous page',
    }),
});

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify({ v: 1, k: value }), 'utf8').toString('base64url');
}

/** The key inside a cursor; a cursor that was not made by us is a 400 naming the parameter. */
export function decodeCursor(cursor: string | undefined): unknown {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: number;
      k?: unknown;
    };
    if (parsed?.v === 1 && parsed.k !== undefined) return parsed.k;
  } catch {
    // fall through
  }
  throw new ApiError('validation-failed', 'cursor: not a cursor this API gave out', {
    errors: [{ location: 'query', pointer: 'cursor', detail: 'use the `next` value of a previous page' }],
  });
}

/** The string key of a cursor over `_id` order. */
export function afterId(cursor: string | undefined): string | undefined {
  const k = decodeCursor(cursor);
  if (k !== undefined && typeof k !== 'string')
    throw new ApiError('validation-failed', 'cursor: not a cursor of this list', {
      errors: [
        {
          location: 'query',
          pointer: 'cursor',
          detail: 'use the `next` value of a previous page of this list',
        },
      ],
    });
  return k;
}

/** Sets the Link header for the next page and returns the body's `next`. */
export function nextLink(c: Context, nextKey: unknown, limit: number): string | null {
  if (nextKey === null || nextKey === undefined) return null;
  const next = encodeCursor(nextKey);
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  url.searchParams.set('limit', String(limit));
  c.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  return next;
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next: z.string().nullable().openapi({ description: 'Cursor of the next page; null on the last page' }),
    })
    .openapi(name);
