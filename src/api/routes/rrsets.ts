// Record sets of a zone, PowerDNS style: GET lists them; PATCH takes a list of changes, each
// REPLACE (the RRset becomes exactly these records) or DELETE. Records are presentation format
// (`content`), or for NAPTR the structured fields, so nobody escapes a regexp inside JSON by
// hand. Every change is validated before any is applied.
import { z } from '@hono/zod-openapi';
import type { RRsetDoc } from '#core';
import { naptrFields, RRsetPatch, RRsetQuery } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { ApexParam, iso, json, jsonBody, NO_CONTENT, named } from '../schemas.ts';

const RecordOutSchema = z
  .object({
    content: z.string(),
    order: z.number().int().optional(),
    preference: z.number().int().optional(),
    flags: z.string().optional(),
    service: z.string().optional(),
    regexp: z.string().optional(),
    replacement: z.string().optional(),
  })
  .openapi('Record', { description: 'Presentation format; NAPTR records also as fields' });

export const RRsetSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    ttl: z.number().int(),
    records: z
      .array(RecordOutSchema)
      .openapi({ description: 'Empty: deleted here, hiding the master file RRset' }),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('RRset');

export function presentRRset(r: RRsetDoc) {
  return {
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    records: r.records.map((content) =>
      r.type === 'NAPTR' ? { content, ...naptrFields(content) } : { content },
    ),
    version: r.version,
    updatedAt: iso(r.updatedAt),
  };
}

const RRsetChanges = named(RRsetPatch, 'RRsetPatch');

export function registerRRsetRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/zones/{apex}/rrsets',
      tag: 'zones',
      summary: 'Record sets of a zone set over HTTP, optionally by name and type',
      request: { params: ApexParam, query: listQuery(RRsetQuery) },
      responses: { 200: json(pageSchema(RRsetSchema, 'RRsetPage'), 'A page of record sets') },
      errors: [404],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await s.zones.rrsets(principalOf(c), c.req.valid('param').apex, q);
      return c.json(pageBody(c, page, presentRRset, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/zones/{apex}/rrsets',
      tag: 'zones',
      summary: 'REPLACE or DELETE record sets (PowerDNS changetypes); all are checked before any is applied',
      request: { params: ApexParam, ...jsonBody(RRsetChanges) },
      responses: { 204: NO_CONTENT },
      errors: [404, 409],
    }),
    async (c) => {
      await s.zones.patchRRsets(principalOf(c), c.req.valid('param').apex, c.req.valid('json'));
      return c.body(null, 204);
    },
  );
}
