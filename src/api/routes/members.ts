// Members: register, read, list, change with ETag/If-Match, delete (releases their numbers), the
// branches of a company's VNS number. SIP credentials: member-sip.ts. The members layer
// validates every field (src/numbering for numbers, emails and domains) and publishes to DNS.
import { z } from '@hono/zod-openapi';
import {
  DocId,
  ListMembersInput,
  MemberChange,
  type MemberView,
  RegisterMemberInput,
  SetBranchesInput,
} from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, notModified, setEtag } from '../etag.ts';
import { listQuery, pageBody, pageSchema } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, json, jsonBody, jsonWithEtag, NO_CONTENT, named, pathParam, Timestamp } from '../schemas.ts';

export const MemberIdParam = pathParam('id', DocId);

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

const RegistrationBody = named(RegisterMemberInput, 'MemberRegistration');
// The change bodies are the service's input without what the path and If-Match carry.
const MemberPatchBody = named(
  MemberChange,
  'MemberPatch',
  'Fields given replace the stored ones; null removes an optional field',
);
const BranchesBody = named(
  SetBranchesInput.omit({ memberId: true, expectedVersion: true }),
  'MemberBranches',
);

export function presentMember(m: MemberView) {
  return { ...m, createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt) };
}

export function registerMemberRoutes(app: ApiApp, s: Services): void {
  app.openapi(
    v1Route({
      method: 'post',
      path: '/v1/members',
      tag: 'members',
      summary: 'Register a member: an individual (email address) or a company (domain name)',
      request: jsonBody(RegistrationBody),
      responses: { 201: jsonWithEtag(MemberSchema, 'Registered') },
      errors: [403, 409],
    }),
    async (c) => {
      const m = await s.members.register(principalOf(c), c.req.valid('json'));
      c.header('location', `/v1/members/${m.id}`);
      setEtag(c, m.version);
      return c.json(presentMember(m), 201);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/members',
      tag: 'members',
      summary: 'List members in creation order (the admin: all, or one registrar)',
      request: { query: listQuery(ListMembersInput) },
      responses: { 200: json(pageSchema(MemberSchema, 'MemberPage'), 'A page of members') },
      errors: [403],
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(pageBody(c, await s.members.list(principalOf(c), q), presentMember, q.limit), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/members/{id}',
      tag: 'members',
      summary: 'A member (never its SIP credentials)',
      request: { params: MemberIdParam },
      responses: { 200: jsonWithEtag(MemberSchema, 'The member'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const m = await s.members.get(principalOf(c), { memberId: c.req.valid('param').id });
      setEtag(c, m.version);
      if (notModified(c, m.version)) return c.body(null, 304);
      return c.json(presentMember(m), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'patch',
      path: '/v1/members/{id}',
      tag: 'members',
      summary: 'Change a member; send If-Match with its ETag to refuse lost updates (409 when it moved on)',
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(MemberPatchBody) },
      responses: { 200: jsonWithEtag(MemberSchema, 'Changed') },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const m = await s.members.update(principalOf(c), {
        ...c.req.valid('json'),
        memberId: c.req.valid('param').id,
        ...expectedVersion(version),
      });
      setEtag(c, m.version);
      return c.json(presentMember(m), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/members/{id}',
      tag: 'members',
      summary: 'Delete a member: its numbers return to stock, its records leave DNS',
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT },
      errors: [404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      await s.members.delete(principalOf(c), {
        memberId: c.req.valid('param').id,
        ...expectedVersion(version),
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/members/{id}/branches',
      tag: 'members',
      summary: "Set the branches (one per country) of a company's VNS number",
      request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(BranchesBody) },
      responses: { 200: jsonWithEtag(MemberSchema, 'Changed') },
      errors: [404, 409, 422],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const m = await s.members.setBranches(principalOf(c), {
        ...c.req.valid('json'),
        memberId: c.req.valid('param').id,
        ...expectedVersion(version),
      });
      setEtag(c, m.version);
      return c.json(presentMember(m), 200);
    },
  );
}
