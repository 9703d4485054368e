// Registrars and their API tokens: the admin creates registrars; the admin or the registrar
// itself creates, lists and revokes the registrar's tokens. Admin tokens: `callx token create --admin`.
import { z } from '@hono/zod-openapi';
import type { Registrar } from '#core';
import { PageInput, RegistrarId, RegistrarInput, TokenId, type TokenInfo, TokenInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, NO_CONTENT, named, pathParam, Timestamp, versionedFields } from '../schemas.ts';

const RegistrarSchema = z
  .object({ id: z.string().openapi({ example: 'acme-telecom' }), name: z.string(), ...versionedFields })
  .openapi('Registrar');

const TokenSchema = z
  .object({
    id: z.string().openapi({ description: 'SHA-256 of the token, hex: its public identifier' }),
    role: z.enum(['admin', 'registrar', 'counterparty']),
    registrarId: z.string().nullable(),
    party: z
      .string()
      .optional()
      .openapi({ description: "A counterparty's token: its party ('gateway:gw-kr')" }),
    label: z.string(),
    createdAt: Timestamp,
  })
  .openapi('Token');

const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().openapi({
    description: 'The bearer token. Shown once: only its hash is stored.',
    example: 'cx_3q2-...',
  }),
}).openapi('CreatedToken');

const RegistrarCreate = named(RegistrarInput, 'RegistrarCreate');
const TokenCreate = named(TokenInput, 'TokenCreate');
const IdParam = pathParam('id', RegistrarId);
const TokenParams = IdParam.extend({ tokenId: TokenId });
const Page = listQuery(PageInput);

const present = (r: Registrar) => ({
  id: r._id,
  name: r.name,
  version: r.version,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});
const presentToken = (t: TokenInfo) => ({ ...t, createdAt: iso(t.createdAt) });

export function registerRegistrarRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/registrars',
      tag: 'registrars',
      summary: 'List registrars (a registrar sees itself)',
      request: { query: Page },
      responses: { 200: json(pageSchema(RegistrarSchema, 'RegistrarPage'), 'A page of registrars') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.auth.listRegistrars(principalOf(c), q), present, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/registrars',
      tag: 'registrars',
      summary: 'Create a registrar (admin)',
      request: jsonBody(RegistrarCreate),
      responses: { 201: json(RegistrarSchema, 'Created') },
      errors: [403, 409],
    }),
    async (c) => {
      const r = await s.auth.createRegistrar(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/registrars/${r._id}`);
      return c.json(present(r), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/registrars/{id}',
      tag: 'registrars',
      summary: 'Get a registrar',
      request: { params: IdParam },
      responses: { 200: json(RegistrarSchema, 'The registrar') },
      errors: [404],
    }),
    async (c) => c.json(present(await s.auth.getRegistrar(principalOf(c), c.req.valid('param').id)), 200),
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/registrars/{id}/tokens',
      tag: 'registrars',
      summary: "List a registrar's tokens (never the secrets), in creation order",
      request: { params: IdParam, query: Page },
      responses: { 200: json(pageSchema(TokenSchema, 'TokenPage'), 'A page of tokens') },
      errors: [404],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.auth.listTokens(principalOf(c), c.req.valid('param').id, q);
      return c.json(pageBody(c, page, presentToken, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/registrars/{id}/tokens',
      tag: 'registrars',
      summary: 'Create a token for a registrar; the secret is in this response only',
      request: { params: IdParam, ...jsonBody(TokenCreate) },
      responses: { 201: json(CreatedTokenSchema, 'Created') },
      errors: [404],
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const t = await s.auth.createToken(
        principalOf(c),
        { role: 'registrar', registrarId: id },
        c.req.valid('json'),
      );
      // app.ts marks every /v1 answer no-store; the one answer with a secret says so itself
      c.header('cache-control', 'no-store');
      return c.json({ ...presentToken(t), token: t.token }, 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/registrars/{id}/tokens/{tokenId}',
      tag: 'registrars',
      summary: 'Revoke a token (at once)',
      request: { params: TokenParams },
      responses: { 204: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const { id, tokenId } = c.req.valid('param');
      await s.auth.revokeToken(principalOf(c), id, tokenId);
      return c.body(null, 204);
    },
  );
}
