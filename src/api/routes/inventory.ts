// Number inventory: stock blocks (a PIN range or list, VNS bases), list and read numbers,
// re-price the available ones after the price rules changed. The sales layer does the work.
import { createRoute, z } from '@hono/zod-openapi';
import { DEFAULT_PAGE, MAX_PAGE, RepriceInput, StockInput } from '../../registry/sales/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { errors, json, jsonBody, SECURITY } from '../schemas.ts';
import { NumberParam, NumberSchema, presentNumber, salesPage } from './sales-views.ts';

// Foreign schemas are named with zod's own .meta(): .openapi() exists only on schemas built after
// @hono/zod-openapi extended zod, and the domain layer may be imported first.
const StockBody = StockInput.meta({ id: 'StockInput' });
const RepriceBody = RepriceInput.meta({ id: 'RepriceInput' });

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

const InventoryQuery = z.object({
  registrarId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'registrarId', in: 'query' }, description: 'Admin: one registrar' }),
  status: z
    .enum(['available', 'reserved', 'sold', 'assigned', 'released'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

export function registerInventoryRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/inventory',
      tags: ['sales'],
      summary: 'Stock a block of numbers: a PIN range (first number and count) or list, or VNS bases',
      description:
        'A block is stocked whole or not at all; prices are fixed from the price rules when stocked.',
      security: SECURITY,
      request: jsonBody(StockBody),
      responses: { 201: json(StockResultSchema, 'Stocked'), ...errors(403, 413, 415) },
    }),
    async (c) => c.json(await s.sales.stock(principalOf(c), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/inventory',
      tags: ['sales'],
      summary: 'List inventory numbers, optionally by status',
      security: SECURITY,
      request: { query: InventoryQuery },
      responses: { 200: json(salesPage(NumberSchema, 'InventoryPage'), 'A page of numbers'), ...errors(403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.sales.listInventory(principalOf(c), q);
      return c.json({ items: page.items.map(presentNumber), next: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/inventory/{number}',
      tags: ['sales'],
      summary: 'One inventory number and its state',
      security: SECURITY,
      request: { params: NumberParam },
      responses: { 200: json(NumberSchema, 'The number'), ...errors(404) },
    }),
    async (c) => c.json(presentNumber(await s.sales.getNumber(principalOf(c), c.req.valid('param'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/inventory/reprice',
      tags: ['sales'],
      summary: 'Re-price available numbers with the current price rules',
      security: SECURITY,
      request: jsonBody(RepriceBody),
      responses: { 200: json(RepriceResultSchema, 'Done'), ...errors(403, 413, 415) },
    }),
    async (c) => c.json(await s.sales.reprice(principalOf(c), c.req.valid('json')), 200),
  );
}
