// Searching available numbers (country, kind, digit pattern with wildcards, price range; cursor
// pagination in digit order) and releasing a sold number back to stock (it leaves its member and DNS).
import { SearchInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { json } from '../schemas.ts';
import { NumberParam, NumberSchema, OfferSchema, presentNumber } from './sales-views.ts';

export function registerNumberRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/numbers/available',
      tag: 'sales',
      summary: 'Search available numbers by country, kind, digit pattern and price',
      request: { query: listQuery(SearchInput) },
      responses: { 200: json(pageSchema(OfferSchema, 'OfferPage'), 'A page of offers, in digit order') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        pageBody(c, await s.sales.search(principalOf(c), q), (offer) => offer, q.limit),
        200,
      );
    },
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
