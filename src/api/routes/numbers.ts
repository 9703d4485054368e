// Searching available numbers (country, kind, digit pattern with wildcards, price range; cursor
// pagination in digit order) and releasing a sold number back to stock (it leaves its member and DNS).
import { z } from '@hono/zod-openapi';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { queryList } from '../crud.ts';
import { queryParam as q, queryListSchema, registrarIdParam } from '../paging.ts';
import { v1Route } from '../route.ts';
import { json } from '../schemas.ts';
import { NumberParam, NumberSchema, OfferSchema, presentNumber, salesPage } from './sales-views.ts';

const SearchQuery = queryListSchema({
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
  registrarId: registrarIdParam("Admin: one registrar's inventory"),
}).extend({
  // the only list whose cursor parameter was described; kept so the document stays as it was
  cursor: q(z.string().max(512).optional(), 'cursor', 'The `next` value of the previous page'),
});

export function registerNumberRoutes(app: ApiApp, s: Services): void {
  queryList(
    app,
    {
      path: '/v1/numbers/available',
      tag: 'sales',
      summary: 'Search available numbers by country, kind, digit pattern and price',
      query: SearchQuery,
      page: salesPage(OfferSchema, 'OfferPage'),
      answer: 'A page of offers, in digit order',
    },
    s.sales.search,
    (offer) => offer,
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/numbers/{number}/release',
      tag: 'sales',
      summary: 'Release a sold or assigned number: it leaves its member (and DNS) and returns to stock',
      request: { params: NumberParam },
      responses: { 200: json(NumberSchema, 'The number, back in stock') },
      errors: [404, 409],
    }),
    async (c) => c.json(presentNumber(await s.sales.release(principalOf(c), c.req.valid('param'))), 200),
  );
}
