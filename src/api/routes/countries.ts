// Countries we serve and their call centers: published at <cc>.center.<apex> (NAPTR, SRV,
// A/AAAA per RFC 3263). The calling code comes from the number plan.
import { createRoute, z } from '@hono/zod-openapi';
import type { Country } from '../../registry/model.ts';
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

const CountryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as KR')
  .transform((s) => s.toUpperCase())
  .openapi({ example: 'KR' });

export const CenterTargetSchema = strict({
  host: z.string().min(1).max(253).openapi({ example: 'sip1.kr.center.callx.test' }),
  port: z.number().int().min(1).max(65535).default(5060),
  priority: z.number().int().min(0).max(65535).default(10),
  weight: z.number().int().min(0).max(65535).default(10),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  addresses: z
    .array(z.string())
    .max(16)
    .default([])
    .openapi({ description: 'A/AAAA published for the host when it lies inside the deployment apex' }),
}).openapi('CenterTarget');

const CenterSchema = strict({ targets: z.array(CenterTargetSchema).min(1).max(32) }).openapi('Center');

const CountrySchema = z
  .object({
    code: z.string().openapi({ example: 'KR' }),
    callingCode: z.string().openapi({ example: '82' }),
    name: z.string(),
    center: z.object({ targets: z.array(CenterTargetSchema) }),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Country');

const CountryCreateSchema = strict({
  code: CountryCode,
  name: z.string().min(1).max(200),
  center: CenterSchema,
}).openapi('CountryCreate');

const CountryPatchSchema = strict({
  name: z.string().min(1).max(200).optional(),
  center: CenterSchema.optional(),
}).openapi('CountryPatch');

const CodeParam = z.object({ code: CountryCode.openapi({ param: { name: 'code', in: 'path' } }) });

const present = (c: Country) => ({
  code: c._id,
  callingCode: c.callingCode,
  name: c.name,
  center: c.center,
  registrarId: c.registrarId,
  version: c.version,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export function registerCountryRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.countries;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/countries',
      tags: ['routing'],
      summary: 'List countries and their centers',
      security: SECURITY,
      request: { query: PageQuerySchema },
      responses: { 200: json(pageSchema(CountrySchema, 'CountryPage'), 'A page of countries'), ...errors() },
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
      path: '/v1/countries',
      tags: ['routing'],
      summary: 'Add a country and its call center',
      security: SECURITY,
      request: jsonBody(CountryCreateSchema),
      responses: { 201: jsonWithEtag(CountrySchema, 'Created'), ...errors(409, 413, 415) },
    }),
    async (c) => {
      const country = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/countries/${country._id}`);
      setEtag(c, country.version);
      return c.json(present(country), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/countries/{code}',
      tags: ['routing'],
      summary: 'Get a country and its center',
      security: SECURITY,
      request: { params: CodeParam },
      responses: { 200: jsonWithEtag(CountrySchema, 'The country'), 304: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const country = await svc.get(principalOf(c), c.req.valid('param').code);
      setEtag(c, country.version);
      if (notModified(c, country.version)) return c.body(null, 304);
      return c.json(present(country), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/countries/{code}',
      tags: ['routing'],
      summary: 'Change a country: its name, or its center (the whole target list)',
      security: SECURITY,
      request: { params: CodeParam, headers: IfMatchHeaderSchema, ...jsonBody(CountryPatchSchema) },
      responses: { 200: jsonWithEtag(CountrySchema, 'Changed'), ...errors(404, 409, 413, 415) },
    }),
    async (c) => {
      const ifVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const country = await svc.update(
        principalOf(c),
        c.req.valid('param').code,
        c.req.valid('json'),
        ifVersion,
      );
      setEtag(c, country.version);
      return c.json(present(country), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/countries/{code}',
      tags: ['routing'],
      summary: 'Remove a country and its center from DNS',
      security: SECURITY,
      request: { params: CodeParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT, ...errors(404, 409) },
    }),
    async (c) => {
      await svc.remove(
        principalOf(c),
        c.req.valid('param').code,
        ifMatchVersion(c.req.valid('header')['if-match']),
      );
      return c.body(null, 204);
    },
  );
}
