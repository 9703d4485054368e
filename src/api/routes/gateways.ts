// PSTN gateways and the E.164 prefixes they serve: published as the pstn tree (wildcards with
// longest-prefix fillers), one aggregate source for all gateways.
import { z } from '@hono/zod-openapi';
import type { PstnGateway } from '#core';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes } from '../crud.ts';
import { iso, OwnerField, pathParam, Slug, strict, versionedFields } from '../schemas.ts';

/** Gateway and carrier ids (carriers.ts uses these three too). */
export const RouteId = Slug;
export const Prefix = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'expected E.164 digits without +, 1-15, not starting with 0')
  .openapi({ example: '8210' });
export const SipHost = z
  .string()
  .min(1)
  .max(260)
  .openapi({ description: 'SIP host[:port] (a DNS name, IPv4, or [IPv6])', example: 'gw.kr.callx.test' });

const GatewaySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    host: z.string(),
    prefixes: z.array(z.string()),
    registrarId: OwnerField,
    ...versionedFields,
  })
  .openapi('Gateway');

const GatewayCreateSchema = strict({
  id: RouteId.optional().openapi({ description: 'Chosen by you, or generated (gw_...)' }),
  name: z.string().min(1).max(200),
  host: SipHost,
  prefixes: z.array(Prefix).min(1).max(1000),
}).openapi('GatewayCreate');

const GatewayPatchSchema = strict({
  name: z.string().min(1).max(200).optional(),
  host: SipHost.optional(),
  prefixes: z.array(Prefix).min(1).max(1000).optional(),
}).openapi('GatewayPatch');

const present = (g: PstnGateway) => ({
  id: g._id,
  name: g.name,
  host: g.host,
  prefixes: g.prefixes,
  registrarId: g.registrarId,
  version: g.version,
  createdAt: iso(g.createdAt),
  updatedAt: iso(g.updatedAt),
});

export function registerGatewayRoutes(app: ApiApp, s: Services): void {
  const svc = s.routing.gateways;
  const r = crudRoutes(app, {
    tag: 'routing',
    path: '/v1/gateways',
    key: pathParam('id', RouteId),
    schema: GatewaySchema,
    present,
    keyOf: (g) => g._id,
  });
  r.list({ summary: 'List PSTN gateways', page: 'GatewayPage', answer: 'A page of gateways' }, svc.list);
  r.create(
    {
      summary: 'Add a PSTN gateway and the prefixes it serves (admin)',
      body: GatewayCreateSchema,
      errors: [403, 409],
    },
    svc.create,
  );
  r.get({ summary: 'Get a PSTN gateway', answer: 'The gateway' }, svc.get);
  r.update(
    {
      summary: 'Change a PSTN gateway (prefixes replace the whole list; admin)',
      body: GatewayPatchSchema,
      errors: [403, 404, 409],
    },
    svc.update,
  );
  r.remove({ summary: 'Remove a PSTN gateway and its routes (admin)', errors: [403, 404, 409] }, svc.remove);
}
