// PSTN gateways and the E.164 prefixes they serve: published as the pstn tree (wildcards with
// longest-prefix fillers), one aggregate source for all gateways.
import { createRoute, z } from '@hono/zod-openapi';
import type { PstnGateway } from '../../registry/model.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from '../etag.ts';
import { afterId, nextLink, PageQuerySchema, pageSchema } from '../paging.ts';
import {
  errors,
  iso,
  json,
  jsonBody,
  jsonWithEtag,
  NO_CONTENT,
  OwnerField,
  SECURITY,
  strict,
  versionedFields,
} from '../schemas.ts';

export const RouteId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit',
  );
export const Prefix = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'expected E.164 digits without +, 1-15, not starting with 0')
  .openapi({ example: '8210' });
export const SipHost = z
  .string()
  .min(1)
  .max(260)
  .openapi({ description: 'SIP host[:port] (a DNS name, IPv4, or [IPv6])', example: 'gw.kr.callx.test' });

const GatewaySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    host: z.string(),
    prefixes: z.array(z.string()),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Gateway');

const GatewayCreateSchema = strict({
  id: RouteId.optional().openapi({ description: 'Chosen by you, or generated (gw_...)' }),
  name: z.string().min(1).max(200),
  host: SipHost,
  prefixes: z.array(Prefix).min(1).max(1000),
}).openapi('GatewayCreate');

const GatewayPatchSchema = strict({
  name: z.string().min(1).max(200).optional(),
  host: SipHost.optional(),
  prefixes: z.array(Prefix).min(1).max(1000).optional(),
}).openapi('GatewayPatch');

const IdParam = z.object({ id: RouteId.openapi({ param: { name: 'id', in: 'path' } }) });

const present = (g: PstnGateway) => ({
  id: g._id,
  name: g.name,
  host: g.host,
  prefixes: g.prefixes,
  registrarId: g.registrarId,
  version: g.version,
  createdAt: iso(g.createdAt),
  updatedAt: iso(g.updatedAt),
});

export function registerGatewayRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.gateways;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/gateways',
      tags: ['routing'],
      summary: 'List PSTN gateways',
      security: SECURITY,
      request: { query: PageQuerySchema },
      responses: { 200: json(pageSchema(GatewaySchema, 'GatewayPage'), 'A page of gateways'), ...errors() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await svc.list(principalOf(c), { after: afterId(q.cursor), limit: q.limit });
      return c.json({ items: page.items.map(present), next: nextLink(c, page.next, q.limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/gateways',
      tags: ['routing'],
      summary: 'Add a PSTN gateway and the prefixes it serves',
      security: SECURITY,
      request: jsonBody(GatewayCreateSchema),
      responses: { 201: jsonWithEtag(GatewaySchema, 'Created'), ...errors(409, 413, 415) },
    }),
    async (c) => {
      const g = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/gateways/${g._id}`);
      setEtag(c, g.version);
      return c.json(present(g), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/gateways/{id}',
      tags: ['routing'],
      summary: 'Get a PSTN gateway',
      security: SECURITY,
      request: { params: IdParam },
      responses: { 200: jsonWithEtag(GatewaySchema, 'The gateway'), 304: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const g = await svc.get(principalOf(c), c.req.valid('param').id);
      setEtag(c, g.version);
      if (notModified(c, g.version)) return c.body(null, 304);
      return c.json(present(g), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/gateways/{id}',
      tags: ['routing'],
      summary: 'Change a PSTN gateway (prefixes replace the whole list)',
      security: SECURITY,
      request: { params: IdParam, headers: IfMatchHeaderSchema, ...jsonBody(GatewayPatchSchema) },
      responses: { 200: jsonWithEtag(GatewaySchema, 'Changed'), ...errors(404, 409, 413, 415) },
    }),
    async (c) => {
      const ifVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const g = await svc.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'), ifVersion);
      setEtag(c, g.version);
      return c.json(present(g), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/gateways/{id}',
      tags: ['routing'],
      summary: 'Remove a PSTN gateway and its routes',
      security: SECURITY,
      request: { params: IdParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT, ...errors(404, 409) },
    }),
    async (c) => {
      await svc.remove(
        principalOf(c),
        c.req.valid('param').id,
        ifMatchVersion(c.req.valid('header')['if-match']),
      );
      return c.body(null, 204);
    },
  );
}
