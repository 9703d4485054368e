// CDRs (docs/billing.md, "CDRs"): gateways, partners and centers post the call detail records of
// the calls they carried with their own tokens — JSON batches of up to 1,000, or CSV with their
// own column names mapped — each rated once per (source, Call-ID); the call history; the review
// list of CDRs that could not be charged as they came, and the operator's decision on each.
import { z } from '@hono/zod-openapi';
import { billing } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { json, jsonBody, named, pathParam } from '../schemas.ts';
import { CdrSchema, csvBody, csvRequest, presentCdr } from './billing-views.ts';

// The body as documented; the registry checks every field (and names it /cdrs/<i>/<field>).
const CdrItem = z
  .object({
    callId: z.string().openapi({ description: "The call's SIP Call-ID: one CDR per (source, Call-ID)" }),
    routeId: z.string().optional().openapi({ description: "The route token's jti (or its route id)" }),
    routeToken: z.string().optional().openapi({ description: 'The route token from the Contact, when kept' }),
    start: z
      .string()
      .openapi({ description: 'ISO 8601 with Z or an offset', example: '2026-01-31T12:00:00Z' }),
    answer: z.string().optional(),
    end: z.string(),
    disposition: z.string().openapi({ description: 'answered, busy, no-answer, failed or cancelled' }),
  })
  .passthrough()
  .openapi('CdrInput');

const IngestBody = z
  .object({
    source: z
      .string()
      .optional()
      .openapi({ description: "The admin posts for a counterparty: 'gateway:gw-kr'" }),
    cdrs: z.array(CdrItem).openapi({ description: 'At most 1,000' }),
  })
  .openapi('CdrBatch');

const ResultSchema = z
  .object({
    index: z.number().int(),
    callId: z.string(),
    id: z.string(),
    outcome: z.enum(['rated', 'duplicate', 'review']),
    reason: z.string().optional(),
    charge: z.string().optional(),
    currency: z.string().optional(),
    cost: z.string().optional(),
    costCurrency: z.string().optional(),
    seconds: z.number().int().optional(),
  })
  .openapi('CdrResult');

const IngestResultSchema = z
  .object({
    source: z.string(),
    rated: z.number().int(),
    duplicates: z.number().int(),
    review: z.number().int(),
    results: z.array(ResultSchema),
  })
  .openapi('CdrBatchResult');

const CsvQuery = z.object({
  source: z.string().optional().openapi({ description: 'The admin posts for a counterparty' }),
  callId: z.string().optional().openapi({ description: 'Column of the Call-ID (default call_id)' }),
  routeId: z.string().optional().openapi({ description: 'Column of the route id (default route_id)' }),
  routeToken: z
    .string()
    .optional()
    .openapi({ description: 'Column of the route token (default route_token)' }),
  start: z.string().optional().openapi({ description: 'Column of the start time (default start)' }),
  answer: z.string().optional().openapi({ description: 'Column of the answer time (default answer)' }),
  end: z.string().optional().openapi({ description: 'Column of the end time (default end)' }),
  disposition: z
    .string()
    .optional()
    .openapi({ description: 'Column of the disposition (default disposition)' }),
});

const CdrIdParam = pathParam('id', z.string().min(1).max(600));
const ResolveBody = named(billing.ResolveReviewInput.omit({ cdrId: true }), 'ReviewDecision');

export function registerBillingCdrRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/cdrs',
      tag: 'billing',
      summary: "Post a batch of CDRs (a counterparty's token; the admin names the source)",
      description:
        'A batch is refused whole when any CDR is malformed (400, every field named /cdrs/<i>/<field>), and then nothing ' +
        'is stored. Otherwise each CDR is rated and charged once per (source, Call-ID): the same CDR again is a duplicate; ' +
        'one that matches no route, comes again with other content, names a route of another counterparty or is ' +
        'longer than its route allowed goes to the review list.',
      request: jsonBody(IngestBody),
      responses: { 200: json(IngestResultSchema, 'What became of each CDR') },
      errors: [403],
    }),
    async (c) => c.json(await s.billing.cdrs.ingest(principalOf(c), c.req.valid('json')), 200),
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/cdrs/csv',
      tag: 'billing',
      summary: 'Post CDRs as CSV with a header row; query parameters map each field to a column',
      description:
        'At most 1,000 rows. Bad rows refuse the file (400, /rows/<line>/<field>); nothing is stored.',
      request: { query: CsvQuery, ...csvRequest('CDRs, one per row, with a header row') },
      responses: { 200: json(IngestResultSchema, 'What became of each CDR') },
      errors: [403],
    }),
    async (c) => {
      const { source, ...mapping } = c.req.valid('query');
      const csv = await csvBody(c);
      return c.json(
        await s.billing.cdrs.ingestCsv(principalOf(c), { ...(source ? { source } : {}), csv, mapping }),
        200,
      );
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/cdrs',
      tag: 'billing',
      summary:
        "Call history: a registrar's members' CDRs (charges), a counterparty's own (costs), the admin's all",
      request: { query: listQuery(billing.ListCdrsInput) },
      responses: { 200: json(pageSchema(CdrSchema, 'CdrPage'), 'A page of CDRs') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.billing.cdrs.list(principalOf(c), q), presentCdr, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/review',
      tag: 'billing',
      summary: 'CDRs in review (the admin): no route, a conflicting copy, too long, another counterparty',
      request: { query: listQuery(billing.ListReviewInput) },
      responses: { 200: json(pageSchema(CdrSchema, 'ReviewPage'), 'A page of CDRs in review') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        pageBody(c, await s.billing.cdrs.reviewList(principalOf(c), q), presentCdr, q.limit),
        200,
      );
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/review/{id}/resolve',
      tag: 'billing',
      summary: 'Decide a CDR in review (the admin): retry its route, accept it as rated, or dismiss it',
      request: { params: CdrIdParam, ...jsonBody(ResolveBody) },
      responses: { 200: json(CdrSchema, 'The CDR as decided') },
      errors: [403, 404, 409],
    }),
    async (c) =>
      c.json(
        presentCdr(
          await s.billing.cdrs.resolve(principalOf(c), {
            cdrId: c.req.valid('param').id,
            ...c.req.valid('json'),
          }),
        ),
        200,
      ),
  );
}
