// Record sets of a zone, PowerDNS style: GET lists them; PATCH takes a list of changes, each
// REPLACE (the RRset becomes exactly these records) or DELETE. Records are presentation format
// (`content`), or for NAPTR the structured fields, so nobody escapes a regexp inside JSON by
// hand. Every change is validated before any is applied.
import { z } from '@hono/zod-openapi';
import type { RRsetDoc } from '#core';
import { naptrFields, type RecordInput, type RRsetChange } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { v1Route } from '../route.ts';
import { ApexParam, iso, json, jsonBody, NO_CONTENT, strict } from '../schemas.ts';

const ContentRecord = strict({
  content: z
    .string()
    .min(1)
    .max(65_535)
    .openapi({ description: 'RDATA in master-file presentation format', example: '192.0.2.10' }),
  disabled: z
    .literal(false)
    .optional()
    .openapi({ description: 'Accepted for PowerDNS compatibility; only false' }),
}).openapi('RecordContent');

const NaptrRecord = strict({
  order: z.number().int().min(0).max(65535),
  preference: z.number().int().min(0).max(65535),
  flags: z.string().max(255).openapi({ example: 'u' }),
  service: z.string().max(255).openapi({ example: 'E2U+sip' }),
  regexp: z.string().max(255).openapi({ example: '!^\\+(.*)$!sip:+\\1@gw.example.net!' }),
  replacement: z.string().max(254).default('.').openapi({ description: "A domain name, or '.' for none" }),
}).openapi('RecordNaptr', {
  description: 'A NAPTR record as fields (RFC 3403); the regexp is written as is, unescaped',
});

const RecordIn = z.union([ContentRecord, NaptrRecord]);

const RRsetChangeSchema = strict({
  name: z.string().min(1).max(254).openapi({
    description: 'Absolute owner name (a trailing dot is optional)',
    example: 'www.example.com.',
  }),
  type: z.string().min(1).max(10).openapi({ example: 'A' }),
  changetype: z.enum(['REPLACE', 'DELETE']),
  ttl: z.number().int().min(0).max(0x7fffffff).optional().openapi({ description: 'Required with REPLACE' }),
  records: z
    .array(RecordIn)
    .max(1000)
    .optional()
    .openapi({ description: 'Required with REPLACE; ignored with DELETE' }),
}).openapi('RRsetChange');

const RRsetPatchSchema = strict({ rrsets: z.array(RRsetChangeSchema).min(1).max(1000) }).openapi(
  'RRsetPatch',
);

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

const toRecord = (r: z.infer<typeof RecordIn>): RecordInput =>
  'content' in r ? { content: r.content } : { naptr: r };

const RRsetQuery = z.object({
  name: z
    .string()
    .max(254)
    .optional()
    .openapi({ param: { name: 'name', in: 'query' } }),
  type: z
    .string()
    .max(10)
    .optional()
    .openapi({ param: { name: 'type', in: 'query' } }),
});

export function registerRRsetRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/zones/{apex}/rrsets',
      tag: 'zones',
      summary: 'Record sets of a zone set over HTTP, optionally by name and type',
      request: { params: ApexParam, query: RRsetQuery },
      responses: {
        200: json(z.object({ items: z.array(RRsetSchema) }).openapi('RRsetList'), 'The record sets'),
      },
      errors: [404],
    }),
    async (c) => {
      const q = c.req.valid('query');
      const items = await s.zones.rrsets(principalOf(c), c.req.valid('param').apex, {
        ...q,
        includeDeleted: true,
      });
      return c.json({ items: items.map(presentRRset) }, 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/zones/{apex}/rrsets',
      tag: 'zones',
      summary: 'REPLACE or DELETE record sets (PowerDNS changetypes); all are checked before any is applied',
      request: { params: ApexParam, ...jsonBody(RRsetPatchSchema) },
      responses: { 204: NO_CONTENT },
      errors: [404, 409],
    }),
    async (c) => {
      const changes: RRsetChange[] = c.req.valid('json').rrsets.map((r) => ({
        name: r.name,
        type: r.type,
        changetype: r.changetype,
        ttl: r.ttl,
        records: r.records?.map(toRecord),
      }));
      await s.zones.patchRRsets(principalOf(c), c.req.valid('param').apex, changes);
      return c.body(null, 204);
    },
  );
}
