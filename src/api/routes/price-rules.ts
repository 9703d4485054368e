// A registrar's price rules: base prices per country and kind, premiums for memorable patterns.
// Numbers take their price when stocked; POST /v1/inventory/reprice applies changed rules.
import { z } from '@hono/zod-openapi';
import { PriceRulesValues } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { v1Route } from '../route.ts';
import { jsonBody, jsonWithEtag, strict } from '../schemas.ts';

const RulesSchema = z
  .object({
    registrarId: z.string(),
    rules: z.object({
      currency: z.string(),
      defaultBase: z.object({ pin: z.number().int(), vns: z.number().int() }),
      base: z.array(
        z.object({ country: z.string(), kind: z.enum(['pin', 'vns']), amount: z.number().int() }),
      ),
      premiums: z.array(z.object({}).catchall(z.unknown())),
    }),
    version: z.number().int().openapi({ description: '0 while the defaults apply' }),
    isDefault: z.boolean(),
  })
  .openapi('PriceRules');

const RegistrarQuery = z.object({
  registrarId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'registrarId', in: 'query' }, description: 'Admin: whose rules' }),
});

const PutSchema = strict({
  registrarId: z.string().max(64).optional().openapi({ description: 'Admin: whose rules' }),
  rules: PriceRulesValues,
}).openapi('PriceRulesPut');

export function registerPriceRuleRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/price-rules',
      tag: 'sales',
      summary: "A registrar's price rules (the defaults until set)",
      request: { query: RegistrarQuery },
      responses: { 200: jsonWithEtag(RulesSchema, 'The rules') },
      errors: [403],
    }),
    async (c) => {
      const r = await s.sales.getPriceRules(principalOf(c), c.req.valid('query'));
      setEtag(c, r.version);
      return c.json(r, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/price-rules',
      tag: 'sales',
      summary: 'Replace a registrar\'s price rules (If-Match: the version, "0" for the defaults)',
      request: { headers: IfMatchHeaderSchema, ...jsonBody(PutSchema) },
      responses: { 200: jsonWithEtag(RulesSchema, 'Stored') },
      errors: [403, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const r = await s.sales.setPriceRules(principalOf(c), {
        ...c.req.valid('json'),
        ...expectedVersion(version),
      });
      setEtag(c, r.version);
      return c.json(r, 200);
    },
  );
}
