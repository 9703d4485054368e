// Counterparties' tokens (docs/billing.md, "CDRs"): the admin gives a PSTN gateway operator, a
// partner carrier or a country center a token of its own, with which it posts its CDRs and reads
// its statements — and nothing of any registrar's.
import { z } from '@hono/zod-openapi';
import { billing, TokenId, TokenInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, NO_CONTENT, named, Timestamp } from '../schemas.ts';

const PartyParam = z.object({ party: billing.CounterpartyKey });

const PartyTokenSchema = z
  .object({ id: z.string(), party: z.string(), label: z.string(), createdAt: Timestamp })
  .openapi('PartyToken');
const CreatedPartyTokenSchema = PartyTokenSchema.extend({
  token: z.string().openapi({ description: 'The bearer token. Shown once: only its hash is stored.' }),
}).openapi('CreatedPartyToken');

const present = (t: { id: string; party?: string; label: string; createdAt: number }) => ({
  id: t.id,
  party: t.party ?? '',
  label: t.label,
  createdAt: iso(t.createdAt),
});

export function registerBillingPartyRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/billing/counterparties/{party}/tokens',
      tag: 'billing',
      summary:
        'Create a token for a gateway, carrier or center (the admin); the secret is in this response only',
      request: { params: PartyParam, ...jsonBody(named(TokenInput, 'PartyTokenInput')) },
      responses: { 201: json(CreatedPartyTokenSchema, 'Created') },
      errors: [403],
    }),
    async (c) => {
      const t = await s.auth.createToken(
        principalOf(c),
        { role: 'counterparty', party: c.req.valid('param').party },
        c.req.valid('json'),
      );
      c.header('cache-control', 'no-store');
      return c.json({ ...present(t), token: t.token }, 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/billing/counterparties/{party}/tokens',
      tag: 'billing',
      summary: "A counterparty's tokens (never the secrets), in creation order (the admin)",
      request: {
        params: PartyParam,
        query: listQuery(z.object({ cursor: z.string().optional(), limit: z.coerce.number().optional() })),
      },
      responses: { 200: json(pageSchema(PartyTokenSchema, 'PartyTokenPage'), 'A page of tokens') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.auth.listPartyTokens(principalOf(c), c.req.valid('param').party, q);
      return c.json(pageBody(c, page, present, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/billing/counterparties/{party}/tokens/{tokenId}',
      tag: 'billing',
      summary: "Revoke a counterparty's token at once (the admin)",
      request: { params: PartyParam.extend({ tokenId: TokenId }) },
      responses: { 204: NO_CONTENT },
      errors: [403, 404],
    }),
    async (c) => {
      const { party, tokenId } = c.req.valid('param');
      await s.auth.revokePartyToken(principalOf(c), party, tokenId);
      return c.body(null, 204);
    },
  );
}
