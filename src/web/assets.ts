// Static assets served by callx itself (no CDN, no external fonts): the stylesheet and the one
// script, a progressive enhancement (the reservation countdown). Read once at start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { WebEnv } from './context.ts';

const DIR = join(import.meta.dirname, 'assets');

export function assetRoutes(): Hono<WebEnv> {
  const files: Record<string, { body: string; type: string }> = {
    'app.css': { body: readFileSync(join(DIR, 'app.css'), 'utf8'), type: 'text/css; charset=utf-8' },
    'app.js': { body: readFileSync(join(DIR, 'app.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
  };
  const app = new Hono<WebEnv>();
  app.get('/assets/:file', (c) => {
    const f = files[c.req.param('file')];
    if (!f) return c.text('not found', 404);
    return c.body(f.body, 200, { 'content-type': f.type, 'cache-control': 'public, max-age=3600' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  return app;
}
