// Members: register, read, list, change with ETag/If-Match, delete (releases their numbers), the
// branches of a company's VNS number. SIP credentials: member-sip.ts. The members layer
// validates every field (src/numbering for numbers, emails and domains) and publishes to DNS.
import { createRoute, z } from '@hono/zod-openapi';
import {
  type MemberView,
  RegisterMemberInput,
  SetBranchesInput,
  UpdateMemberInput,
} from '../../registry/members/index.ts';
import { DEFAULT_PAGE, MAX_PAGE } from '../../registry/sales/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from '../etag.ts';
import { errors, iso, json, jsonBody, jsonWithEtag, NO_CONTENT, SECURITY, Timestamp } from '../schemas.ts';

export const MemberIdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a member id')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const MemberNumberSchema = z
  .union([
    z.object({ kind: z.literal('pin'), e164: z.string() }),
    z.object({
      kind: z.literal('vns'),
      base: z.string(),
      branches: z.array(
        z.object({ country: z.string(), sipUri: z.string().optional(), pstn: z.string().optional() }),
      ),
    }),
  ])
  .openapi('MemberNumber');

const MemberSchema = z
  .object({
    id: z.string(),
    registrarId: z.string(),
    type: z.enum(['individual', 'company']),
    displayName: z.string(),
    email: z.string().optional(),
    domain: z.string().optional(),
    country: z.string(),
    numbers: z.array(MemberNumberSchema),
    contactPstn: z.string().optional(),
    otherCarriers: z.array(z.string()),
    homePage: z.string().optional(),
    publishEmail: z.boolean(),
    personal: z
      .object({
        givenName: z.string().optional(),
        familyName: z.string().optional(),
        address: z.string().optional(),
        birthDate: z.string().optional(),
        language: z.string().optional(),
      })
      .optional(),
    sipUsername: z
      .string()
      .optional()
      .openapi({ description: 'Set when SIP credentials are; the password never leaves' }),
    deleting: z.literal(true).optional(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Member');

const MembersQuery = z.object({
  registrarId: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: 'registrarId', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** The update body: the service's input without what the path and If-Match carry. */
// Named with zod's .meta(): see inventory.ts.
const RegistrationBody = RegisterMemberInput.meta({ id: 'MemberRegistration' });
const MemberPatchSchema = UpdateMemberInput.in.omit({ memberId: true, expectedVersion: true }).meta({
  id: 'MemberPatch',
  description: 'Fields given replace the stored ones; null removes an optional field',
});
const BranchesSchema = SetBranchesInput.omit({ memberId: true, expectedVersion: true }).meta({
  id: 'MemberBranches',
});

export function presentMember(m: MemberView) {
  return { ...m, createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt) };
}

export function registerMemberRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/members',
      tags: ['members'],
      summary: 'Register a member: an individual (email address) or a company (domain name)',
      security: SECURITY,
      request: jsonBody(RegistrationBody),
      responses: { 201: jsonWithEtag(MemberSchema, 'Registered'), ...errors(403, 409, 413, 415) },
    }),
    async (c) => {
      const m = await s.members.register(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/members/${m.id}`);
      setEtag(c, m.version);
      return c.json(presentMember(m), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/members',
      tags: ['members'],
      summary: 'List members',
      security: SECURITY,
      request: { query: MembersQuery },
      responses: {
        200: json(
          z.object({ items: z.array(MemberSchema), next: z.string().nullable() }).openapi('MemberPage'),
          'A page of members',
        ),
        ...errors(403),
      },
    }),
    async (c) => {
      const page = await s.members.list(principalOf(c), c.req.valid('query'));
      return c.json({ items: page.items.map(presentMember), next: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/members/{id}',
      tags: ['members'],
      summary: 'A member (never its SIP credentials)',
      security: SECURITY,
      request: { params: MemberIdParam },
      responses: { 200: jsonWithEtag(MemberSchema, 'The member'), 304: NO_CONTENT, ...errors(404) },
    }),
    async (c) => {
      const m = await s.members.get(principalOf(c), { memberId: c.req.valid('param').id });
      setEtag(c, m.version);
      if (notModified(c, m.version)) return c.body(null, 304);
      return c.json(presentMember(m), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/members/{id}',
      tags: ['members'],
      summary: 'Change a member; send If-Match with its ETag to refuse lost updates (409 when it moved on)',
      security: SECURITY,
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(MemberPatchSchema) },
      responses: { 200: jsonWithEtag(MemberSchema, 'Changed'), ...errors(404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const expectedVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const m = await s.members.update(principalOf(c), {
        ...(await c.req.json()),
        memberId: c.req.valid('param').id,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      });
      setEtag(c, m.version);
      return c.json(presentMember(m), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/members/{id}',
      tags: ['members'],
      summary: 'Delete a member: its numbers return to stock, its records leave DNS',
      security: SECURITY,
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT, ...errors(404, 409) },
    }),
    async (c) => {
      const expectedVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      await s.members.delete(principalOf(c), {
        memberId: c.req.valid('param').id,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/members/{id}/branches',
      tags: ['members'],
      summary: "Set the branches (one per country) of a company's VNS number",
      security: SECURITY,
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(BranchesSchema) },
      responses: { 200: jsonWithEtag(MemberSchema, 'Changed'), ...errors(404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const expectedVersion = ifMatchVersion(c.req.valid('header')['if-match']);
      const m = await s.members.setBranches(principalOf(c), {
        ...(await c.req.json()),
        memberId: c.req.valid('param').id,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      });
      setEtag(c, m.version);
      return c.json(presentMember(m), 200);
    },
  );
}
