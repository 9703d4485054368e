// Caller trust over HTTP (docs/trust.md): trusted peers' shared secrets on the routing data they
// belong to (countries' centers, PSTN gateways, partner carriers; their source addresses are the
// `trust` field of those resources), the call policies, and the certificate of signed caller
// identities at its x5u URL. Routing data is the operator's: only the admin writes it.
import { createRoute, z } from '@hono/zod-openapi';
import type { CallPolicy } from '#core';
import {
  CallPolicyInput,
  CountryKey,
  PageInput,
  type PeerKind,
  PeerSecretInput,
  PolicyScope,
  Slug,
} from '#registry';
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
  pathParam,
  versionedFields,
} from '../schemas.ts';

const SecretBody = named(PeerSecretInput, 'PeerSecret');
const SecretSet = z
  .object({
    username: z.string().openapi({ description: "The peer's digest username", example: 'gateway:gw-kr' }),
    version: z.number().int(),
  })
  .openapi('PeerSecretSet');

const PolicySchema = z
  .object({
    scope: z.string().openapi({ example: 'default' }),
    access: z.record(z.string(), z.array(z.string())).optional(),
    limits: z.record(z.string(), z.number()).optional(),
    blockedPrefixes: z.array(z.string()).optional(),
    blockPremium: z.boolean().optional(),
    allowedPrefixes: z.array(z.string()).optional(),
    blockedMembers: z.array(z.string()).optional(),
    blockedSources: z.array(z.string()).optional(),
    ...versionedFields,
  })
  .openapi('CallPolicy');
const PolicyBody = named(CallPolicyInput, 'CallPolicyPut');
const ScopeParam = pathParam('scope', PolicyScope);

const presentPolicy = (p: CallPolicy) => {
  const { _id, version, createdAt, updatedAt, ...rules } = p;
  return { scope: _id, ...rules, version, createdAt: iso(createdAt), updatedAt: iso(updatedAt) };
};

const PEER_PATHS: { kind: PeerKind; path: string; param: z.ZodObject; noun: string }[] = [
  {
    kind: 'center',
    path: '/v1/countries/{code}/peer-secret',
    param: pathParam('code', CountryKey),
    noun: "a country's center",
  },
  {
    kind: 'gateway',
    path: '/v1/gateways/{id}/peer-secret',
    param: pathParam('id', Slug),
    noun: 'a PSTN gateway',
  },
  {
    kind: 'carrier',
    path: '/v1/carriers/{id}/peer-secret',
    param: pathParam('id', Slug),
    noun: 'a partner carrier',
  },
];

export function registerTrustRoutes(app: ApiApp, s: Services): void {
  for (const { kind, path, param, noun } of PEER_PATHS) {
    const idOf = (v: Record<string, string>) => v.code ?? v.id ?? '';
    app.openapi(
      v1Route({
        method: 'put',
        path,
        tag: 'routing',
        summary: `Set the shared secret of ${noun} as a trusted peer (digest username '${kind}:<id>'; stored as HA1 only; admin)`,
        request: { params: param, ...jsonBody(SecretBody) },
        responses: { 200: json(SecretSet, 'Set; the secret is never shown again') },
        errors: [403, 404],
      }),
      async (c) => {
        const id = idOf(c.req.valid('param') as Record<string, string>);
        const r = await s.routing.peers.setSecret(principalOf(c), kind, id, c.req.valid('json'));
        c.header('cache-control', 'no-store');
        return c.json(r, 200);
      },
    );
    app.openapi(
      v1Route({
        method: 'delete',
        path,
        tag: 'routing',
        summary: `Remove the shared secret of ${noun} (its source addresses alone then make it a trusted peer; admin)`,
        request: { params: param },
        responses: { 204: NO_CONTENT },
        errors: [403, 404],
      }),
      async (c) => {
        const id = idOf(c.req.valid('param') as Record<string, string>);
        await s.routing.peers.clearSecret(principalOf(c), kind, id);
        return c.body(null, 204);
      },
    );
  }

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/policies',
      tag: 'routing',
      summary: "List call policies (a registrar sees the default, the countries' and its own)",
      request: { query: listQuery(PageInput) },
      responses: { 200: json(pageSchema(PolicySchema, 'CallPolicyPage'), 'A page of policies') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        pageBody(c, await s.routing.policies.list(principalOf(c), q), presentPolicy, q.limit),
        200,
      );
    },
  );

  app.openapi(
    v1Route({
      method: 'get',
      path: '/v1/policies/{scope}',
      tag: 'routing',
      summary: 'Get the call policy of a scope: default, country:<CC> or registrar:<id>',
      request: { params: ScopeParam },
      responses: { 200: jsonWithEtag(PolicySchema, 'The policy'), 304: NO_CONTENT },
      errors: [404],
    }),
    async (c) => {
      const p = await s.routing.policies.get(principalOf(c), c.req.valid('param').scope);
      setEtag(c, p.version);
      if (notModified(c, p.version)) return c.body(null, 304);
      return c.json(presentPolicy(p), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'put',
      path: '/v1/policies/{scope}',
      tag: 'routing',
      summary:
        'Create or replace the call policy of a scope (access per caller class, limits, blocked destinations and callers; admin)',
      request: { params: ScopeParam, headers: IfMatchHeaderSchema, ...jsonBody(PolicyBody) },
      responses: { 200: jsonWithEtag(PolicySchema, 'Replaced'), 201: jsonWithEtag(PolicySchema, 'Created') },
      errors: [403, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      const { policy, created } = await s.routing.policies.put(
        principalOf(c),
        c.req.valid('param').scope,
        c.req.valid('json'),
        version,
      );
      setEtag(c, policy.version);
      return created ? c.json(presentPolicy(policy), 201) : c.json(presentPolicy(policy), 200);
    },
  );

  app.openapi(
    v1Route({
      method: 'delete',
      path: '/v1/policies/{scope}',
      tag: 'routing',
      summary: 'Remove the call policy of a scope (the wider scope and the defaults apply; admin)',
      request: { params: ScopeParam, headers: IfMatchHeaderSchema },
      responses: { 204: NO_CONTENT },
      errors: [403, 404, 409],
    }),
    async (c) => {
      const version = ifMatchVersion(c.req.valid('header')['if-match']);
      await s.routing.policies.remove(principalOf(c), c.req.valid('param').scope, version);
      return c.body(null, 204);
    },
  );

  // The certificate of our PASSporTs, at the x5u URL they name (RFC 8224, RFC 8588): public.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/stir/cert.pem',
      tags: ['operations'],
      summary:
        'The certificate (PEM chain) of the key that signs caller identities (STIR/SHAKEN x5u); no token needed',
      responses: {
        200: {
          description: 'The certificate chain',
          content: { 'application/pem-certificate-chain': { schema: z.string() } },
        },
        404: { description: 'Caller identities are not signed here (CALLX_STIR=off)' },
      },
    }),
    async (c) => {
      const pem = s.stirCertificate ? await s.stirCertificate() : null;
      if (!pem) return c.body(null, 404);
      c.header('cache-control', 'public, max-age=3600');
      return c.body(pem, 200, { 'content-type': 'application/pem-certificate-chain' });
    },
  );
}
