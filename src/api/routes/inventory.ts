// Number inventory: stock blocks (a PIN range or list, VNS bases), list and read numbers,
// re-price the available ones after the price rules changed. The sales layer does the work.
import { z } from '@hono/zod-openapi';
import { ListInventoryInput, RepriceInput, StockInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { json, jsonBody, named } from '../schemas.ts';
import { NumberParam, NumberSchema, presentNumber } from './sales-views.ts';

const StockBody = named(StockInput, 'StockInput');
const RepriceBody = named(RepriceInput, 'RepriceInput');

const StockResultSchema = z
  .object({
    registrarId: z.string(),
    stocked: z.number().int().openapi({ description: 'Numbers added' }),
    existing: z.array(z.string()).openapi({ description: 'Keys in the inventory already; left unchanged' }),
  })
  .openapi('StockResult');

const RepriceResultSchema = z
  .object({ registrarId: z.string(), examined: z.number().int(), changed: z.number().int() })
  .openapi('RepriceResult');

export function registerInventoryRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/inventory',
      tag: 'sales',
      summary: 'Stock a block of numbers: a PIN range (first number and count) or list, or VNS bases',
      description:
        'A block is stocked whole or not at all; prices are fixed from the price rules when stocked.',
      request: jsonBody(StockBody),
      responses: { 201: json(StockResultSchema, 'Stocked') },
      errors: [403],
    }),
    async (c) => c.json(await s.sales.stock(principalOf(c), c.req.valid('json')), 201),
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/inventory',
      tag: 'sales',
      summary: 'List inventory numbers, optionally by status (the admin: all, or one registrar)',
      request: { query: listQuery(ListInventoryInput) },
      responses: { 200: json(pageSchema(NumberSchema, 'InventoryPage'), 'A page of numbers') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.sales.listInventory(principalOf(c), q), presentNumber, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/inventory/{number}',
      tag: 'sales',
      summary: 'One inventory number and its state',
      request: { params: NumberParam },
      responses: { 200: json(NumberSchema, 'The number') },
      errors: [404],
    }),
    async (c) => c.json(presentNumber(await s.sales.getNumber(principalOf(c), c.req.valid('param'))), 200),
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/inventory/reprice',
      tag: 'sales',
      summary: 'Re-price available numbers with the current price rules',
      request: jsonBody(RepriceBody),
      responses: { 200: json(RepriceResultSchema, 'Done') },
      errors: [403],
    }),
    async (c) => c.json(await s.sales.reprice(principalOf(c), c.req.valid('json')), 200),
  );
}
