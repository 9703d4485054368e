// Zones managed over HTTP: create with apex, SOA values and NS set; list, get (with its record
// sets), change SOA/NS, delete. Changes reach DNS nodes through the change journal.
import { z } from '@hono/zod-openapi';
import type { ZoneDoc } from '#core';
import type { ZoneRef } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes } from '../crud.ts';
import { setEtag } from '../etag.ts';
import { v1Route } from '../route.ts';
import { ApexParam, iso, json, OwnerField, strict, versionedFields } from '../schemas.ts';
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
  const r = crudRoutes(app, {
    tag: 'zones',
    path: '/v1/zones',
    key: ApexParam,
    schema: ZoneSchema,
    present: presentZone,
    keyOf: (z) => z._id,
  });
  r.list(
    { summary: 'List zones created over HTTP', page: 'ZonePage', answer: 'A page of zones' },
    s.zones.list,
  );
  r.create(
    { summary: 'Create a zone with its SOA values and NS set', body: ZoneCreateSchema },
    s.zones.create,
  );

  // Not crudRoutes' get: a file zone has no version, and the record sets change without the
  // zone's version moving, so there is no If-None-Match here.
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
      const p = principalOf(c);
      const ref = await s.zones.get(p, c.req.valid('param').apex);
      const rrsets = await s.zones.rrsets(p, ref.apex);
      if (ref.kind === 'doc') setEtag(c, ref.doc.version);
      return c.json({ ...presentRef(ref), rrsets: rrsets.map(presentRRset) }, 200);
    },
  );

  r.update(
    { summary: 'Change the SOA values or the NS set of a zone', body: ZonePatchSchema },
    s.zones.update,
  );
  r.remove({ summary: 'Delete a zone and its record sets' }, s.zones.remove);
}
