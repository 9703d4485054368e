// Zones managed over HTTP: create with apex, SOA values and NS set; list, get (with its record
// sets), change SOA/NS, delete. Changes reach DNS nodes through the change journal.
import { createRoute, z } from '@hono/zod-openapi';
import type { RRsetDoc, ZoneDoc } from '../../registry/model.ts';
import type { ZoneRef } from '../../registry/zones/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { afterId, nextLink, PageQuerySchema, pageSchema } from '../paging.ts';
import {
  ApexParam,
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
import { presentRRset, RRsetSchema } from './rrsets.ts';

const u32 = (max: number) => z.number().int().min(0).max(max);
const DnsName = z.string().min(1).max(254);

const SoaSchema = strict({
  mname: DnsName.openapi({ description: 'Primary name server', example: 'ns1.example.com' }),
  rname: DnsName.openapi({
    description: 'Mailbox of the person responsible, as a name',
    example: 'hostmaster.example.com',
  }),
  refresh: u32(0x7fffffff).default(3600),
  retry: u32(0x7fffffff).default(600),
  expire: u32(0x7fffffff).default(1_209_600),
  minimum: u32(86_400).default(300).openapi({ description: 'Negative-caching TTL (RFC 2308)' }),
  ttl: u32(0x7fffffff).default(3600).openapi({ description: 'TTL of the SOA and NS records' }),
}).openapi('Soa');

const NsSet = z
  .array(DnsName)
  .min(1)
  .max(13)
  .openapi({ example: ['ns1.example.com', 'ns2.example.net'] });

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

const ZoneCreateSchema = strict({ apex: DnsName, soa: SoaSchema, ns: NsSet }).openapi('ZoneCreate');
const ZonePatchSchema = strict({ soa: SoaSchema.optional(), ns: NsSet.optional() }).openapi('ZonePatch');

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
    createRoute({
      method: 'get',
      path: '/v1/zones',
      tags: ['zones'],
      summary: 'List zones created over HTTP',
      security: SECURITY,
      request: { query: PageQuerySchema },
      responses: { 200: json(pageSchema(ZoneSchema, 'ZonePage'), 'A page of zones'), ...errors() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.zones.list(principalOf(c), { after: afterId(q.cursor), limit: q.limit });
      return c.json({ items: page.items.map(presentZone), next: nextLink(c, page.next, q.limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/zones',
      tags: ['zones'],
      summary: 'Create a zone with its SOA values and NS set',
      security: SECURITY,
      request: jsonBody(ZoneCreateSchema),
      responses: { 201: jsonWithEtag(ZoneSchema, 'Created'), ...errors(409, 413, 415) },
    }),
    async (c) => {
      const zone = await s.zones.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/zones/${zone._id}`);
      setEtag(c, zone.version);
      return c.json(presentZone(zone), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/zones/{apex}',
      tags: ['zones'],
      summary: 'Get a zone and the record sets set over HTTP',
      security: SECURITY,
      request: { params: ApexParam },
      responses: { 200: json(ZoneWithRRsetsSchema, 'The zone'), ...errors(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const ref = await s.zones.get(p, c.req.valid('param').apex);
      const rrsets: RRsetDoc[] = await s.zones.rrsets(p, ref.apex);
      if (ref.kind === 'doc') setEtag(c, ref.doc.version);
      return c.json({ ...presentRef(ref), rrsets: rrsets.map(presentRRset) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/zones/{apex}',
      tags: ['zones'],
      summary: 'Change the SOA values or the NS set of a zone',
      security: SECURITY,
      request: { params: ApexParam, headers: IfMatchHeaderSchema, ...jsonBody(ZonePatchSchema) },
      responses: { 200: jsonWithEtag(ZoneSchema, 'Changed'), ...errors(404, 409, 413, 415) },
    }),
    async (c) => {
      const ifVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const zone = await s.zones.update(
        principalOf(c),
        c.req.valid('param').apex,
        c.req.valid('json'),
        ifVersion,
      );
      setEtag(c, zone.version);
      return c.json(presentZone(zone), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/zones/{apex}',
      tags: ['zones'],
      summary: 'Delete a zone and its record sets',
      security: SECURITY,
      request: { params: ApexParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT, ...errors(404, 409) },
    }),
    async (c) => {
      await s.zones.remove(
        principalOf(c),
        c.req.valid('param').apex,
        ifMatchVersion(c.req.valid('header')['if-match']),
      );
      return c.body(null, 204);
    },
  );
}
