// Call-attempt counts: fixed windows on the injected clock, and counts shared through the store
// (two limiters on one registry stand for two redirectors; test/trust/limits.test.ts runs two
// processes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, type RateWindow, type Store, silentLogger } from '#core';
import { createEmbeddedStore, SCHEMA } from '#registry';
import { createRateLimiter, hashKey } from './limits.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-limits-'));
  store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
});
afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('call-attempt limits', () => {
  it('count in fixed windows: the limit holds, Retry-After is the rest of the window, a new window starts at 0', () => {
    let t = 120_000 + 15_000; // 15 s into a minute
    const l = createRateLimiter({ clock: { now: () => t } });
    const hits = Array.from({ length: 4 }, () => l.hit('source', '192.0.2.1', 3, 60_000));
    expect(hits.map((h) => h.ok)).toEqual([true, true, true, false]);
    expect(hits[3]).toEqual({ ok: false, count: 4, retryAfterS: 45 });
    expect(l.hit('source', '192.0.2.2', 3, 60_000).ok).toBe(true); // another key
    t += 45_000;
    expect(l.hit('source', '192.0.2.1', 3, 60_000)).toMatchObject({ ok: true, count: 1 });
    expect(l.hit('source', '192.0.2.1', 0, 60_000)).toEqual({ ok: true, count: 0, retryAfterS: 0 }); // 0: no limit
  });

  it("two limiters on one store learn each other's counts at the next sync", async () => {
    const t = 600_000;
    const clock = { now: () => t };
    const a = createRateLimiter({ store, clock });
    const b = createRateLimiter({ store, clock });
    for (let i = 0; i < 5; i++) expect(a.hit('member', 'm1', 8, 60_000).ok).toBe(true);
    expect(b.hit('member', 'm1', 8, 60_000).count).toBe(1); // not shared yet
    await a.sync();
    await b.sync();
    // b: its own 1 (flushed) + a's 5; then 2 more reach 8
    expect(b.hit('member', 'm1', 8, 60_000).count).toBe(7);
    expect(b.hit('member', 'm1', 8, 60_000)).toMatchObject({ ok: true, count: 8 });
    expect(b.hit('member', 'm1', 8, 60_000)).toMatchObject({ ok: false, count: 9 });
    await b.sync();
    await a.sync();
    expect(a.hit('member', 'm1', 8, 60_000)).toMatchObject({ ok: false, count: 10 });
    // one document per rule and window, keys hashed, counts added by single-document $inc
    const doc = await store.collection<RateWindow>(COLLECTIONS.rateWindows).get(`member|${t / 60_000}`);
    expect(doc).toMatchObject({ rule: 'member', w: t / 60_000, c: { [hashKey('m1')]: 9 } });
  });
});
