// The OpenAPI document: valid OpenAPI 3.1 by a standard validator (swagger-parser), every JSON
// Schema in it compiles under JSON Schema 2020-12 (Ajv), and every route the app serves is in it.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './helpers/harness.ts';

describe('api: OpenAPI document', () => {
  let h: Harness;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
  let doc: any;
  beforeAll(async () => {
    h = await harness();
    const r = await h.call('GET', '/openapi.json', { token: null });
    expect(r.status).toBe(200);
    doc = r.body;
  });
  afterAll(() => h.close());

  it('is valid OpenAPI 3.1 (swagger-parser)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it('has component schemas that compile as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.getSchema(`doc#/components/schemas/${name}`), name).not.toThrow();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Zone', 'RRsetChange', 'Country']),
    );
  });

  it('has patterns that are valid unicode regexes without stray flags (zod-to-openapi writes /u into them)', () => {
    const patterns: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (typeof o.pattern === 'string') patterns.push(o.pattern);
        Object.values(o).forEach(walk);
      }
    };
    walk(doc);
    expect(patterns.length).toBeGreaterThan(10);
    for (const p of patterns) {
      expect(p, p).not.toMatch(/(?<!\\)\/[a-z]+$/);
      expect(() => new RegExp(p, 'u'), p).not.toThrow();
    }
    // a member's display name: the pattern must accept a plain name
    const reg = doc.components.schemas.MemberRegistration;
    expect(new RegExp(reg.properties.displayName.pattern, 'u').test('Alice Kim')).toBe(true);
  });

  it('lists every route the app serves, with its method', () => {
    const served = h.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(20);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('protects every /v1 operation with the bearer scheme and documents its problem responses', () => {
    // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!path.startsWith('/v1/')) {
          expect(op.security, where).toBeUndefined();
          continue;
        }
        expect(op.security, where).toEqual([{ bearer: [] }]);
        for (const status of ['400', '401', '429']) {
          expect(
            op.responses[status]?.content?.['application/problem+json'],
            `${where} ${status}`,
          ).toBeDefined();
        }
        if (op.requestBody) {
          for (const status of ['413', '415'])
            expect(op.responses[status], `${where} ${status}`).toBeDefined();
        }
      }
    }
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves Swagger UI at /docs with its script and stylesheet from callx itself, no CDN', async () => {
    const page = await h.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.sort()).toEqual([
      '/docs/assets/swagger-ui-dist/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui-dist/swagger-ui.css',
    ]);
    for (const [url, type, start] of [
      [urls[0]!, 'text/javascript', /SwaggerUIBundle/],
      [urls[1]!, 'text/css', /\.swagger-ui/],
    ] as const) {
      const r = await h.app.request(url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
      expect((await r.text()).slice(0, 200_000)).toMatch(start);
    }
    // only those two files: anything else in the package (or beyond it) is a 400 problem
    for (const bad of ['index.html', '..%2F..%2Fpackage.json', 'swagger-ui.css.map']) {
      const r = await h.app.request(`/docs/assets/swagger-ui-dist/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
