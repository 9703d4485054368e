// Partner carriers: their number ranges route to their SIP ingress (the carriers tree), the
// caller's identity is switched into their format, and their own ENUM tree may be asked. The
// operator's data: every token reads it, only the admin writes it (docs/api.md, "Routing data").
import { z } from '@hono/zod-openapi';
import type { PartnerCarrier } from '#core';
import { CarrierInput, CarrierPatch, PageInput } from '#registry';
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
  presentTrust,
  versionedFields,
} from '../schemas.ts';
import { RouteIdParam } from './gateways.ts';

const CarrierSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ingress: z.string(),
    ranges: z.array(z.string()),
    callerIdFormat: z.enum(['e164', 'national', 'pin']),
    enumSuffix: z.string().optional(),
    trust: PeerTrustView.optional(),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Carrier');

const CarrierCreate = named(CarrierInput, 'CarrierCreate');
const CarrierChange = named(CarrierPatch, 'CarrierPatch');

const present = (x: PartnerCarrier) => ({
  id: x._id,
  name: x.name,
  ingress: x.ingress,
  ranges: x.ranges,
  callerIdFormat: x.callerIdFormat,
  ...(x.enumSuffix ? { enumSuffix: x.enumSuffix } : {}),
  ...presentTrust(x.trust),
  registrarId: x.registrarId,
  version: x.version,
  createdAt: iso(x.createdAt),
  updatedAt: iso(x.updatedAt),
});

export function registerCarrierRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.carriers;

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/carriers',
      tag: 'routing',
      summary: 'List partner carriers',
      request: { query: listQuery(PageInput) },
      responses: { 200: json(pageSchema(CarrierSchema, 'CarrierPage'), 'A page of carriers') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await svc.list(principalOf(c), q), present, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/carriers',
      tag: 'routing',
      summary: 'Add a partner carrier: SIP ingress, number ranges, caller-id format, ENUM suffix (admin)',
      request: jsonBody(CarrierCreate),
      responses: { 201: jsonWithEtag(CarrierSchema, 'Created') },
      errors: [403, 409],
    }),
    async (c) => {
      const carrier = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/carriers/${carrier._id}`);
      setEtag(c, carrier.version);
      return c.json(present(carrier), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/carriers/{id}',
      tag: 'routing',
      summary: 'Get a partner carrier',
      request: { params: RouteIdParam },
      responses: { 200: jsonWithEtag(CarrierSchema, 'The carrier'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const carrier = await svc.get(principalOf(c), c.req.valid('param').id);
      setEtag(c, carrier.version);
      if (notModified(c, carrier.version)) return c.body(null, 304);
      return c.json(present(carrier), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/carriers/{id}',
      tag: 'routing',
      summary: 'Change a partner carrier (ranges replace the whole list; admin)',
      request: { params: RouteIdParam, headers: IfMatchHeaderSchema, ...jsonBody(CarrierChange) },
      responses: { 200: jsonWithEtag(CarrierSchema, 'Changed') },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const carrier = await svc.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'), version);
      setEtag(c, carrier.version);
      return c.json(present(carrier), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/carriers/{id}',
      tag: 'routing',
      summary: 'Remove a partner carrier and its routes (admin)',
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
