// The per-document locks of the MongoDB store's locks mode (FerretDB v1), on the server the test
// setup provides: exclusion between processes (two lock owners), takeover of a dead holder's
// lock after its lease and not before, the in-process queue that hands a busy lock from one
// write to the next, a holder stalled past half its lease that must not write, and a section
// whose caller gave up that neither waits nor writes; a store closed during a locked write.
import { MongoClient, type Collection as MongoCollection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { StoreUnavailableError } from '../../src/core/store.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { DocLocks, type LockDoc } from '../../src/registry/stores/mongo-locks.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mongo-locks: per-document locks for FerretDB', () => {
  let client: MongoClient;
  let other: MongoClient;
  let locks: MongoCollection<LockDoc>;
  let inserts = 0;
  const dbName = testDbName(import.meta.filename);

  beforeAll(async () => {
    client = new MongoClient(mongoUri(), { monitorCommands: true });
    other = new MongoClient(mongoUri());
    client.on('commandStarted', (e) => {
      if (e.commandName === 'insert' && e.command.insert === 'storeLocks') inserts++;
    });
    await Promise.all([client.connect(), other.connect()]);
    locks = client.db(dbName).collection<LockDoc>('storeLocks');
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await Promise.all([client.close(), other.close()]);
  });

  it('never lets two owners (processes) into sections of one document at once', async () => {
    const a = new DocLocks(locks);
    const b = new DocLocks(other.db(dbName).collection<LockDoc>('storeLocks'));
    let inside = 0;
    let most = 0;
    const section = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(5);
      inside--;
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).with('t', 'doc', section)));
    expect(most).toBe(1);
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('takes over the lock of a dead holder once its lease is over, and not before', async () => {
    const lease = 600;
    const l = new DocLocks(locks, { leaseMs: lease });
    // A holder that died just now, and one that died long ago (on another key).
    await locks.insertOne({ _id: 't/"fresh"#1', key: 't/"fresh"', gen: 1, at: Date.now(), owner: 'dead' });
    await locks.insertOne({
      _id: 't/"old"#3',
      key: 't/"old"',
      gen: 3,
      at: Date.now() - 10 * lease,
      owner: 'dead',
    });
    let t0 = performance.now();
    await l.with('t', 'old', async () => {});
    expect(performance.now() - t0).toBeLessThan(lease / 2);
    t0 = performance.now();
    await l.with('t', 'fresh', async () => {});
    expect(performance.now() - t0).toBeGreaterThanOrEqual(lease - 50);
    // The dead holders' locks are gone, and so are ours.
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('hands a busy lock from one section to the next in one process', async () => {
    const l = new DocLocks(locks);
    let n = 0;
    inserts = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        l.with('t', 'counter', async () => {
          const v = n;
          await sleep(1);
          n = v + 1;
        }),
      ),
    );
    expect(n).toBe(20);
    // One server lock per burst (a few if a burst outlives the hand-off time), not one per section.
    expect(inserts).toBeLessThan(10);
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('a holder stalled past half its lease gives up instead of writing', async () => {
    const l = new DocLocks(locks, { leaseMs: 400 });
    let wrote = false;
    const err = await l
      .with('t', 'slow', async (check) => {
        await sleep(250);
        check();
        wrote = true;
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.message).toContain('past half its lease');
    expect(wrote).toBe(false);
    expect(await locks.countDocuments({})).toBe(0);
  });

  // A restart (SIGTERM: the API closes its connections, then the store) in the middle of a
  // locked write used to leave the lock behind: after the restart that document (often the
  // journal counter, so every member write) waited for the rest of the 30-s lease.
  it('close() lets a running locked write finish and release, so a restarted process writes at once', async () => {
    const opts = { uri: mongoUri(), dbName, logger: silentLogger, atomicity: 'locks' as const };
    const before = await createMongoStore(opts);
    await before.collection<{ _id: string; v: number }>('c').insert({ _id: 'x', v: 0 });
    const running = before.locks!.with('c', 'x', () => sleep(200));
    await sleep(20);
    await before.close();
    await running;
    const after = await createMongoStore(opts);
    try {
      const t0 = performance.now();
      expect(
        await after
          .collection<{ _id: string; v: number }>('c')
          .findOneAndUpdate({ _id: 'x' }, { $set: { v: 1 } }),
      ).toEqual({
        _id: 'x',
        v: 1,
      });
      expect(performance.now() - t0).toBeLessThan(2_000);
    } finally {
      await after.close();
    }
  });

  it('close() in the middle of many writers leaves no lock behind', async () => {
    const store = await createMongoStore({
      uri: mongoUri(),
      dbName,
      logger: silentLogger,
      atomicity: 'locks',
    });
    const c = store.collection<{ _id: string; n: number }>('busy');
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, i) => {
      while (!stop) await c.findOneAndUpdate({ _id: `d${i % 4}` }, { $inc: { n: 1 } }, { upsert: true });
    });
    const settled = Promise.allSettled(writers);
    await sleep(150);
    // The writers keep starting writes while the store closes, as requests in flight do.
    await store.close();
    stop = true;
    // Writers stopped by the close fail with StoreUnavailableError; none hangs.
    for (const r of await settled) {
      if (r.status === 'rejected') expect(r.reason, String(r.reason)).toBeInstanceOf(StoreUnavailableError);
    }
    expect(await locks.countDocuments({})).toBe(0);
  });

  it('a queued section whose caller gave up neither takes the lock nor runs', async () => {
    const l = new DocLocks(locks);
    let release!: () => void;
    const first = l.with('t', 'busy', () => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    let ran = false;
    const second = l
      .with(
        't',
        'busy',
        async () => {
          ran = true;
        },
        ac.signal,
      )
      .catch((e) => e);
    await sleep(20);
    ac.abort(new StoreUnavailableError('given up'));
    release();
    await first;
    expect(await second).toBeInstanceOf(StoreUnavailableError);
    expect(ran).toBe(false);
    expect(await locks.countDocuments({})).toBe(0);
  });
});
