import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { checkResponse, routeTable } from './responses.ts';

/** A tiny app whose handler answers what the test says, checked against its declaration. */
function app(answer: (c: Context) => Response) {
  const a = new OpenAPIHono();
  let problem: string | null = null;
  a.use('*', async (c, next) => {
    await next();
    problem = await checkResponse(routeTable(a), c);
  });
  a.openapi(
    createRoute({
      method: 'get',
      path: '/things/{id}',
      request: { params: z.object({ id: z.string() }) },
      responses: {
        200: {
          description: 'ok',
          content: { 'application/json': { schema: z.object({ id: z.string(), n: z.number() }) } },
        },
        204: { description: 'none' },
      },
    }),
    // deliberately untyped: the answers under test break the declaration on purpose
    answer as never,
  );
  return { a, problem: () => problem };
}

describe('api: responses checked against their declaration', () => {
  it.each([
    ['a matching body', (c: Context) => c.json({ id: 'x', n: 1 }, 200), null],
    ['a declared empty answer', (c: Context) => c.body(null, 204), null],
    ['a wrong body', (c: Context) => c.json({ id: 'x', n: 'one' }, 200), /n: .*number/],
    ['an undeclared status', (c: Context) => c.json({ id: 'x', n: 1 }, 201), /status 201 is not declared/],
    [
      'an undeclared content type',
      (c: Context) => c.text('hi', 200),
      /undeclared content type 'text\/plain'/,
    ],
  ])('%s', async (_, answer, want) => {
    const { a, problem } = app(answer);
    await a.request('/things/1');
    if (want === null) expect(problem()).toBeNull();
    else expect(problem()).toMatch(want);
  });

  it('knows which methods a path allows, and prefers literal segments', () => {
    const a = new OpenAPIHono();
    const r = (method: 'get' | 'post', path: string) =>
      a.openapi(createRoute({ method, path, responses: { 200: { description: 'ok' } } }), ((c: Context) =>
        c.body(null, 200)) as never);
    r('get', '/n/{id}');
    r('get', '/n/available');
    r('post', '/n');
    const t = routeTable(a);
    expect(t.allowedMethods('/n/x')).toEqual(['GET', 'HEAD']);
    expect(t.allowedMethods('/n')).toEqual(['POST']);
    expect(t.find('GET', '/n/available')!.path).toBe('/n/available');
    expect(t.find('GET', '/n/other')!.path).toBe('/n/{id}');
  });
});
