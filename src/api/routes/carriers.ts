// Partner carriers: their number ranges route to their SIP ingress (the carriers tree), the
// caller's identity is switched into their format, and their own ENUM tree may be asked.
import { createRoute, z } from '@hono/zod-openapi';
import type { PartnerCarrier } from '../../registry/model.ts';
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
import { Prefix, RouteId, SipHost } from './gateways.ts';

const CallerIdFormat = z
  .enum(['e164', 'national', 'pin'])
  .openapi({ description: "How the partner wants the caller's number written" });
const EnumSuffix = z
  .string()
  .min(3)
  .max(253)
  .transform((s) => s.toLowerCase().replace(/\.$/, ''))
  .openapi({ description: "The partner's own ENUM tree", example: 'e164.partner.example' });

const CarrierSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ingress: z.string(),
    ranges: z.array(z.string()),
    callerIdFormat: CallerIdFormat,
    enumSuffix: z.string().optional(),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Carrier');

const CarrierCreateSchema = strict({
  id: RouteId.optional().openapi({ description: 'Chosen by you, or generated (carrier_...)' }),
  name: z.string().min(1).max(200),
  ingress: SipHost,
  ranges: z.array(Prefix).min(1).max(1000),
  callerIdFormat: CallerIdFormat.default('e164'),
  enumSuffix: EnumSuffix.optional(),
}).openapi('CarrierCreate');

const CarrierPatchSchema = strict({
  name: z.string().min(1).max(200).optional(),
  ingress: SipHost.optional(),
  ranges: z.array(Prefix).min(1).max(1000).optional(),
  callerIdFormat: CallerIdFormat.optional(),
  enumSuffix: EnumSuffix.nullable().optional().openapi({ description: 'null removes it' }),
}).openapi('CarrierPatch');

const IdParam = z.object({ id: RouteId.openapi({ param: { name: 'id', in: 'path' } }) });

const present = (x: PartnerCarrier) => ({
  id: x._id,
  name: x.name,
  ingress: x.ingress,
  ranges: x.ranges,
  callerIdFormat: x.callerIdFormat,
  ...(x.enumSuffix ? { enumSuffix: x.enumSuffix } : {}),
  registrarId: x.registrarId,
  version: x.version,
  createdAt: iso(x.createdAt),
  updatedAt: iso(x.updatedAt),
});

export function registerCarrierRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.carriers;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/carriers',
      tags: ['routing'],
      summary: 'List partner carriers',
      security: SECURITY,
      request: { query: PageQuerySchema },
      responses: { 200: json(pageSchema(CarrierSchema, 'CarrierPage'), 'A page of carriers'), ...errors() },
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
      path: '/v1/carriers',
      tags: ['routing'],
      summary: 'Add a partner carrier: SIP ingress, number ranges, caller-id format, ENUM suffix',
      security: SECURITY,
      request: jsonBody(CarrierCreateSchema),
      responses: { 201: jsonWithEtag(CarrierSchema, 'Created'), ...errors(409, 413, 415) },
    }),
    async (c) => {
      const x = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/carriers/${x._id}`);
      setEtag(c, x.version);
      return c.json(present(x), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/carriers/{id}',
      tags: ['routing'],
      summary: 'Get a partner carrier',
      security: SECURITY,
      request: { params: IdParam },
      responses: { 200: jsonWithEtag(CarrierSchema, 'The carrier'), 304: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const x = await svc.get(principalOf(c), c.req.valid('param').id);
      setEtag(c, x.version);
      if (notModified(c, x.version)) return c.body(null, 304);
      return c.json(present(x), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/carriers/{id}',
      tags: ['routing'],
      summary: 'Change a partner carrier (ranges replace the whole list)',
      security: SECURITY,
      request: { params: IdParam, headers: IfMatchHeaderSchema, ...jsonBody(CarrierPatchSchema) },
      responses: { 200: jsonWithEtag(CarrierSchema, 'Changed'), ...errors(404, 409, 413, 415) },
    }),
    async (c) => {
      const ifVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const x = await svc.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'), ifVersion);
      setEtag(c, x.version);
      return c.json(present(x), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/carriers/{id}',
      tags: ['routing'],
      summary: 'Remove a partner carrier and its routes',
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
