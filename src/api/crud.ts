// Builders for the endpoints that resources kept by a registry service share: list, create, get,
// update and remove, and lists whose service pages them itself (sales, members). A resource module
// calls the ones it has, one call per endpoint, with its summaries and its service calls; what
// every such endpoint does alike lives here: paging and the Link header, Location and ETag,
// If-Match and If-None-Match, 201 and 204, and the statuses each one declares.
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Page, PageRequest, Principal } from '#registry';
import { principalOf } from './auth.ts';
import type { ApiApp } from './context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from './etag.ts';
import { afterId, encodeCursor, linkNext, PageQuerySchema, pageSchema } from './paging.ts';
import { type Tag, v1Route } from './route.ts';
import { json, jsonBody, jsonWithEtag, NO_CONTENT } from './schemas.ts';

/** What the zod-openapi validators put on the request, as these generic handlers read it. */
interface Validated {
  json: unknown;
  param: Record<string, string>;
  query: Record<string, unknown> & { limit: number; cursor?: string | undefined };
  header: Record<string, string | undefined>;
}
const valid = <T extends keyof Validated>(c: Context, target: T): Validated[T] =>
  (c.req as unknown as { valid(t: T): Validated[T] }).valid(target);

/** The handler of a route built here: its types come from the builder's signature, not the route. */
type Handler = (c: Context) => Promise<Response>;
const register = (app: ApiApp, route: ReturnType<typeof v1Route>, handler: Handler) =>
  app.openapi(route, handler as never);

export interface ResourceSpec<D, S extends z.ZodTypeAny> {
  tag: Tag;
  /** The collection, '/v1/carriers'; one item is `${path}/{key}`, named by `key`. */
  path: string;
  /** The path parameter that names one item: z.object({ id: ... }), one key. */
  key: z.ZodObject;
  /** The item as answered. */
  schema: S;
  present: (doc: D) => z.input<S>;
  /** The item's key in its path (for the Location of a created one). */
  keyOf: (doc: D) => string;
}

interface Summary {
  summary: string;
  description?: string;
}

