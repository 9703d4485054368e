// SIP credentials of a member, for REGISTER: set through their own endpoint, stored only as HA1
// digests, never returned (GET /v1/members/{id} shows the username alone).
import { SetSipCredentialsInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { v1Route } from '../route.ts';
import { jsonBody, NO_CONTENT, named } from '../schemas.ts';
import { MemberIdParam } from './members.ts';

const CredentialsSchema = named(SetSipCredentialsInput.omit({ memberId: true }), 'SipCredentials');

export function registerMemberSipRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/members/{id}/sip-credentials',
      tag: 'members',
      summary: 'Set the SIP username and password for REGISTER (stored as HA1 digests only)',
      request: { params: MemberIdParam, ...jsonBody(CredentialsSchema) },
      responses: { 204: NO_CONTENT },
      errors: [404, 409],
    }),
    async (c) => {
      await s.members.setSipCredentials(principalOf(c), {
        ...c.req.valid('json'),
        memberId: c.req.valid('param').id,
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/members/{id}/sip-credentials',
      tag: 'members',
      summary: 'Remove the SIP credentials: the member can no longer REGISTER',
      request: { params: MemberIdParam },
      responses: { 204: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      await s.members.clearSipCredentials(principalOf(c), { memberId: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
}
