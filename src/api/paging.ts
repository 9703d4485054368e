// Cursor pagination: `?limit=&cursor=`, answered with `{ items, next }` and a Link rel="next"
// header. Lists in id order (registrars, zones, routing data) wrap the last id in a cursor of
// their own, bound to the list's path; the sales and members services hand out cursors that are
// opaque already (bound to their query: src/registry/sales/cursor.ts).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_PAGE, MAX_PAGE } from '#registry';
import { ApiError } from './errors.ts';

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `Page size, 1-${MAX_PAGE}`,
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

/** The query of a list the sales or members service pages: its filters, then `limit` and `cursor`. */
export const queryListSchema = <T extends z.ZodRawShape>(filters: T) =>
  z.object({
    ...filters,
    limit: queryParam(z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE), 'limit'),
    cursor: queryParam(z.string().max(512).optional(), 'cursor'),
  });

/** A query parameter named in the OpenAPI document as in the schema. */
export const queryParam = <T extends z.ZodTypeAny>(schema: T, name: string, description?: string) =>
  schema.openapi({ param: { name, in: 'query' }, ...(description ? { description } : {}) });

/** `registrarId`: whose data (the admin may name any registrar; a registrar only itself). */
export const registrarIdParam = (description?: string) =>
  queryParam(z.string().max(64).optional(), 'registrarId', description);

const badCursor = (detail: string, hint: string) =>
  new ApiError('validation-failed', `cursor: ${detail}`, {
    errors: [{ location: 'query', pointer: 'cursor', detail: hint }],
  });

/** A cursor of the list at `list` (its path) holding `value`. */
export function encodeCursor(value: unknown, list: string): string {
  return Buffer.from(JSON.stringify({ v: 1, l: list, k: value }), 'utf8').toString('base64url');
}

/** The key inside a cursor; a cursor that was not made by us, or not for this list, is a 400. */
export function decodeCursor(cursor: string | undefined, list: string): unknown {
  if (cursor === undefined) return undefined;
  let parsed: { v?: unknown; l?: unknown; k?: unknown } | undefined;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not base64url JSON: refused below
  }
  if (parsed?.v !== 1 || parsed.k === undefined)
    throw badCursor('not a cursor this API gave out', 'use the `next` value of a previous page');
  if (parsed.l !== list)
    throw badCursor('not a cursor of this list', 'use the `next` value of a previous page of this list');
  return parsed.k;
}

/** The string key of a cursor over `_id` order. */
export function afterId(cursor: string | undefined, list: string): string | undefined {
  const k = decodeCursor(cursor, list);
  if (k !== undefined && typeof k !== 'string')
    throw badCursor('not a cursor of this list', 'use the `next` value of a previous page of this list');
  return k;
}

/** Sets the Link header for the next page (this request with `cursor` and `limit`); returns `next`. */
export function linkNext(c: Context, next: string | null, limit: number): string | null {
  if (next === null) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  url.searchParams.set('limit', String(limit));
  c.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  return next;
}

/**
 * The `{ items, next }` body of a list. `next` is described unless `nextDescription` is null
 * (MemberPage never was; describing it now would change the published document).
 */
export const pageSchema = <T extends z.ZodTypeAny>(
  item: T,
  name: string,
  nextDescription: string | null = 'Cursor of the next page; null on the last page',
) =>
  z
    .object({
      items: z.array(item),
      next:
        nextDescription === null
          ? z.string().nullable()
          : z.string().nullable().openapi({ description: nextDescription }),
    })
    .openapi(name);