/** The endpoints of one resource; each call registers one. */
export function crudRoutes<D extends { version: number }, S extends z.ZodTypeAny>(
  app: ApiApp,
  spec: ResourceSpec<D, S>,
) {
  const { tag, path, key, schema, present, keyOf } = spec;
  const [keyName] = Object.keys(key.shape);
  if (keyName === undefined || Object.keys(key.shape).length !== 1)
    throw new Error(`api: ${path}: the key parameter must have exactly one field`);
  const item = `${path}/{${keyName}}`;
  const keyIn = (c: Context): string => valid(c, 'param')[keyName]!;
  const ifVersion = (c: Context) => ifMatchVersion(valid(c, 'header')['if-match']);

  return {
    /** GET path: a page in id order (`?limit=&cursor=`). */
    list(
      r: Summary & { page: string; answer: string },
      fetch: (p: Principal, page: PageRequest) => Promise<Page<D>>,
    ) {
      const route = v1Route({
        method: 'get',
        path,
        tag,
        ...summaryOf(r),
        request: { query: PageQuerySchema },
        responses: { 200: json(pageSchema(schema, r.page), r.answer) },
      });
      register(app, route, async (c) => {
        const q = valid(c, 'query');
        const page = await fetch(principalOf(c), { after: afterId(q.cursor, path), limit: q.limit });
        const next = page.next === null ? null : encodeCursor(page.next, path);
        return c.json({ items: page.items.map(present), next: linkNext(c, next, q.limit) }, 200);
      });
    },

    /** POST path: 201 with Location (and ETag unless `etag: false`); 409 when it exists. */
    create<B extends z.ZodTypeAny>(
      r: Summary & { body: B; answer?: string; etag?: boolean; errors?: number[] },
      run: (p: Principal, input: z.output<B>) => Promise<D>,
    ) {
      const etag = r.etag ?? true;
      const answer = r.answer ?? 'Created';
      const route = v1Route({
        method: 'post',
        path,
        tag,
        ...summaryOf(r),
        request: jsonBody(r.body),
        responses: { 201: etag ? jsonWithEtag(schema, answer) : json(schema, answer) },
        errors: r.errors ?? [409],
      });
      register(app, route, async (c) => {
        const x = await run(principalOf(c), valid(c, 'json') as z.output<B>);
        c.header('location', `${path}/${keyOf(x)}`);
        if (etag) setEtag(c, x.version);
        return c.json(present(x), 201);
      });
    },

    /** GET item: with its ETag, 304 for a matching If-None-Match (unless `etag: false`). */
    get(r: Summary & { answer: string; etag?: boolean }, fetch: (p: Principal, key: string) => Promise<D>) {
      const etag = r.etag ?? true;
      const route = v1Route({
        method: 'get',
        path: item,
        tag,
        ...summaryOf(r),
        request: { params: key },
        responses: etag
          ? { 200: jsonWithEtag(schema, r.answer), 304: NO_CONTENT }
          : { 200: json(schema, r.answer) },
        errors: [404],
      });
      register(app, route, async (c) => {
        const x = await fetch(principalOf(c), keyIn(c));
        if (etag) {
          setEtag(c, x.version);
          if (notModified(c, x.version)) return c.body(null, 304);
        }
        return c.json(present(x), 200);
      });
    },

    /** PATCH item: If-Match honoured (409 when the item moved on); 200 with the new ETag. */
    update<B extends z.ZodTypeAny>(
      r: Summary & { body: B; errors?: number[] },
      run: (p: Principal, key: string, patch: z.output<B>, ifVersion: number | undefined) => Promise<D>,
    ) {
      const route = v1Route({
        method: 'patch',
        path: item,
        tag,
        ...summaryOf(r),
        request: { params: key, headers: IfMatchHeaderSchema, ...jsonBody(r.body) },
        responses: { 200: jsonWithEtag(schema, 'Changed') },
        errors: r.errors ?? [404, 409],
      });
      register(app, route, async (c) => {
        const x = await run(principalOf(c), keyIn(c), valid(c, 'json') as z.output<B>, ifVersion(c));
        setEtag(c, x.version);
        return c.json(present(x), 200);
      });
    },

    /** DELETE item: If-Match honoured; 204. */
    remove(
      r: Summary & { errors?: number[] },
      run: (p: Principal, key: string, ifVersion: number | undefined) => Promise<unknown>,
    ) {
      const route = v1Route({
        method: 'delete',
        path: item,
        tag,
        ...summaryOf(r),
        request: { params: key, headers: IfMatchHeaderSchema },
        responses: { 204: NO_CONTENT },
        errors: r.errors ?? [404, 409],
      });
      register(app, route, async (c) => {
        await run(principalOf(c), keyIn(c), ifVersion(c));
        return c.body(null, 204);
      });
    },
  };
}

/**
 * GET path of a list the sales or members service pages itself (its cursor is opaque already and
 * bound to the query): the query's filters, `limit` and `cursor` (paging.ts queryListSchema), a
 * 403 when a registrar names another registrar, and the Link header for the next page.
 */
export function queryList<Q extends z.ZodObject, T>(
  app: ApiApp,
  r: Summary & { path: string; tag: Tag; query: Q; page: z.ZodTypeAny; answer: string },
  fetch: (p: Principal, query: z.output<Q>) => Promise<{ items: T[]; nextCursor: string | null }>,
  present: (item: T) => unknown,
): void {
  const route = v1Route({
    method: 'get',
    path: r.path,
    tag: r.tag,
    ...summaryOf(r),
    request: { query: r.query },
    responses: { 200: json(r.page, r.answer) },
    errors: [403],
  });
  register(app, route, async (c) => {
    const q = valid(c, 'query');
    const page = await fetch(principalOf(c), q as z.output<Q>);
    return c.json({ items: page.items.map(present), next: linkNext(c, page.nextCursor, q.limit) }, 200);
  });
}

const summaryOf = (r: Summary) => ({
  summary: r.summary,
  ...(r.description === undefined ? {} : { description: r.description }),
});
