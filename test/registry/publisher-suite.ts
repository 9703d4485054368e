// The publisher on every store: each change reaches the journal at its version, a crash
// between the write and the journal entry is repaired by sweep(), removals are crash-safe,
// and folding the journal the way a DNS node does gives the registry's current state.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { PublishedRRset, Tombstone } from '../../src/core/model.ts';
import { aggregateSource } from '../../src/core/sources.ts';
import { UnsupportedQueryError } from '../../src/core/store.ts';
import { type Contribution, type Derivation, publishContext } from '../../src/publish/index.ts';
import { createJournal, type Journal } from '../../src/registry/journal.ts';
import { type AggregateCounter, createPublisher, type PublishedDoc } from '../../src/registry/publisher.ts';
import type { JournalStore } from './journal-suite.ts';

type Gw = PublishedDoc & { value: string; deleted?: boolean };

const derive = (collection: string, doc: unknown): Contribution => {
  const d = doc as Gw;
  if (collection === 'zones' && d.deleted) return { rrsets: [], deletedZone: String(d._id) };
  return { rrsets: [{ name: `${d._id}.${collection}.test`, type: 'TXT', ttl: 60, rdata: [`"${d.value}"`] }] };
};
/** A derivation of its own (version 7): one TXT per document. */
const derivation: Derivation = { version: 7, context: publishContext('test'), derive, aggregates: [] };
/** What the publisher stores with a document at version `v`. */
const stored = (collection: string, doc: Gw, v: number) => ({ v, d: 7, ...derive(collection, doc) });

