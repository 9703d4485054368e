// Members: register, read, list, change with ETag/If-Match, delete (releases their numbers), the
// branches of a company's VNS number. SIP credentials: member-sip.ts. The members layer
// validates every field (src/numbering for numbers, emails and domains) and publishes to DNS.
import { z } from '@hono/zod-openapi';
import type { Principal } from '#registry';
import { type MemberView, RegisterMemberInput, SetBranchesInput, UpdateMemberInput } from '#registry';
import { principalOf } from '../auth.ts';
import type { ApiApp, Services } from '../context.ts';
import { crudRoutes, queryList } from '../crud.ts';
import { expectedVersion, IfMatchHeaderSchema, ifMatchVersion, setEtag } from '../etag.ts';
import { pageSchema, queryListSchema, registrarIdParam } from '../paging.ts';
import { v1Route } from '../route.ts';
import { iso, jsonBody, jsonWithEtag, pathParam, Timestamp } from '../schemas.ts';

export const MemberIdParam = pathParam(
  'id',
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a member id'),
);

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

const MembersQuery = queryListSchema({ registrarId: registrarIdParam() });

// Named with zod's .meta(): see inventory.ts. The change bodies are the service's input without
// what the path and If-Match carry.
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
  const r = crudRoutes(app, {
    tag: 'members',
    path: '/v1/members',
    key: MemberIdParam,
    schema: MemberSchema,
    present: presentMember,
    keyOf: (m) => m.id,
  });
  r.create(
    {
      summary: 'Register a member: an individual (email address) or a company (domain name)',
      body: RegistrationBody,
      answer: 'Registered',
      errors: [403, 409],
    },
    s.members.register,
  );
  queryList(
    app,
    {
      path: '/v1/members',
      tag: 'members',
      summary: 'List members',
      query: MembersQuery,
      page: pageSchema(MemberSchema, 'MemberPage', null),
      answer: 'A page of members',
    },
    s.members.list,
    presentMember,
  );
  r.get({ summary: 'A member (never its SIP credentials)', answer: 'The member' }, (p, memberId) =>
    s.members.get(p, { memberId }),
  );

  /**
   * A change of a member with If-Match: the service validates the body as sent (its numbers are
   * read in the member's country), so it gets the raw JSON, after the route checked its shape.
   */
  const change = <I>(
    method: 'patch' | 'put',
    path: '/v1/members/{id}' | '/v1/members/{id}/branches',
    summary: string,
    body: z.ZodType,
    run: (p: Principal, input: I) => Promise<MemberView>,
  ) =>
    app.openapi(
      v1Route({
        method,
        path,
        tag: 'members',
        summary,
        request: { params: MemberIdParam, headers: IfMatchHeaderSchema, ...jsonBody(body) },
        responses: { 200: jsonWithEtag(MemberSchema, 'Changed') },
        errors: [404, 409, 422],
      }),
      async (c) => {
        const version = ifMatchVersion(c.req.valid('header')['if-match']);
        const input = {
          ...(await c.req.json()),
          memberId: c.req.valid('param').id,
          ...expectedVersion(version),
        };
        const m = await run(principalOf(c), input as I);
        setEtag(c, m.version);
        return c.json(presentMember(m), 200);
      },
    );

  change(
    'patch',
    '/v1/members/{id}',
    'Change a member; send If-Match with its ETag to refuse lost updates (409 when it moved on)',
    MemberPatchSchema,
    s.members.update,
  );
  r.remove(
    { summary: 'Delete a member: its numbers return to stock, its records leave DNS' },
    (p, memberId, v) => s.members.delete(p, { memberId, ...expectedVersion(v) }),
  );
  change(
    'put',
    '/v1/members/{id}/branches',
    "Set the branches (one per country) of a company's VNS number",
    BranchesSchema,
    s.members.setBranches,
  );
}
