import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS, type IdempotencyRecord } from '#core';
import { type TempStore, tempStore } from '#test/api/helpers/store';
import { until } from '#test/helpers/until';
import { ApiError, problemResponse, toProblem } from './errors.ts';
import { canonicalJson, createIdempotency } from './idempotency.ts';

describe('api: Idempotency-Key', () => {
  let t: TempStore;
  let now = 1_000_000;
  let runs = 0;
  let gate: Promise<void> = Promise.resolve();
  let app: Hono;
  beforeEach(async () => {
    t = await tempStore();
    runs = 0;
    gate = Promise.resolve();
    const log = { error: () => {} };
    const idempotent = createIdempotency({
      store: t.store,
      clock: { now: () => now },
      render: (err, c) => toProblem(err, c, log),
      ttlMs: 10_000,
      stalePendingMs: 1_000,
    });
    app = new Hono();
    app.onError((err, c) => toProblem(err, c, log));
    app.post('/thing', async (c) => {
      const body = await c.req.json();
      return idempotent(c, c.req.header('x-owner') ?? 'a', body, async () => {
        runs++;
        await gate;
        if (body.fail === 'client') throw new ApiError('conflict', 'no');
        if (body.fail === 'server') return problemResponse(c, 'internal-error', 'boom');
        c.header('location', `/thing/${runs}`);
        return c.json({ run: runs, body }, 201);
      });
    });
  });
  afterEach(() => t.close());

  const post = (body: unknown, key?: string, owner?: string) =>
    app.request('/thing', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
        ...(owner ? { 'x-owner': owner } : {}),
      },
      body: JSON.stringify(body),
    });

  it('runs once per key and replays status, body and headers; key order in the body does not matter', async () => {
    const r1 = await post({ a: 1, b: 2 }, 'k');
    const r2 = await post({ b: 2, a: 1 }, 'k');
    expect(r1.status).toBe(201);
    expect(r2.status).toBe(201);
    expect(await r2.json()).toEqual(await r1.json());
    expect(r2.headers.get('location')).toBe('/thing/1');
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(1);
    expect((await post({ a: 1, b: 2 })).status).toBe(201);
    expect(runs).toBe(2);
  });

  it('422 for the same key with another body; owners have their own keys', async () => {
    await post({ a: 1 }, 'k');
    const other = await post({ a: 2 }, 'k');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { type: string }).type).toMatch(/idempotency-key-reused$/);
    expect((await post({ a: 2 }, 'k', 'b')).status).toBe(201);
    expect(runs).toBe(2);
  });

  it('409 while the first request runs; concurrent retries run the work once', async () => {
    let release!: () => void;
    gate = new Promise((r) => {
      release = r;
    });
    const first = post({ a: 1 }, 'k');
    await until('the first request to run', () => runs === 1);
    const during = await post({ a: 1 }, 'k');
    expect(during.status).toBe(409);
    expect(during.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(201);
    expect(runs).toBe(1);
  });

  it('replays client errors, forgets server errors so a retry runs again', async () => {
    const c1 = await post({ fail: 'client' }, 'c');
    const c2 = await post({ fail: 'client' }, 'c');
    expect([c1.status, c2.status]).toEqual([409, 409]);
    expect(runs).toBe(1);
    await post({ fail: 'server' }, 's');
    await post({ fail: 'server' }, 's');
    expect(runs).toBe(3);
  });

  it('expires records after the ttl and takes over a request that died while pending', async () => {
    await post({ a: 1 }, 'k');
    now += 10_001;
    expect((await post({ a: 9 }, 'k')).status).toBe(201);
    expect(runs).toBe(2);
    const coll = t.store.collection<IdempotencyRecord>(COLLECTIONS.idempotency);
    const requestHash = createHash('sha256')
      .update(canonicalJson({ a: 1 }))
      .digest('hex');
    await coll.insert({ _id: 'a:POST:/thing:dead', requestHash, status: 0, body: '', createdAt: now });
    expect((await post({ a: 1 }, 'dead')).status).toBe(409);
    now += 1_001;
    const taken = await post({ a: 1 }, 'dead');
    expect(taken.status).toBe(201);
    expect(runs).toBe(3);
    expect((await coll.get('a:POST:/thing:dead'))!.status).toBe(201);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
