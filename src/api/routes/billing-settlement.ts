// Settlement (docs/billing.md, "Settlement"): a party's statement for a period — calls,
// minutes, revenue, cost, margin by currency, and a registrar's ledger totals — as JSON or CSV;
// closing a period (the admin), after which its statements never change.
import { z } from '@hono/zod-openapi';
import { billing } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { v1Route } from '../route.ts';
import { iso, json, pathParam, Timestamp } from '../schemas.ts';
import { Amount, CSV, CurrencyCode } from './billing-views.ts';

const StatementSchema = z
  .object({
    party: z.string(),
    period: z.string(),
    state: z.enum(['open', 'closing', 'closed']).openapi({ description: 'closed: final; open: as of now' }),
    from: Timestamp,
    until: Timestamp,
    lines: z.array(
      z.object({
        currency: CurrencyCode,
        calls: z.number().int(),
        answered: z.number().int(),
        seconds: z.number().int(),
        minutes: z.string(),
        revenue: Amount,
        cost: Amount,
        margin: Amount,
      }),
    ),
    ledger: z.array(
      z.object({ kind: z.string(), currency: CurrencyCode, count: z.number().int(), amount: Amount }),
    ),
  })
  .openapi('Statement');

const StatementParams = z.object({ party: billing.PartyKey, period: billing.Period });

export function registerBillingSettlementRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/statements/{party}/{period}',
      tag: 'billing',
      summary: "A party's statement for a period, as JSON or (format=csv, or Accept: text/csv) CSV",
      description:
        "A registrar reads its own ('registrar:<id>'), a counterparty its own ('gateway:gw-kr'), the admin any.",
      request: { params: StatementParams, query: z.object({ format: z.enum(['json', 'csv']).optional() }) },
      responses: {
        200: {
          description: 'The statement',
          content: { 'application/json': { schema: StatementSchema }, 'text/csv': { schema: z.string() } },
        },
      },
      errors: [404],
    }),
    async (c) => {
      const { party, period } = c.req.valid('param');
      const st = await s.billing.settlement.statement(principalOf(c), { party, period });
      const csv = c.req.valid('query').format === 'csv' || /\btext\/csv\b/.test(c.req.header('accept') ?? '');
      if (csv) return c.body(s.billing.settlement.csv(st), 200, { 'content-type': CSV });
      return c.json({ ...st, from: iso(st.from), until: iso(st.until) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/periods/{period}/close',
      tag: 'billing',
      summary: 'Close a settlement period that has ended (the admin): its statements are stored and final',
      description:
        'The period is closing at once and closed when the sweep has stored every statement. CDRs of its calls that ' +
        'arrive later count in the open period; corrections are adjustments posted now.',
      request: { params: pathParam('period', billing.Period) },
      responses: {
        200: json(
          z
            .object({ period: z.string(), status: z.enum(['open', 'closing', 'closed']) })
            .openapi('PeriodState'),
          'Closing or closed',
        ),
      },
      errors: [403, 409],
    }),
    async (c) =>
      c.json(await s.billing.settlement.close(principalOf(c), { period: c.req.valid('param').period }), 200),
  );
}
