// Partner carriers: their number ranges route to their SIP ingress (the carriers tree), the
// caller's identity is switched into their format, and their own ENUM tree may be asked.
import { z } from '@hono/zod-openapi';
import type { PartnerCarrier } from '#core';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes } from '../crud.ts';
import { iso, OwnerField, pathParam, strict, versionedFields } from '../schemas.ts';
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
  const r = crudRoutes(app, {
    tag: 'routing',
    path: '/v1/carriers',
    key: pathParam('id', RouteId),
    schema: CarrierSchema,
    present,
    keyOf: (x) => x._id,
  });
  r.list({ summary: 'List partner carriers', page: 'CarrierPage', answer: 'A page of carriers' }, svc.list);
  r.create(
    {
      summary: 'Add a partner carrier: SIP ingress, number ranges, caller-id format, ENUM suffix (admin)',
      body: CarrierCreateSchema,
      errors: [403, 409],
    },
    svc.create,
  );
  r.get({ summary: 'Get a partner carrier', answer: 'The carrier' }, svc.get);
  r.update(
    {
      summary: 'Change a partner carrier (ranges replace the whole list; admin)',
      body: CarrierPatchSchema,
      errors: [403, 404, 409],
    },
    svc.update,
  );
  r.remove(
    { summary: 'Remove a partner carrier and its routes (admin)', errors: [403, 404, 409] },
    svc.remove,
  );
}
