// The change journal's guarantees, run on every store (embedded.journal.test.ts,
// mongo.journal.test.ts): every entry is read exactly once, in sequence order, none missed,
// even with writers that commit out of order, stall, die, or run in other processes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Counter, JournalEntry } from '../../src/core/model.ts';
import { GAP_SOURCE, parseSource } from '../../src/core/sources.ts';
import type { Store } from '../../src/core/store.ts';
import {
  createJournal,
  JOURNAL_HEAD,
  type Journal,
  JournalTrimmedError,
} from '../../src/registry/journal.ts';
import { applyRetention, trimPoint } from '../../src/registry/journal-retention.ts';
import type { StoreSpec } from './fixtures/open.ts';

export interface JournalStore {
  store: Store;
  /** How a child process opens the same store. */
  spec: StoreSpec;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WRITER = fileURLToPath(new URL('./fixtures/journal-writer.ts', import.meta.url));

/** A test clock: time moves only when the test says so. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Polls like a DNS node: checks each entry follows the previous one, stops when `done()` and caught up. */
async function follow(journal: Journal, done: () => boolean, lastSeq: () => number, timeoutMs = 60_000) {
  const seen: JournalEntry[] = [];
  let pos = 0;
  const deadline = Date.now() + timeoutMs;
  while (!(done() && pos >= lastSeq())) {
    if (Date.now() > deadline) throw new Error(`reader stuck at ${pos}, writers at ${lastSeq()}`);
    const batch = await journal.readAfter(pos, 25);
    for (const e of batch) {
      expect(e._id, 'entries come in sequence order with no gap').toBe(pos + 1);
      pos = e._id;
      seen.push(e);
    }
    if (batch.length === 0) await sleep(5);
  }
  return seen;
}

function runWriter(spec: StoreSpec, writer: string, count: number, maxDelayMs: number, die = false) {
  const child = spawn(process.execPath, [WRITER, JSON.stringify({ spec, writer, count, maxDelayMs, die })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const acks: Array<{ seq: number; source: string }> = [];
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      for (const line of out.split('\n').filter(Boolean)) {
        const [seq, source] = line.split(' ');
        acks.push({ seq: Number(seq), source: source! });
      }
      if (code !== 0) console.error(`journal writer ${writer} exited ${code}: ${err}`);
      resolve(code ?? -1);
    }),
  );
  return {
    child,
    acks,
    exited,
    latest: () =>
      Math.max(
        0,
        ...out
          .split('\n')
          .filter(Boolean)
          .map((l) => Number(l.split(' ')[0])),
      ),
  };
}

