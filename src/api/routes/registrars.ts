// Registrars and their API tokens: the admin creates registrars; the admin or the registrar
// itself creates, lists and revokes the registrar's tokens. Admin tokens: `callx token create --admin`.
import { z } from '@hono/zod-openapi';
import type { Registrar } from '#core';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes } from '../crud.ts';
import { v1Route } from '../route.ts';
import {
  iso,
  json,
  jsonBody,
  NO_CONTENT,
  pathParam,
  Slug,
  strict,
  Timestamp,
  versionedFields,
} from '../schemas.ts';

const RegistrarId = Slug.openapi({ example: 'acme-telecom' });

const RegistrarSchema = z
  .object({ id: RegistrarId, name: z.string(), ...versionedFields })
  .openapi('Registrar');

const RegistrarCreateSchema = strict({ id: RegistrarId, name: z.string().min(1).max(200) }).openapi(
  'RegistrarCreate',
);

const TokenSchema = z
  .object({
    id: z.string().openapi({ description: 'SHA-256 of the token, hex: its public identifier' }),
    role: z.enum(['admin', 'registrar']),
    registrarId: z.string().nullable(),
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

const TokenCreateSchema = strict({ label: z.string().max(200).default('') }).openapi('TokenCreate');

const IdParam = pathParam('id', RegistrarId);
const TokenParams = IdParam.extend({
  tokenId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected the 64 hex digits of a token id')
    .openapi({ param: { name: 'tokenId', in: 'path' } }),
});

const present = (r: Registrar) => ({
  id: r._id,
  name: r.name,
  version: r.version,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});
const presentToken = (t: {
  id: string;
  role: 'admin' | 'registrar';
  registrarId: string | null;
  label: string;
  createdAt: number;
}) => ({
  ...t,
  createdAt: iso(t.createdAt),
});

export function registerRegistrarRoutes(app: ApiApp, s: Services): void {
  const r = crudRoutes(app, {
    tag: 'registrars',
    path: '/v1/registrars',
    key: IdParam,
    schema: RegistrarSchema,
    present,
    keyOf: (x) => x._id,
  });
  r.list(
    {
      summary: 'List registrars (a registrar sees itself)',
      page: 'RegistrarPage',
      answer: 'A page of registrars',
    },
    s.auth.listRegistrars,
  );
  r.create(
    { summary: 'Create a registrar (admin)', body: RegistrarCreateSchema, etag: false, errors: [403, 409] },
    s.auth.createRegistrar,
  );
  r.get({ summary: 'Get a registrar', answer: 'The registrar', etag: false }, s.auth.getRegistrar);

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/registrars/{id}/tokens',
      tag: 'registrars',
      summary: "List a registrar's tokens (never the secrets)",
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(TokenSchema) }), 'The tokens') },
      errors: [404],
    }),
    async (c) => {
      const items = await s.auth.listTokens(principalOf(c), c.req.valid('param').id);
      return c.json({ items: items.map(presentToken) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/registrars/{id}/tokens',
      tag: 'registrars',
      summary: 'Create a token for a registrar; the secret is in this response only',
      request: { params: IdParam, ...jsonBody(TokenCreateSchema) },
      responses: { 201: json(CreatedTokenSchema, 'Created') },
      errors: [404],
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const t = await s.auth.createToken(
        principalOf(c),
        { role: 'registrar', registrarId: id },
        c.req.valid('json').label,
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
