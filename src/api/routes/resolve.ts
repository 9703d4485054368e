// What the SIP redirector would answer for a dialed identifier: the same resolution `callx
// resolve` runs (classification, every DNS query, the NAPTRs chosen and why, the Contacts).
import { z } from '@hono/zod-openapi';
import { decisionJson } from '#resolve';
import type { ApiApp, Services } from '../context.ts';
import { ApiError } from '../errors.ts';
import { v1Route } from '../route.ts';
import { json } from '../schemas.ts';

const Loose = z.object({}).catchall(z.unknown());

const DecisionSchema = z
  .object({
    target: z.string(),
    status: z
      .number()
      .int()
      .openapi({ description: 'The SIP status the redirector answers: 302, or an error', example: 302 }),
    reason: z.string().openapi({ example: 'Moved Temporarily' }),
    why: z.string().optional(),
    retryAfter: z.number().optional(),
    classification: Loose.nullable().openapi({
      description: 'How the identifier was recognised (pin, vns, e164, email, domain)',
    }),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    caller: Loose.nullable(),
    queries: z.array(Loose).openapi({ description: 'Every DNS query, its answer and the NAPTR decisions' }),
    contacts: z.array(
      z.object({
        contact: z.string(),
        target: z.string(),
        q: z.string(),
        source: z.string(),
        callerId: Loose.nullable(),
      }),
    ),
    services: z.array(z.object({ service: z.string(), uri: z.string() })),
    notes: z.array(z.string()).openapi({
      description:
        'What was decided besides the Contacts: a route skipped and why, registered terminals, a shared calling code',
    }),
  })
  .openapi('Decision');

const ResolveQuery = z.object({
  identifier: z
    .string()
    .min(1)
    .max(512)
    .openapi({ param: { name: 'identifier', in: 'query' }, example: '02-6200-6200-082' }),
  from: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .openapi({
      param: { name: 'from', in: 'query' },
      description: "The caller's identity, for national numbers and caller-id switching",
    }),
});

export function registerResolveRoute(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/resolve',
      tag: 'resolve',
      summary: 'Resolve an identifier as the SIP redirector does (the same decision as `callx resolve`)',
      request: { query: ResolveQuery },
      responses: { 200: json(DecisionSchema, 'The decision; `status` is the SIP answer') },
      errors: [503],
    }),
    async (c) => {
      if (!s.resolve) throw new ApiError('unavailable', 'this API process has no resolver configured');
      const { identifier, from } = c.req.valid('query');
      const d = await s.resolve(identifier, from ? { uri: from, header: 'command line' } : undefined);
      return c.json(decisionJson(d) as z.infer<typeof DecisionSchema>, 200);
    },
  );
}
