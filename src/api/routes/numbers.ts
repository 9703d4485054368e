// Searching available numbers (country, kind, digit pattern with wildcards, price range; cursor
// pagination in digit order) and releasing a sold number back to stock (it leaves its member and DNS).
import { createRoute, z } from '@hono/zod-openapi';
import { DEFAULT_PAGE, MAX_PAGE } from '../../registry/sales/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { errors, json, SECURITY } from '../schemas.ts';
import { NumberParam, NumberSchema, OfferSchema, presentNumber, salesPage } from './sales-views.ts';

const q = <T extends z.ZodTypeAny>(schema: T, name: string, description?: string) =>
  schema.openapi({ param: { name, in: 'query' }, ...(description ? { description } : {}) });

const SearchQuery = z.object({
  country: q(z.string().min(2).max(8), 'country', 'ISO 3166 alpha-2: KR'),
  kind: q(z.enum(['pin', 'vns']), 'kind'),
  pattern: q(
    z.string().min(1).max(64).optional(),
    'pattern',
    "Digits with '?' (one digit) and '*' (any digits): 6200*, 62??6200; a PIN pattern may start with + (whole E.164)",
  ),
  minPrice: q(z.coerce.number().int().min(0).optional(), 'minPrice', 'Minor units'),
  maxPrice: q(z.coerce.number().int().min(0).optional(), 'maxPrice', 'Minor units'),
  currency: q(z.string().length(3).optional(), 'currency'),
  registrarId: q(z.string().max(64).optional(), 'registrarId', "Admin: one registrar's inventory"),
  limit: q(z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE), 'limit'),
  cursor: q(z.string().max(512).optional(), 'cursor', 'The `next` value of the previous page'),
});

export function registerNumberRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/numbers/available',
      tags: ['sales'],
      summary: 'Search available numbers by country, kind, digit pattern and price',
      security: SECURITY,
      request: { query: SearchQuery },
      responses: {
        200: json(salesPage(OfferSchema, 'OfferPage'), 'A page of offers, in digit order'),
        ...errors(403),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await s.sales.search(principalOf(c), query);
      if (page.nextCursor) {
        const url = new URL(c.req.url);
        url.searchParams.set('cursor', page.nextCursor);
        c.header('link', `<${url.pathname}${url.search}>; rel="next"`);
      }
      return c.json({ items: page.items, next: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/numbers/{number}/release',
      tags: ['sales'],
      summary: 'Release a sold or assigned number: it leaves its member (and DNS) and returns to stock',
      security: SECURITY,
      request: { params: NumberParam },
      responses: { 200: json(NumberSchema, 'The number, back in stock'), ...errors(404, 409) },
    }),
    async (c) => c.json(presentNumber(await s.sales.release(principalOf(c), c.req.valid('param'))), 200),
  );
}
