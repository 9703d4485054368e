// The public keys of route tokens as a JWK Set (RFC 7517), no token needed: gateways and
// partners fetch it to verify the signed route in each Contact offline (docs/billing.md,
// "Route tokens"). Keys are shared by every callx process through the registry; a rotated key
// is published here before it signs (`callx billing keys rotate`).
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp, Services } from '../context.ts';
import { json } from '../schemas.ts';

const JwkSchema = z
  .object({
    kty: z.string(),
    crv: z.string(),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.string(),
    use: z.string(),
  })
  .openapi('Jwk');
const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('Jwks');

export function registerJwksRoute(app: ApiApp, s: Services): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags: ['billing'],
      summary: 'The public keys of route tokens (ES256), for gateways to verify them offline',
      responses: { 200: json(JwksSchema, 'The JWK Set') },
    }),
    async (c) => {
      await s.billing.tokens.load();
      c.header('cache-control', 'public, max-age=300');
      return c.json(s.billing.tokens.jwks() as z.infer<typeof JwksSchema>, 200);
    },
  );
}
