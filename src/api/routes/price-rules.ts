// A registrar's price rules: base prices per country and kind, premiums for memorable patterns.
// Numbers take their price when stocked; POST /v1/inventory/reprice applies changed rules.
import { z } from '@hono/zod-openapi';
import { RegistrarRef, SetPriceRulesInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { listQuery } from '../paging.ts';
import { v1Route } from '../route.ts';
import { jsonBody, jsonWithEtag, named } from '../schemas.ts';

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

// the version travels in If-Match, not in the body
const PutBody = named(SetPriceRulesInput.omit({ expectedVersion: true }), 'PriceRulesPut');

export function registerPriceRuleRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/price-rules',
      tag: 'sales',
      summary: "A registrar's price rules (the defaults until set)",
      request: { query: listQuery(RegistrarRef) },
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
      request: { headers: IfMatchHeaderSchema, ...jsonBody(PutBody) },
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
