// Countries we serve and their call centers: published at <cc>.center.<apex> (NAPTR, SRV,
// A/AAAA per RFC 3263). The calling code comes from the number plan.
import { z } from '@hono/zod-openapi';
import type { Country } from '#core';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes } from '../crud.ts';
import { iso, OwnerField, pathParam, strict, versionedFields } from '../schemas.ts';

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
  const r = crudRoutes(app, {
    tag: 'routing',
    path: '/v1/countries',
    key: pathParam('code', CountryCode),
    schema: CountrySchema,
    present,
    keyOf: (c) => c._id,
  });
  r.list(
    { summary: 'List countries and their centers', page: 'CountryPage', answer: 'A page of countries' },
    svc.list,
  );
  r.create(
    { summary: 'Add a country and its call center (admin)', body: CountryCreateSchema, errors: [403, 409] },
    svc.create,
  );
  r.get({ summary: 'Get a country and its center', answer: 'The country' }, svc.get);
  r.update(
    {
      summary: 'Change a country: its name, or its center (the whole target list; admin)',
      body: CountryPatchSchema,
      errors: [403, 404, 409],
    },
    svc.update,
  );
  r.remove(
    { summary: 'Remove a country and its center from DNS (admin)', errors: [403, 404, 409] },
    svc.remove,
  );
}
