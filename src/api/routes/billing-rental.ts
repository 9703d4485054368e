// Number rental (docs/billing.md, "Number rental"): a registrar's rental rules (the fee per
// period by kind and country, grace, suspension and quarantine times) and its rented numbers'
// states.
import { z } from '@hono/zod-openapi';
import { billing } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, jsonWithEtag, named, Timestamp } from '../schemas.ts';
import { Amount, CurrencyCode } from './billing-views.ts';

const RulesSchema = z
  .object({
    registrarId: z.string(),
    rules: z.object({
      currency: CurrencyCode,
      amounts: z.object({ pin: Amount, vns: Amount }),
      base: z.array(z.object({ country: z.string(), kind: z.enum(['pin', 'vns']), amount: Amount })),
      graceHours: z.number().int(),
      suspendDays: z.number().int(),
      quarantineDays: z.number().int(),
    }),
    version: z.number().int().openapi({ description: '0 while the defaults (no rent) apply' }),
    isDefault: z.boolean(),
  })
  .openapi('RentalRules');

const RentalSchema = z
  .object({
    number: z.string(),
    registrarId: z.string(),
    memberId: z.string(),
    amount: Amount,
    currency: CurrencyCode,
    state: z.enum(['active', 'grace', 'suspended']),
    paidUntil: Timestamp,
    graceUntil: Timestamp.nullable(),
    releaseAt: Timestamp.nullable(),
    version: z.number().int(),
  })
  .openapi('Rental');

const PutBody = named(billing.SetRentalRulesInput.omit({ expectedVersion: true }), 'RentalRulesPut');

export function registerBillingRentalRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/rental-rules',
      tag: 'billing',
      summary: "A registrar's number rental rules (no rent until set)",
      request: { query: listQuery(billing.RentalRulesRef) },
      responses: { 200: jsonWithEtag(RulesSchema, 'The rules') },
      errors: [403],
    }),
    async (c) => {
      const r = await s.billing.rental.getRules(principalOf(c), c.req.valid('query'));
      setEtag(c, r.version);
      return c.json(r, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/billing/rental-rules',
      tag: 'billing',
      summary: 'Replace a registrar\'s rental rules (If-Match: the version, "0" for the defaults)',
      request: { headers: IfMatchHeaderSchema, ...jsonBody(PutBody) },
      responses: { 200: jsonWithEtag(RulesSchema, 'Stored') },
      errors: [403, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const r = await s.billing.rental.setRules(principalOf(c), {
        ...c.req.valid('json'),
        ...expectedVersion(version),
      });
      setEtag(c, r.version);
      return c.json(r, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/rentals',
      tag: 'billing',
      summary: 'Rented numbers and where they are in the life cycle (active, grace, suspended)',
      request: { query: listQuery(billing.ListRentalsInput) },
      responses: { 200: json(pageSchema(RentalSchema, 'RentalPage'), 'A page of rentals') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const present = (r: billing.RentalView) => ({
        ...r,
        paidUntil: iso(r.paidUntil),
        graceUntil: r.graceUntil === null ? null : iso(r.graceUntil),
        releaseAt: r.releaseAt === null ? null : iso(r.releaseAt),
      });
      return c.json(pageBody(c, await s.billing.rental.list(principalOf(c), q), present, q.limit), 200);
    },
  );
}
