// PSTN gateways and the E.164 prefixes they serve: published as the pstn tree (wildcards with
// longest-prefix fillers), one aggregate source for all gateways. The operator's data: every
// token reads it, only the admin writes it (docs/api.md, "Routing data").
import { z } from '@hono/zod-openapi';
import type { PstnGateway } from '#core';
import { GatewayInput, GatewayPatch, PageInput, Slug } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from '../etag.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import {
  iso,
  json,
  jsonBody,
  jsonWithEtag,
  NO_CONTENT,
  named,
  OwnerField,
  PeerTrustView,
  pathParam,
  presentTrust,
  versionedFields,
} from '../schemas.ts';

const GatewaySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    host: z.string(),
    prefixes: z.array(z.string()),
    trust: PeerTrustView.optional(),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Gateway');

const GatewayCreate = named(GatewayInput, 'GatewayCreate');
const GatewayChange = named(GatewayPatch, 'GatewayPatch');
/** Gateway and carrier ids in a path (carriers.ts too). */
export const RouteIdParam = pathParam('id', Slug);

const present = (g: PstnGateway) => ({
  id: g._id,
  name: g.name,
  host: g.host,
  prefixes: g.prefixes,
  ...presentTrust(g.trust),
  registrarId: g.registrarId,
  version: g.version,
  createdAt: iso(g.createdAt),
  updatedAt: iso(g.updatedAt),
});

export function registerGatewayRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.gateways;

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/gateways',
      tag: 'routing',
      summary: 'List PSTN gateways',
      request: { query: listQuery(PageInput) },
      responses: { 200: json(pageSchema(GatewaySchema, 'GatewayPage'), 'A page of gateways') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await svc.list(principalOf(c), q), present, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/gateways',
      tag: 'routing',
      summary: 'Add a PSTN gateway and the prefixes it serves (admin)',
      request: jsonBody(GatewayCreate),
      responses: { 201: jsonWithEtag(GatewaySchema, 'Created') },
      errors: [403, 409],
    }),
    async (c) => {
      const gw = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/gateways/${gw._id}`);
      setEtag(c, gw.version);
      return c.json(present(gw), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/gateways/{id}',
      tag: 'routing',
      summary: 'Get a PSTN gateway',
      request: { params: RouteIdParam },
      responses: { 200: jsonWithEtag(GatewaySchema, 'The gateway'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const gw = await svc.get(principalOf(c), c.req.valid('param').id);
      setEtag(c, gw.version);
      if (notModified(c, gw.version)) return c.body(null, 304);
      return c.json(present(gw), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/gateways/{id}',
      tag: 'routing',
      summary: 'Change a PSTN gateway (prefixes replace the whole list; admin)',
      request: { params: RouteIdParam, headers: IfMatchHeaderSchema, ...jsonBody(GatewayChange) },
      responses: { 200: jsonWithEtag(GatewaySchema, 'Changed') },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const gw = await svc.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'), version);
      setEtag(c, gw.version);
      return c.json(present(gw), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/gateways/{id}',
      tag: 'routing',
      summary: 'Remove a PSTN gateway and its routes (admin)',
      request: { params: RouteIdParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      await svc.remove(principalOf(c), c.req.valid('param').id, version);
      return c.body(null, 204);
    },
  );
}
