// Swagger UI at /docs over /openapi.json, with its script and stylesheet served by callx itself
// from the swagger-ui-dist package: the page works where no CDN can be reached (a registrar's
// private network, this project's CI machines).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from './context.ts';
import { problemResponses } from './errors.ts';

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
type Asset = keyof typeof ASSETS;

const distDir = (): string => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export function registerSwaggerUi(app: ApiApp): void {
  // @hono/swagger-ui asks for <baseUrl>/swagger-ui-dist/<file>
  const ui = swaggerUI({ url: '/openapi.json', title: 'callx registrar API', baseUrl: '/docs/assets' });
  // the page is swagger-ui's own handler: described in the document, served as it comes
  app.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: '/docs',
      tags: ['operations'],
      summary: 'Swagger UI for this API',
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    }),
  );
  app.get('/docs', ui);

  // read on first use and kept: two files, ~1.5 MB, the same for the life of the process
  const cache = new Map<Asset, Buffer>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/docs/assets/swagger-ui-dist/{file}',
      tags: ['operations'],
      summary: "Swagger UI's script and stylesheet (from the swagger-ui-dist package)",
      request: { params: z.object({ file: z.enum(Object.keys(ASSETS) as [Asset, ...Asset[]]) }) },
      responses: {
        200: {
          description: 'The file',
          content: { 'text/javascript': { schema: z.string() }, 'text/css': { schema: z.string() } },
        },
        ...problemResponses(400),
      },
    }),
    (c) => {
      const file = c.req.valid('param').file;
      let body = cache.get(file);
      if (!body) {
        body = readFileSync(join(distDir(), file));
        cache.set(file, body);
      }
      return c.body(new Uint8Array(body), 200, {
        'content-type': ASSETS[file],
        'cache-control': 'public, max-age=86400',
      });
    },
  );
}
