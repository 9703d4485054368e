// The MongoDB store when its server stops answering, on a FerretDB of the test's own:
// - paused (SIGSTOP: connections stay open, nothing answers): an operation fails within a
//   bounded time with StoreUnavailableError, the store reports itself unavailable, later
//   operations fail at once and the API's gate answers 503 at once; when the server resumes
//   the store is available again and writes go on, without waiting for any lock's lease;
// - killed while a locked write held its lock (the release cannot reach it): when the server is
//   back, the store releases that lock, so the document is not blocked for the lease.
import { Hono } from 'hono';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeGate } from '../../src/api/store-gate.ts';
import { silentLogger } from '../../src/core/log.ts';
import { StoreUnavailableError } from '../../src/core/store.ts';
import { createMongoStore, type MongoStore } from '../../src/registry/stores/mongo.ts';
import { until } from '../helpers/until.ts';
import { type OwnFerretdb, ownFerretdb } from '../setup/mongo.ts';

const HEALTH = { stallMs: 300, pingTimeoutMs: 500, probeEveryMs: 200 };

async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: performance.now() - t0 };
  }
  throw new Error('expected the operation to fail');
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
}

describe('mongodb store: availability when the server stops answering', () => {
  let server: OwnFerretdb;
  let store: MongoStore;

  beforeAll(async () => {
    server = await ownFerretdb();
    await server.start();
    store = await createMongoStore({
      uri: server.uri,
      dbName: 'health',
      logger: silentLogger,
      serverSelectionTimeoutMs: 1_000,
      health: HEALTH,
    });
  });
  afterAll(async () => {
    server?.resume();
    await store?.close();
    await server?.stop();
  });

  it('fails fast while the server is paused, answers 503 at once, and recovers when it resumes', async () => {
    const c = store.collection<{ _id: string; v: number }>('counts');
    await c.insert({ _id: 'n', v: 0 });
    const app = new Hono();
    app.use('/v1/*', storeGate(store));
    app.get('/v1/thing', async (ctx) => ctx.json(await c.get('n')));
    expect(store.available()).toBe(true);
    expect((await app.request('/v1/thing')).status).toBe(200);

    server.pause();
    try {
      // The write in flight: given up once a ping goes unanswered (stall 300 ms + ping 500 ms).
      const first = await failure(c.findOneAndUpdate({ _id: 'n' }, { $inc: { v: 1 } }));
      expect(first.err).toBeInstanceOf(StoreUnavailableError);
      expect(first.ms).toBeLessThan(3_000);
      expect(store.available()).toBe(false);
      // Later operations do not wait at all.
      const next = await failure(c.get('n'));
      expect(next.err).toBeInstanceOf(StoreUnavailableError);
      expect((next.err as Error).message).toMatch(
        /mongodb mongodb:\/\/127\.0\.0\.1:\d+\/health: counts: get: unavailable since/,
      );
      expect(next.ms).toBeLessThan(50);
      const t0 = performance.now();
      const res = await app.request('/v1/thing');
      expect(performance.now() - t0).toBeLessThan(50);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ status: 503, instance: '/v1/thing' });
    } finally {
      server.resume();
    }

    await until('the store to be available again', () => store.available(), 5_000);
    // The interrupted write released its lock: the next write does not wait for the lease (30 s).
    const after = await timed(c.findOneAndUpdate({ _id: 'n' }, { $inc: { v: 10 } }));
    expect(after.ms).toBeLessThan(2_000);
    // The interrupted increment may or may not have been applied; nothing else was.
    expect([10, 11]).toContain(after.value?.v);
    expect((await app.request('/v1/thing')).status).toBe(200);
  });

  it('releases, once the server is back, a lock it could not release while the server was down', async () => {
    const c = store.collection<{ _id: string; v: number }>('things');
    await c.insert({ _id: 'x', v: 0 });
    // A locked write whose server dies before the lock is released.
    await store.locks!.with('things', 'x', async () => {
      await server.kill();
    });
    const down = await failure(c.get('x'));
    expect(down.err, String(down.err)).toBeInstanceOf(StoreUnavailableError);
    await until('the store to notice', () => !store.available(), 5_000);

    await server.start();
    await until('the store to be available again', () => store.available(), 5_000);
    const raw = new MongoClient(server.uri);
    try {
      await until(
        'the orphaned lock to be released',
        async () => (await raw.db('health').collection('storeLocks').countDocuments({})) === 0,
        5_000,
      );
    } finally {
      await raw.close();
    }
    const write = await timed(c.findOneAndUpdate({ _id: 'x' }, { $set: { v: 1 } }));
    expect(write.value?.v).toBe(1);
    expect(write.ms).toBeLessThan(2_000);
  });
});