function manualClock(start = 5_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** What a DNS node holds after applying every entry: per source, the newest version's RRsets. */
async function fold(journal: Journal) {
  const state = new Map<string, { version: number; rrsets: PublishedRRset[] }>();
  for (const e of await journal.readAfter(0, 100_000)) {
    if (e.noop) continue;
    const cur = state.get(e.source);
    if (!cur || e.version > cur.version) state.set(e.source, { version: e.version, rrsets: e.rrsets });
  }
  return state;
}

export function definePublisherSuite(label: string, open: () => Promise<JournalStore>): void {
  describe(`publisher: ${label}`, () => {
    const opened: JournalStore[] = [];
    afterEach(async () => {
      for (const h of opened.splice(0)) await h.close();
    });
    const setup = async (sweepAfterMs = 5_000) => {
      const h = await open();
      opened.push(h);
      const clock = manualClock();
      const journal = createJournal({ store: h.store, clock, logger: silentLogger });
      const publisher = createPublisher({
        store: h.store,
        journal,
        derivation,
        clock,
        logger: silentLogger,
        sweepAfterMs,
      });
      return { store: h.store, clock, journal, publisher, gateways: h.store.collection<Gw>('gateways') };
    };

    it('insert and update publish the whole contribution at each version and clear the marker', async () => {
      const { journal, publisher, gateways } = await setup();
      const created = await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      expect(created).toEqual({ _id: 'g1', value: 'one', version: 1 });
      const updated = await publisher.update<Gw>(
        'gateways',
        { _id: 'g1', version: 1 },
        { $set: { value: 'two' } },
      );
      expect(updated).toEqual({ _id: 'g1', value: 'two', version: 2 });
      // the contribution is stored with the document, stamped with the derivation version
      const g1 = { _id: 'g1', value: 'two', version: 2 };
      expect(await gateways.get('g1')).toEqual({ ...g1, published: stored('gateways', g1, 2) });
      const entries = await journal.readAfter(0);
      expect(entries.map((e) => [e._id, e.source, e.version, e.rrsets[0]?.rdata[0], e.derivation])).toEqual([
        [1, 'gateways/g1', 1, '"one"', 7],
        [2, 'gateways/g1', 2, '"two"', 7],
      ]);
      // A stale precondition matches nothing and publishes nothing.
      expect(
        await publisher.update('gateways', { _id: 'g1', version: 1 }, { $set: { value: 'x' } }),
      ).toBeNull();
      expect(await journal.head()).toBe(2);
    });

    it('upsert through the publisher starts at version 1', async () => {
      const { journal, publisher } = await setup();
      const doc = await publisher.update<Gw>(
        'gateways',
        { _id: 'g2' },
        { $set: { value: 'up' } },
        { upsert: true },
      );
      expect(doc).toEqual({ _id: 'g2', value: 'up', version: 1 });
      expect((await journal.readAfter(0)).map((e) => [e.source, e.version])).toEqual([['gateways/g2', 1]]);
    });

    it('refuses updates that touch the fields it manages', async () => {
      const { publisher } = await setup();
      await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      for (const bad of [
        { $set: { version: 9 } },
        { $inc: { version: 1 } },
        { $unset: { publishPendingAt: '' as const } },
        { $set: { published: { v: 9, d: 1, rrsets: [] } } },
        { $set: { 'published.d': 1 } },
      ]) {
        await expect(publisher.update('gateways', { _id: 'g1' }, bad)).rejects.toBeInstanceOf(
          UnsupportedQueryError,
        );
      }
    });

    it('a crash after the write and before the journal entry is repaired by sweep()', async () => {
      const { store, clock, journal, publisher, gateways } = await setup(5_000);
      await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      // The domain write as the publisher makes it, then the process "dies": no entry, marker left.
      await gateways.findOneAndUpdate(
        { _id: 'g1' },
        { $set: { value: 'two', publishPendingAt: clock.now() }, $inc: { version: 1 } },
      );
      expect(await journal.head()).toBe(1);
      expect(await publisher.sweep()).toBe(0); // too young: its writer may still be publishing
      clock.advance(5_001);
      expect(await publisher.sweep()).toBe(1);
      const last = (await journal.readAfter(1))[0]!;
      expect([last.source, last.version, last.rrsets[0]?.rdata[0]]).toEqual(['gateways/g1', 2, '"two"']);
      const g1 = { _id: 'g1', value: 'two', version: 2 };
      expect(await gateways.get('g1')).toEqual({ ...g1, published: stored('gateways', g1, 2) });
      expect(await publisher.sweep()).toBe(0);
      expect(store.kind).toMatch(/embedded|mongodb/);
    });

    it('a journal failure after the write does not fail the write; sweep() publishes it', async () => {
      const h = await open();
      opened.push(h);
      const clock = manualClock();
      const journal = createJournal({ store: h.store, clock, logger: silentLogger });
      let broken = true;
      const flaky: Journal = {
        ...journal,
        append: (e) => (broken ? Promise.reject(new Error('journal down')) : journal.append(e)),
      };
      const publisher = createPublisher({
        store: h.store,
        journal: flaky,
        derivation,
        clock,
        logger: silentLogger,
        sweepAfterMs: 1_000,
      });
      const doc = await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      expect(doc.publishPendingAt).toBe(clock.now());
      expect(await journal.head()).toBe(0);
      broken = false;
      clock.advance(1_001);
      expect(await publisher.sweep()).toBe(1);
      expect((await journal.readAfter(0)).map((e) => [e.source, e.version])).toEqual([['gateways/g1', 1]]);
      expect((await h.store.collection<Gw>('gateways').get('g1'))?.publishPendingAt).toBeUndefined();
    });

    it('a contribution stored before a crash is journaled as stored, whatever derivation the sweeper has', async () => {
      const h = await open();
      opened.push(h);
      const clock = manualClock();
      const journal = createJournal({ store: h.store, clock, logger: silentLogger });
      let broken = true;
      const flaky: Journal = {
        ...journal,
        append: (e) => (broken ? Promise.reject(new Error('journal down')) : journal.append(e)),
      };
      const writer = createPublisher({
        store: h.store,
        journal: flaky,
        derivation,
        clock,
        logger: silentLogger,
      });
      await writer.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      await writer.update<Gw>('gateways', { _id: 'g1' }, { $set: { value: 'two' } });
      // another process, of another derivation version (a rolling upgrade), finishes the publish
      const other: Derivation = {
        ...derivation,
        version: 8,
        derive: (c, d) => ({ rrsets: derive(c, d).rrsets.map((r) => ({ ...r, ttl: 999 })) }),
      };
      const sweeper = createPublisher({
        store: h.store,
        journal,
        derivation: other,
        clock,
        logger: silentLogger,
        sweepAfterMs: 1_000,
      });
      broken = false;
      clock.advance(1_001);
      expect(await sweeper.sweep()).toBe(1);
      const [entry] = await journal.readAfter(0);
      expect([entry?.version, entry?.derivation, entry?.rrsets[0]?.ttl, entry?.rrsets[0]?.rdata]).toEqual([
        2,
        7,
        60,
        ['"two"'],
      ]);
    });

    it('a derivation that throws fails the publish, not the write; the next change publishes', async () => {
      const h = await open();
      opened.push(h);
      const clock = manualClock();
      const journal = createJournal({ store: h.store, clock, logger: silentLogger });
      const picky: Derivation = {
        ...derivation,
        derive: (c, d) => {
          if ((d as Gw).value === 'bad') throw new Error('publish: cannot derive');
          return derive(c, d);
        },
      };
      const publisher = createPublisher({
        store: h.store,
        journal,
        derivation: picky,
        clock,
        logger: silentLogger,
      });
      expect(await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'bad' })).toMatchObject({
        version: 1,
      });
      expect(await publisher.update<Gw>('gateways', { _id: 'g1' }, { $set: { value: 'bad' } })).toMatchObject(
        {
          version: 2,
        },
      );
      expect(await journal.head()).toBe(0);
      expect((await h.store.collection<Gw>('gateways').get('g1'))?.publishPendingAt).toBe(clock.now());
      await publisher.update<Gw>('gateways', { _id: 'g1' }, { $set: { value: 'good' } });
      expect((await fold(journal)).get('gateways/g1')?.rrsets[0]?.rdata).toEqual(['"good"']);
    });

    it('remove publishes the empty contribution, deletes, and keeps a tombstone; re-creation publishes above it', async () => {
      const { store, journal, publisher, gateways } = await setup();
      await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      await publisher.update('gateways', { _id: 'g1' }, { $set: { value: 'two' } });
      const removed = await publisher.remove<Gw>('gateways', { _id: 'g1' });
      expect(removed?.version).toBe(3);
      expect(await gateways.get('g1')).toBeNull();
      expect(await publisher.remove('gateways', { _id: 'g1' })).toBeNull();
      expect((await store.collection<Tombstone>('tombstones').get('gateways/g1'))?.version).toBe(3);
      const again = await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'three' });
      expect(again.version).toBe(4);
      const entries = await journal.readAfter(0);
      expect(entries.map((e) => [e.version, e.rrsets.length])).toEqual([
        [1, 1],
        [2, 1],
        [3, 0],
        [4, 1],
      ]);
      expect((await fold(journal)).get('gateways/g1')?.rrsets[0]?.rdata).toEqual(['"three"']);
    });

    it('a crash in the middle of a removal is finished by sweep()', async () => {
      const { store, clock, journal, publisher, gateways } = await setup(2_000);
      await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'one' });
      // The removal's first step only (the mark), then the process "dies".
      await gateways.findOneAndUpdate(
        { _id: 'g1' },
        { $inc: { version: 1 }, $set: { publishPendingAt: clock.now(), publishRemove: true } },
      );
      clock.advance(2_001);
      expect(await publisher.sweep()).toBe(1);
      expect(await gateways.get('g1')).toBeNull();
      expect((await store.collection<Tombstone>('tombstones').get('gateways/g1'))?.version).toBe(2);
      expect((await fold(journal)).get('gateways/g1')).toEqual({ version: 2, rrsets: [] });
    });

    it('a deleted zone document announces deletedZone', async () => {
      const { journal, publisher } = await setup();
      await publisher.insert<Gw>('zones', { _id: 'example.test', value: 'z' });
      await publisher.update('zones', { _id: 'example.test' }, { $set: { deleted: true } });
      const entries = await journal.readAfter(0);
      expect(entries.map((e) => e.deletedZone)).toEqual([undefined, 'example.test']);
    });

    it('concurrent updates of one document: the final version published, folding gives the final state', async () => {
      const { journal, publisher, gateways } = await setup();
      await publisher.insert<Gw>('gateways', { _id: 'g1', value: 'v0' });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          publisher.update('gateways', { _id: 'g1' }, { $set: { value: `v${i + 1}` } }),
        ),
      );
      const final = (await gateways.get('g1'))!;
      expect(final.version).toBe(13);
      expect(final.publishPendingAt).toBeUndefined();
      // a version superseded before its contribution was stored is not journaled (its
      // successor's writer publishes); the final one always is, with what is stored
      const versions = (await journal.readAfter(0)).map((e) => e.version);
      expect(versions).toContain(13);
      expect(Math.max(...versions)).toBe(13);
      expect(final.published).toEqual(stored('gateways', final, 13));
      expect((await fold(journal)).get('gateways/g1')).toEqual({
        version: 13,
        rrsets: derive('gateways', final).rrsets,
      });
    });

    it('an aggregate source is republished from all documents, newest version complete', async () => {
      const h = await open();
      opened.push(h);
      const clock = manualClock();
      const journal = createJournal({ store: h.store, clock, logger: silentLogger });
      const all = (docs: unknown[]): PublishedRRset[] => [
        {
          name: 'routes.test',
          type: 'TXT',
          ttl: 60,
          rdata: (docs as Gw[]).map((d) => `"${d.value}"`).sort(),
        },
      ];
      const publisher = createPublisher({
        store: h.store,
        journal,
        derivation: {
          ...derivation,
          derive: () => ({ rrsets: [] }),
          aggregates: [{ collection: 'gateways', source: aggregateSource('pstn'), derive: all }],
        },
        clock,
        logger: silentLogger,
      });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          publisher.insert<Gw>('gateways', { _id: `g${i}`, value: `v${i}` }),
        ),
      );
      const rdataOf = async () => (await fold(journal)).get('routing/pstn')?.rrsets[0]?.rdata;
      expect(await rdataOf()).toEqual(Array.from({ length: 8 }, (_, i) => `"v${i}"`));
      await publisher.remove('gateways', { _id: 'g3' });
      expect(await rdataOf()).not.toContain('"v3"');
      expect(await rdataOf()).toHaveLength(7);
      // A crash after a write, before either entry: sweep() republishes the aggregate too.
      await h.store
        .collection<Gw>('gateways')
        .findOneAndUpdate(
          { _id: 'g0' },
          { $set: { value: 'changed', publishPendingAt: clock.now() }, $inc: { version: 1 } },
        );
      expect(await rdataOf()).toContain('"v0"');
      clock.advance(10_000);
      expect(await publisher.sweep()).toBe(1);
      expect(await rdataOf()).toContain('"changed"');
      // the newest tree is stored on the aggregate's counter, as journaled
      const counter = await h.store.collection<AggregateCounter>('counters').get('aggregate:routing/pstn');
      const last = (await journal.readAfter(0, 1000)).filter((e) => e.source === 'routing/pstn').at(-1)!;
      expect(counter?.published).toEqual({ v: last.version, d: 7, rrsets: last.rrsets });
      expect(counter?.seq).toBe(last.version);
      // a derivation without the tree republishes it empty (what it derives for it: nothing)
      const without = createPublisher({
        store: h.store,
        journal,
        derivation: { ...derivation, derive: () => ({ rrsets: [] }), aggregates: [] },
        clock,
        logger: silentLogger,
      });
      expect(await without.republish()).toMatchObject({ sources: 8, changed: 1, unchanged: 7 });
      expect(await rdataOf()).toBeUndefined();
      expect((await fold(journal)).get('routing/pstn')).toEqual({ version: last.version + 1, rrsets: [] });
      expect(await without.republish()).toMatchObject({ sources: 8, changed: 0, unchanged: 8 });
    });
  });
}
