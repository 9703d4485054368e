// Zones managed over HTTP: create with apex, SOA values and NS set; list, get (with its record
// sets), change SOA/NS, delete. Changes reach DNS nodes through the change journal.
import { z } from '@hono/zod-openapi';
import type { ZoneDoc } from '#core';
import { PageInput, ZoneInput, ZonePatch, type ZoneRef } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import {
  ApexParam,
  iso,
  json,
  jsonBody,
  jsonWithEtag,
  NO_CONTENT,
  named,
  OwnerField,
  versionedFields,
} from '../schemas.ts';
import { presentRRset, RRsetSchema } from './rrsets.ts';

const SoaSchema = z
  .object({
    mname: z.string(),
    rname: z.string(),
    refresh: z.number().int(),
    retry: z.number().int(),
    expire: z.number().int(),
    minimum: z.number().int(),
    ttl: z.number().int(),
  })
  .openapi('Soa');

const ZoneSchema = z
  .object({
    apex: z.string(),
    source: z
      .enum(['api', 'file'])
      .openapi({ description: 'Created over HTTP, or a master file (admin only)' }),
    soa: SoaSchema.optional(),
    ns: z.array(z.string()).optional(),
    registrarId: OwnerField,
    version: versionedFields.version.optional(),
    createdAt: versionedFields.createdAt.optional(),
    updatedAt: versionedFields.updatedAt.optional(),
  })
  .openapi('Zone');

const ZoneWithRRsetsSchema = ZoneSchema.extend({
  rrsets: z
    .array(RRsetSchema)
    .openapi({ description: 'Record sets set over HTTP (master-file data: see /export)' }),
}).openapi('ZoneWithRRsets');

const ZoneCreate = named(ZoneInput, 'ZoneCreate');
const ZoneChange = named(ZonePatch, 'ZonePatch');

export function presentZone(z: ZoneDoc) {
  return {
    apex: z._id,
    source: 'api' as const,
    soa: z.soa,
    ns: z.ns,
    registrarId: z.registrarId,
    version: z.version,
    createdAt: iso(z.createdAt),
    updatedAt: iso(z.updatedAt),
  };
}

const presentRef = (ref: ZoneRef) =>
  ref.kind === 'doc' ? presentZone(ref.doc) : { apex: ref.apex, source: 'file' as const, registrarId: null };

export function registerZoneRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/zones',
      tag: 'zones',
      summary: 'List zones created over HTTP',
      request: { query: listQuery(PageInput) },
      responses: { 200: json(pageSchema(ZoneSchema, 'ZonePage'), 'A page of zones') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.zones.list(principalOf(c), q), presentZone, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/zones',
      tag: 'zones',
      summary: 'Create a zone with its SOA values and NS set',
      request: jsonBody(ZoneCreate),
      responses: { 201: jsonWithEtag(ZoneSchema, 'Created') },
      errors: [409],
    }),
    async (c) => {
      const zone = await s.zones.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/zones/${zone._id}`);
      setEtag(c, zone.version);
      return c.json(presentZone(zone), 201);
    },
  );

  // A file zone has no version, and the record sets change without the zone's version moving,
  // so this GET answers in full: no If-None-Match (its ETag is for If-Match).
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/zones/{apex}',
      tag: 'zones',
      summary: 'Get a zone and the record sets set over HTTP',
      request: { params: ApexParam },
      responses: { 200: json(ZoneWithRRsetsSchema, 'The zone') },
      errors: [404],
    }),
    async (c) => {
      const { zone, rrsets } = await s.zones.view(principalOf(c), c.req.valid('param').apex);
      if (zone.kind === 'doc') setEtag(c, zone.doc.version);
      return c.json({ ...presentRef(zone), rrsets: rrsets.map(presentRRset) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/zones/{apex}',
      tag: 'zones',
      summary: 'Change the SOA values or the NS set of a zone',
      request: { params: ApexParam, headers: IfMatchHeaderSchema, ...jsonBody(ZoneChange) },
      responses: { 200: jsonWithEtag(ZoneSchema, 'Changed') },
      errors: [404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const zone = await s.zones.update(
        principalOf(c),
        c.req.valid('param').apex,
        c.req.valid('json'),
        version,
      );
      setEtag(c, zone.version);
      return c.json(presentZone(zone), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/zones/{apex}',
      tag: 'zones',
      summary: 'Delete a zone and its record sets',
      request: { params: ApexParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT },
      errors: [404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      await s.zones.remove(principalOf(c), c.req.valid('param').apex, version);
      return c.body(null, 204);
    },
  );
}
