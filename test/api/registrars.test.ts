// Registrars and tokens over HTTP, and the cross-cutting behaviour every route shares
// (authentication, problem+json, rate limit, body limit, content types, 404/405).
import { describe, expect } from 'vitest';
import { it } from './helpers/fixtures.ts';

describe('api: registrars and tokens', () => {
  it('creates a registrar, gives it a token shown once, and the token works', async ({ h }) => {
    const created = await h.call('POST', '/v1/registrars', { body: { id: 'acme', name: 'ACME Telecom' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/registrars/acme');
    expect(created.body).toMatchObject({ id: 'acme', name: 'ACME Telecom', version: 1 });
    const tok = await h.call('POST', '/v1/registrars/acme/tokens', { body: { label: 'billing' } });
    expect(tok.status).toBe(201);
    expect(tok.headers.get('cache-control')).toBe('no-store');
    expect(tok.body.token).toMatch(/^cx_/);
    const me = await h.call('GET', '/v1/registrars/acme', { token: tok.body.token });
    expect(me.status).toBe(200);
    const list = await h.call('GET', '/v1/registrars/acme/tokens', { token: tok.body.token });
    expect(list.body.items).toEqual([
      {
        id: tok.body.id,
        role: 'registrar',
        registrarId: 'acme',
        label: 'billing',
        createdAt: expect.any(String),
      },
    ]);
    expect(list.text).not.toContain(tok.body.token);
  });

  it('revokes a token: the next request with it is 401', async ({ h, a: token }) => {
    const list = await h.call('GET', '/v1/registrars/a/tokens', { token });
    const id = list.body.items[0].id;
    expect((await h.call('DELETE', `/v1/registrars/a/tokens/${id}`, { token })).status).toBe(204);
    const after = await h.call('GET', '/v1/registrars/a', { token });
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('https://callx.test/problems/unauthorized');
  });

  it('answers 409 for an existing id, 403 for a registrar creating registrars, 400 with fields for bad input', async ({
    h,
  }) => {
    const token = await h.registrar('a');
    const dup = await h.call('POST', '/v1/registrars', { body: { id: 'a', name: 'again' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ type: 'https://callx.test/problems/already-exists', status: 409 });
    const forbidden = await h.call('POST', '/v1/registrars', { token, body: { id: 'z', name: 'Z' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.type).toBe('https://callx.test/problems/forbidden');
    const bad = await h.call('POST', '/v1/registrars', { body: { id: 'Bad Id!', name: '', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body.type).toBe('https://callx.test/problems/validation-failed');
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/extra',
      '/id',
      '/name',
    ]);
  });

  it('keeps registrars apart', async ({ h, a }) => {
    await h.registrar('b');
    expect((await h.call('GET', '/v1/registrars/b', { token: a })).status).toBe(404);
    expect((await h.call('GET', '/v1/registrars/b/tokens', { token: a })).status).toBe(404);
    expect((await h.call('POST', '/v1/registrars/b/tokens', { token: a, body: {} })).status).toBe(404);
    const list = await h.call('GET', '/v1/registrars', { token: a });
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual(['a']);
  });

  it('pages the registrar list with an opaque cursor and a Link header', async ({ h }) => {
    for (const id of ['r1', 'r2', 'r3']) await h.registrar(id);
    const p1 = await h.call('GET', '/v1/registrars?limit=2');
    expect(p1.body.items.map((r: { id: string }) => r.id)).toEqual(['r1', 'r2']);
    expect(p1.headers.get('link')).toContain('rel="next"');
    const p2 = await h.call('GET', `/v1/registrars?limit=2&cursor=${p1.body.next}`);
    expect(p2.body).toMatchObject({ next: null });
    expect(p2.body.items.map((r: { id: string }) => r.id)).toEqual(['r3']);
    const bad = await h.call('GET', '/v1/registrars?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ location: 'query', pointer: 'cursor' });
    // a cursor of another list is refused too, not read as a place in this one
    const elsewhere = await h.call('GET', `/v1/zones?cursor=${p1.body.next}`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({
      code: 'bad-cursor',
      detail: expect.stringContaining('cursor: not a cursor of this list'),
      errors: [{ location: 'query', pointer: 'cursor' }],
    });
    const big = await h.call('GET', '/v1/registrars?limit=100000');
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toMatchObject({ location: 'query', pointer: 'limit' });
  });
});

describe('api: what every route shares', () => {
  it('401 without a token, with a malformed header, with an unknown token', async ({ h }) => {
    for (const [token, headers] of [
      [null, {}],
      [null, { authorization: 'Basic Zm9vOmJhcg==' }],
      ['cx_unknown', {}],
    ] as const) {
      const r = await h.call('GET', '/v1/registrars', { token, headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="callx"/);
      expect(r.body).toMatchObject({
        type: 'https://callx.test/problems/unauthorized',
        status: 401,
        instance: '/v1/registrars',
      });
    }
  });

  it('every authenticated answer carries the RateLimit headers, problems included', async ({ h, a }) => {
    for (const [path, status] of [
      ['/v1/registrars', 200],
      ['/v1/registrars/nobody', 404],
      ['/v1/registrars?limit=0', 400],
    ] as const) {
      const r = await h.call('GET', path, { token: a });
      expect(r.status, path).toBe(status);
      expect(r.headers.get('ratelimit-limit'), path).toBe('100000');
      expect(Number(r.headers.get('ratelimit-remaining')), path).toBeGreaterThan(0);
      expect(r.headers.get('ratelimit-reset'), path).toMatch(/^\d+$/);
    }
  });

  it('429 with Retry-After once a token exceeds its rate, and it recovers with time', async ({ open }) => {
    const h = await open({ rateLimit: 3 });
    const token = await h.registrar('a');
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/v1/registrars', { token })).status).toBe(200);
    const limited = await h.call('GET', '/v1/registrars', { token });
    expect(limited.status).toBe(429);
    expect(limited.body.type).toBe('https://callx.test/problems/rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBe(20);
    // another token has its own bucket
    expect((await h.call('GET', '/v1/registrars')).status).toBe(200);
    h.clock.advance(20_000);
    expect((await h.call('GET', '/v1/registrars', { token })).status).toBe(200);
    expect(await h.metrics.text()).toContain('callx_http_rate_limited_total 1');
  });

  it.for([
    ['413 over the body limit', { body: { id: 'x', name: 'n'.repeat(5000) } }, 413, 'payload-too-large'],
    [
      '415 for another media type',
      { raw: '<x/>', contentType: 'application/xml' },
      415,
      'unsupported-media-type',
    ],
    ['400 for broken JSON', { raw: '{"id": ', contentType: 'application/json' }, 400, 'malformed-request'],
  ] as const)('%s', async ([, request, status, kind], { open }) => {
    const h = await open({ bodyLimit: 2048 });
    const r = await h.call('POST', '/v1/registrars', request);
    expect(r.status).toBe(status);
    expect(r.body.type).toBe(`https://callx.test/problems/${kind}`);
    expect(r.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('404 for unknown paths and 405 with Allow for a known path', async ({ h }) => {
    const nf = await h.call('GET', '/v1/nothing-here');
    expect(nf.status).toBe(404);
    expect(nf.body.type).toBe('https://callx.test/problems/not-found');
    const na = await h.call('PUT', '/v1/registrars');
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('counts requests by route pattern in /metrics, which needs no token', async ({ h }) => {
    await h.call('GET', '/v1/registrars/nobody');
    const m = await h.call('GET', '/metrics', { token: null });
    expect(m.status).toBe(200);
    expect(m.text).toContain(
      'callx_http_requests_total{method="GET",route="/v1/registrars/{id}",status="404"} 1',
    );
  });
});