export function defineJournalSuite(label: string, open: () => Promise<JournalStore>): void {
  describe(`change journal: ${label}`, () => {
    const opened: JournalStore[] = [];
    const fresh = async () => {
      const h = await open();
      opened.push(h);
      return h;
    };
    afterEach(async () => {
      for (const h of opened.splice(0)) await h.close();
    });

    it('appends in sequence; readAfter returns the run after a position; head follows', async () => {
      const { store } = await fresh();
      const j = createJournal({ store, logger: silentLogger });
      for (let i = 1; i <= 5; i++) {
        expect(
          await j.append({
            source: parseSource(`members/m${i}`),
            version: i,
            rrsets: [{ name: 'a.test', type: 'A', ttl: 60, rdata: [`192.0.2.${i}`] }],
          }),
        ).toBe(i);
      }
      const all = await j.readAfter(0);
      expect(all.map((e) => [e._id, e.source, e.version])).toEqual(
        [1, 2, 3, 4, 5].map((i) => [i, `members/m${i}`, i]),
      );
      expect(all[2]!.rrsets).toEqual([{ name: 'a.test', type: 'A', ttl: 60, rdata: ['192.0.2.3'] }]);
      expect((await j.readAfter(3)).map((e) => e._id)).toEqual([4, 5]);
      expect((await j.readAfter(0, 2)).map((e) => e._id)).toEqual([1, 2]);
      expect(await j.readAfter(5)).toEqual([]);
      expect(await j.head()).toBe(5);
      expect((await store.collection<Counter>('counters').get(JOURNAL_HEAD))?.seq).toBe(5);
      await expect(j.readAfter(-1)).rejects.toThrow(/bad position/);
    });

    it('trim: the floor moves forward only; a reader below it is told, never handed gap entries', async () => {
      const { store } = await fresh();
      const j = createJournal({ store, logger: silentLogger, graceMs: 0 });
      for (let i = 1; i <= 6; i++)
        await j.append({ source: parseSource(`members/m${i}`), version: 1, rrsets: [] });
      expect(await j.trim(3)).toEqual({ floor: 3, deleted: 3 });
      expect(await j.floor()).toBe(3);
      expect((await j.readAfter(3)).map((e) => e._id)).toEqual([4, 5, 6]);
      expect((await j.readAfter(4)).map((e) => e._id)).toEqual([5, 6]);
      for (const below of [0, 2]) {
        const err = await j.readAfter(below).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(JournalTrimmedError);
        expect(err).toMatchObject({ position: below, floorSeq: 3 });
      }
      // with a grace period of 0 a gap would be closed at once: the trimmed range was not
      expect(await store.collection('journal').count({})).toBe(3);
      expect(await j.trim(2)).toEqual({ floor: 3, deleted: 0 });
      // head() starts from its checkpoint (0 here) and steps over the trimmed range
      expect(await j.head()).toBe(6);
      expect(await j.append({ source: parseSource('members/m7'), version: 1, rrsets: [] })).toBe(7);
    });

    it("retention trims entries older than the period, never past the readers' checkpoint", async () => {
      const { store } = await fresh();
      const clock = manualClock();
      const j = createJournal({ store, logger: silentLogger, clock });
      for (let i = 1; i <= 10; i++) {
        await j.append({ source: parseSource(`members/m${i}`), version: 1, rrsets: [] });
        clock.advance(60_000); // entry i written at minute i-1
      }
      const opts = { keepMs: 5 * 60_000, checkpoints: ['dns.serials'], clock };
      // no checkpoint yet: a starting DNS node would need every entry
      expect(await trimPoint(store, opts)).toBe(0);
      const counters = store.collection<Counter>('counters');
      await counters.insert({ _id: 'dns.serials', seq: 3 });
      expect(await trimPoint(store, opts)).toBe(3);
      await counters.findOneAndUpdate({ _id: 'dns.serials' }, { $set: { seq: 9 } });
      // now = minute 10: entries of minutes 0..4 (seq 1..5) are older than 5 minutes
      expect(await applyRetention(store, j, opts)).toEqual({ floor: 5, deleted: 5 });
      expect(await applyRetention(store, j, opts)).toEqual({ floor: 5, deleted: 0 });
      expect((await j.readAfter(5)).map((e) => e._id)).toEqual([6, 7, 8, 9, 10]);
    });

    it('a reader waits for a writer that commits late instead of skipping its entry', async () => {
      const { store } = await fresh();
      let taken!: () => void;
      let release!: () => void;
      const tookNumber = new Promise<void>((r) => (taken = r));
      const released = new Promise<void>((r) => (release = r));
      const slow = createJournal({
        store,
        logger: silentLogger,
        beforeInsert: async () => {
          taken();
          await released;
        },
      });
      const fast = createJournal({ store, logger: silentLogger });
      const reader = createJournal({ store, logger: silentLogger, graceMs: 60_000 });
      const late = slow.append({ source: parseSource('zones/late'), version: 1, rrsets: [] });
      await tookNumber;
      expect(await fast.append({ source: parseSource('zones/early'), version: 1, rrsets: [] })).toBe(2);
      expect(await reader.readAfter(0)).toEqual([]);
      expect(await reader.head()).toBe(0);
      release();
      expect(await late).toBe(1);
      expect((await reader.readAfter(0)).map((e) => [e._id, e.source])).toEqual([
        [1, 'zones/late'],
        [2, 'zones/early'],
      ]);
    });

    it('a gap left by a stalled or dead writer is closed after the grace period; the late writer appends again', async () => {
      const { store } = await fresh();
      const clock = manualClock();
      let resume!: () => void;
      const resumed = new Promise<void>((r) => (resume = r));
      let first = true;
      const stalled = createJournal({
        store,
        clock,
        logger: silentLogger,
        beforeInsert: async () => {
          if (first) {
            first = false;
            await resumed;
          }
        },
      });
      const other = createJournal({ store, clock, logger: silentLogger });
      const reader = createJournal({ store, clock, logger: silentLogger, graceMs: 500 });
      const stalledAppend = stalled.append({ source: parseSource('members/slow'), version: 7, rrsets: [] });
      await expect
        .poll(async () => (await store.collection<Counter>('counters').get('journal'))?.seq)
        .toBe(1);
      expect(await other.append({ source: parseSource('members/b'), version: 1, rrsets: [] })).toBe(2);
      expect(await reader.readAfter(0)).toEqual([]);
      clock.advance(499);
      expect(await reader.readAfter(0)).toEqual([]);
      clock.advance(1);
      const run = await reader.readAfter(0);
      expect(run.map((e) => [e._id, e.source, e.noop ?? false])).toEqual([
        [1, GAP_SOURCE, true],
        [2, 'members/b', false],
      ]);
      // The stalled writer wakes up: its number is taken, so it appends under a new one.
      resume();
      expect(await stalledAppend).toBe(3);
      expect((await reader.readAfter(2)).map((e) => [e._id, e.source, e.version])).toEqual([
        [3, 'members/slow', 7],
      ]);
      expect(await reader.head()).toBe(3);
    });

    it('concurrent writers with out-of-order commits: a polling reader sees every entry once, in order', async () => {
      const { store } = await fresh();
      const writers = Array.from({ length: 6 }, () =>
        createJournal({
          store,
          logger: silentLogger,
          beforeInsert: async () => void (await sleep(Math.random() * 20)),
        }),
      );
      const reader = createJournal({ store, logger: silentLogger });
      const acked: Array<{ seq: number; source: string }> = [];
      let finished = false;
      const writing = Promise.all(
        writers.map(async (w, wi) => {
          for (let i = 0; i < 20; i++) {
            const source = `w${wi}/${i}`;
            acked.push({
              seq: await w.append({ source: parseSource(source), version: 1, rrsets: [] }),
              source,
            });
          }
        }),
      ).finally(() => (finished = true));
      const seen = await follow(
        reader,
        () => finished,
        () => Math.max(0, ...acked.map((a) => a.seq)),
      );
      await writing;
      const real = seen.filter((e) => !e.noop);
      expect(real).toHaveLength(120);
      expect(new Set(real.map((e) => e.source)).size).toBe(120);
      for (const a of acked) expect(seen[a.seq - 1]?.source, `entry ${a.seq}`).toBe(a.source);
    });

    it('writers in separate processes, one dying after taking a number: nothing missed, the gap closed', async () => {
      const { store, spec } = await fresh();
      // The dying writer goes first, so its gap lies before everybody else's entries.
      const dead = runWriter(spec, 'dead', 1, 0, true);
      expect(await dead.exited).toBe(0);
      expect(dead.acks).toEqual([]);
      const children = ['p1', 'p2', 'p3'].map((name) => runWriter(spec, name, 40, 30));
      let finished = false;
      const exits = Promise.all(children.map((c) => c.exited)).finally(() => (finished = true));
      const reader = createJournal({ store, logger: silentLogger, graceMs: 300 });
      const seen = await follow(
        reader,
        () => finished,
        () => Math.max(0, ...children.map((c) => c.latest())),
        120_000,
      );
      expect(await exits).toEqual([0, 0, 0]);
      const acks = children.flatMap((c) => c.acks);
      expect(acks).toHaveLength(120);
      for (const a of acks) expect(seen[a.seq - 1]?.source, `entry ${a.seq}`).toBe(a.source);
      const real = seen.filter((e) => !e.noop);
      expect(real).toHaveLength(120);
      expect(seen.filter((e) => e.noop).length).toBeGreaterThanOrEqual(1);
      expect(seen[0]?.noop).toBe(true);
    }, 180_000);
  });
}
