// Registrars and their API tokens: the admin creates registrars; the admin or the registrar
// itself creates, lists and revokes the registrar's tokens. Admin tokens: `callx token create --admin`.
import { createRoute, z } from '@hono/zod-openapi';
import type { Registrar } from '../../registry/model.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { afterId, nextLink, PageQuerySchema, pageSchema } from '../paging.ts';
import {
  errors,
  iso,
  json,
  jsonBody,
  NO_CONTENT,
  SECURITY,
  strict,
  Timestamp,
  versionedFields,
} from '../schemas.ts';

const RegistrarId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit',
  )
  .openapi({ example: 'acme-telecom' });

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

const IdParam = z.object({ id: RegistrarId.openapi({ param: { name: 'id', in: 'path' } }) });
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
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/registrars',
      tags: ['registrars'],
      summary: 'List registrars (a registrar sees itself)',
      security: SECURITY,
      request: { query: PageQuerySchema },
      responses: {
        200: json(pageSchema(RegistrarSchema, 'RegistrarPage'), 'A page of registrars'),
        ...errors(),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.auth.listRegistrars(principalOf(c), { after: afterId(q.cursor), limit: q.limit });
      return c.json({ items: page.items.map(present), next: nextLink(c, page.next, q.limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/registrars',
      tags: ['registrars'],
      summary: 'Create a registrar (admin)',
      security: SECURITY,
      request: jsonBody(RegistrarCreateSchema),
      responses: { 201: json(RegistrarSchema, 'Created'), ...errors(403, 409, 413, 415) },
    }),
    async (c) => {
      const r = await s.auth.createRegistrar(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/registrars/${r._id}`);
      return c.json(present(r), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/registrars/{id}',
      tags: ['registrars'],
      summary: 'Get a registrar',
      security: SECURITY,
      request: { params: IdParam },
      responses: { 200: json(RegistrarSchema, 'The registrar'), ...errors(404) },
    }),
    async (c) => c.json(present(await s.auth.getRegistrar(principalOf(c), c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/registrars/{id}/tokens',
      tags: ['registrars'],
      summary: "List a registrar's tokens (never the secrets)",
      security: SECURITY,
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(TokenSchema) }), 'The tokens'), ...errors(404) },
    }),
    async (c) => {
      const items = await s.auth.listTokens(principalOf(c), c.req.valid('param').id);
      return c.json({ items: items.map(presentToken) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/registrars/{id}/tokens',
      tags: ['registrars'],
      summary: 'Create a token for a registrar; the secret is in this response only',
      security: SECURITY,
      request: { params: IdParam, ...jsonBody(TokenCreateSchema) },
      responses: { 201: json(CreatedTokenSchema, 'Created'), ...errors(404, 413, 415) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const t = await s.auth.createToken(
        principalOf(c),
        { role: 'registrar', registrarId: id },
        c.req.valid('json').label,
      );
      c.header('cache-control', 'no-store');
      return c.json({ ...presentToken(t), token: t.token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/registrars/{id}/tokens/{tokenId}',
      tags: ['registrars'],
      summary: 'Revoke a token (at once)',
      security: SECURITY,
      request: { params: TokenParams },
      responses: { 204: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const { id, tokenId } = c.req.valid('param');
      await s.auth.revokeToken(principalOf(c), id, tokenId);
      return c.body(null, 204);
    },
  );
}
