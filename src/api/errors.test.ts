import { OpenAPIHono, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '#core';
import { REGISTRY_ERROR_CODES, RegistryError } from '#registry';
import { ApiError, fieldErrors, PROBLEMS, toProblem } from './errors.ts';
import { REGISTRY_PROBLEMS } from './registry-errors.ts';

/** The problem a thrown value becomes, through a real hono app's onError. */
async function problemOf(err: unknown, method = 'POST') {
  const app = new OpenAPIHono();
  const logged: unknown[] = [];
  const log = { error: (o: object) => logged.push(o) };
  app.onError((e, c) => toProblem(e, c, log));
  app.on(method, '/x', () => {
    throw err;
  });
  const res = await app.request('/x', { method });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: JSON.parse(await res.text()),
    logged,
    res,
  };
}

describe('api: problem+json', () => {
  it('gives every kind a stable type URI and a status matching its family', () => {
    for (const [kind, p] of Object.entries(PROBLEMS)) {
      expect(p.status, kind).toBeGreaterThanOrEqual(400);
      expect(kind).toMatch(/^[a-z-]+$/);
    }
  });

  it.each([
    [new ApiError('rate-limited', 'slow down', { headers: { 'retry-after': '3' } }), 429, 'rate-limited'],
    [new RegistryError('overlap', 'zone x: overlaps y'), 409, 'overlap'],
    [new RegistryError('exists', 'x exists'), 409, 'already-exists'],
    [new HTTPException(415, { message: 'Unsupported Media Type' }), 415, 'unsupported-media-type'],
    [new RegistryError('already-paid', 'order o: already paid'), 409, 'order-already-paid'],
    [new RegistryError('version-conflict', 'member m: moved on'), 409, 'version-mismatch'],
    [new RegistryError('amount-mismatch', 'paid 1'), 422, 'payment-mismatch'],
    [new RegistryError('bad-cursor', 'zones: cursor: not ours'), 400, 'validation-failed'],
    [new StoreUnavailableError('registry: mongodb: down'), 503, 'unavailable'],
  ])('%s -> %i %s', async (err, status, kind) => {
    const p = await problemOf(err);
    expect(p.status).toBe(status);
    expect(p.type).toBe('application/problem+json');
    expect(p.body).toMatchObject({ type: `https://callx.test/problems/${kind}`, status, instance: '/x' });
  });

  it('maps every registry code to exactly one problem kind, with its code in the body', async () => {
    expect(Object.keys(REGISTRY_PROBLEMS).sort()).toEqual([...REGISTRY_ERROR_CODES].sort());
    for (const code of REGISTRY_ERROR_CODES) {
      const p = await problemOf(new RegistryError(code, `registry: test: ${code}`));
      expect(p.body, code).toMatchObject({
        code,
        type: `https://callx.test/problems/${REGISTRY_PROBLEMS[code]}`,
      });
      expect(p.status, code).toBe(PROBLEMS[REGISTRY_PROBLEMS[code]].status);
    }
  });

  it('answers an unexpected error with a generic 500, logs it, and never shows a stack', async () => {
    const err = new TypeError('secret internal detail');
    const p = await problemOf(err);
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.body)).not.toMatch(/secret internal detail|at .*\.ts/);
    expect(p.logged).toHaveLength(1);
  });

  it('keeps registry codes, details and issues, with the location by method', async () => {
    const post = await problemOf(
      new RegistryError('invalid-input', 'bad', {
        issues: [{ path: 'personal.birthDate', pointer: '/personal/birthDate', message: 'no' }],
      }),
    );
    expect(post.body).toMatchObject({
      code: 'invalid-input',
      errors: [{ location: 'body', pointer: '/personal/birthDate' }],
    });
    const get = await problemOf(
      new RegistryError('invalid-input', 'bad', {
        issues: [{ path: 'pattern', pointer: '/pattern', message: 'no' }],
      }),
      'GET',
    );
    expect(get.body.errors[0]).toMatchObject({ location: 'query', pointer: 'pattern' });
    const paid = await problemOf(
      new RegistryError('order-not-payable', 'expired', { details: { orderStatus: 'expired' } }),
    );
    expect(paid.body).toMatchObject({ orderStatus: 'expired', code: 'order-not-payable' });
    expect(
      (
        await problemOf(new ApiError('rate-limited', 'x', { headers: { 'retry-after': '3' } }))
      ).res.headers.get('retry-after'),
    ).toBe('3');
  });

  it('turns every zod issue into a field error with a JSON pointer', () => {
    const r = z
      .object({ a: z.object({ 'b/c': z.string() }), d: z.number() })
      .strict()
      .safeParse({ a: { 'b/c': 1 }, e: 1 });
    expect(r.success).toBe(false);
    const errors = fieldErrors('json', r.error!);
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/a/b~1c', '/d', '/e']);
    const escaped = z.object({ x: z.array(z.object({ '~': z.string() })) }).safeParse({ x: [{ '~': 1 }] });
    expect(fieldErrors('json', escaped.error!)[0]!.pointer).toBe('/x/0/~0');
    expect(fieldErrors('query', r.error!)[0]!.location).toBe('query');
  });
});
