// Countries we serve and their call centers: published at <cc>.center.<apex> (NAPTR, SRV,
// A/AAAA per RFC 3263). The calling code comes from the number plan. The operator's data:
// every token reads it, only the admin writes it (docs/api.md, "Routing data").
import { z } from '@hono/zod-openapi';
import type { Country } from '#core';
import { CenterTarget, CountryInput, CountryKey, CountryPatch, EmergencyGateway, PageInput } from '#registry';
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

const CountrySchema = z
  .object({
    code: z.string().openapi({ example: 'KR' }),
    callingCode: z.string().openapi({ example: '82' }),
    name: z.string(),
    center: z.object({ targets: z.array(CenterTarget) }),
    emergency: EmergencyGateway.optional(),
    trust: PeerTrustView.optional(),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Country');

const CountryCreate = named(CountryInput, 'CountryCreate');
const CountryChange = named(CountryPatch, 'CountryPatch');
const CodeParam = pathParam('code', CountryKey);

const present = (c: Country) => ({
  code: c._id,
  callingCode: c.callingCode,
  name: c.name,
  center: c.center,
  ...(c.emergency ? { emergency: c.emergency } : {}),
  ...presentTrust(c.trust),
  registrarId: c.registrarId,
  version: c.version,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export function registerCountryRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.countries;

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/countries',
      tag: 'routing',
      summary: 'List countries and their centers',
      request: { query: listQuery(PageInput) },
      responses: { 200: json(pageSchema(CountrySchema, 'CountryPage'), 'A page of countries') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await svc.list(principalOf(c), q), present, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/countries',
      tag: 'routing',
      summary: 'Add a country and its call center (admin)',
      request: jsonBody(CountryCreate),
      responses: { 201: jsonWithEtag(CountrySchema, 'Created') },
      errors: [403, 409],
    }),
    async (c) => {
      const country = await svc.create(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/countries/${country._id}`);
      setEtag(c, country.version);
      return c.json(present(country), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/countries/{code}',
      tag: 'routing',
      summary: 'Get a country and its center',
      request: { params: CodeParam },
      responses: { 200: jsonWithEtag(CountrySchema, 'The country'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const country = await svc.get(principalOf(c), c.req.valid('param').code);
      setEtag(c, country.version);
      if (notModified(c, country.version)) return c.body(null, 304);
      return c.json(present(country), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/countries/{code}',
      tag: 'routing',
      summary: 'Change a country: its name, or its center (the whole target list; admin)',
      request: { params: CodeParam, headers: IfMatchHeaderSchema, ...jsonBody(CountryChange) },
      responses: { 200: jsonWithEtag(CountrySchema, 'Changed') },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const country = await svc.update(
        principalOf(c),
        c.req.valid('param').code,
        c.req.valid('json'),
        version,
      );
      setEtag(c, country.version);
      return c.json(present(country), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/countries/{code}',
      tag: 'routing',
      summary: 'Remove a country and its center from DNS (admin)',
      request: { params: CodeParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      await svc.remove(principalOf(c), c.req.valid('param').code, version);
      return c.body(null, 204);
    },
  );
}
