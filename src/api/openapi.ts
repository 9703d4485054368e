// The OpenAPI 3.1 document, generated from the zod schemas the routes validate with, and the
// Swagger UI that reads it.

import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from './context.ts';
import { registerSwaggerUi } from './swagger.ts';

export const API_VERSION = '1.0.0';

/**
 * zod-to-openapi writes a regex with flags as its toString() minus the slashes, so /^x$/u becomes
 * the pattern "^x$/u", which matches nothing. JSON Schema patterns are ECMA-262 regexes with the
 * unicode flag on (2020-12 §6.4): drop the flags. A '/' in a regex source is always escaped, so an
 * unescaped '/' followed by flags can only be this suffix.
 */
export function fixPatterns(node: unknown): void {
  if (Array.isArray(node)) for (const x of node) fixPatterns(x);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.pattern === 'string') o.pattern = o.pattern.replace(/(?<!\\)\/[dgimsuvy]+$/, '');
    for (const v of Object.values(o)) fixPatterns(v);
  }
}

export function openApiDocument(app: ApiApp) {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'callx registrar API',
      version: API_VERSION,
      description:
        'Zones and record sets, routing data, number sales and members of a callx call exchange. ' +
        'Errors are RFC 9457 problem details; see docs/api.md for authentication, idempotency, ' +
        'pagination, ETags and rate limits.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    tags: [
      { name: 'registrars', description: 'Registrars and API tokens' },
      { name: 'zones', description: 'DNS zones and record sets (PowerDNS-style changes)' },
      { name: 'routing', description: 'Countries and their call centers, PSTN gateways, partner carriers' },
      { name: 'sales', description: 'Number inventory, search, orders and payments' },
      { name: 'members', description: 'Members and their SIP credentials' },
      { name: 'resolve', description: 'What the SIP redirector would answer' },
      { name: 'number pages', description: "An identifier's home page (public, no token)" },
      { name: 'operations', description: 'Health, readiness, metrics, this document' },
    ],
  });
  fixPatterns(doc);
  return doc;
}

export function registerOpenApiRoutes(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token: CALLX_ADMIN_TOKEN, `callx token create`, or POST /v1/registrars/{id}/tokens',
  });
  // Built once, on first request: every route is registered by then.
  let doc: ReturnType<typeof openApiDocument> | undefined;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/openapi.json',
      tags: ['operations'],
      summary: 'This OpenAPI 3.1 document',
      responses: {
        200: {
          description: 'The document',
          content: { 'application/json': { schema: z.object({}).passthrough() } },
        },
      },
    }),
    (c) => {
      doc ??= openApiDocument(app);
      return c.json({ ...doc }, 200);
    },
  );
  registerSwaggerUi(app);
}
