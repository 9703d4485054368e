// Derivation versions across DNS nodes (docs/registry.md, "Derivation versions"): an "old" node
// (this build's derivation) and a "new" node (a later derivation that publishes other TTLs) on
// one registry never serve different data under one serial. Before `republish` both serve what
// the writers derived (whatever their own code would derive); writers of both versions may
// write side by side; after the new derivation's republish, which journals only the sources
// whose records differ, both converge at a new serial; a node started later serves the same.
// And documents published before derivation versions: only a node of LEGACY_DERIVATION derives
// them; republish stores them without journaling them again.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDnsNode,
  type DnsNode,
  exportZone,
  loadRegistry,
  loadZonesDir,
  RegistryFeed,
  UnversionedSourcesError,
} from '#dns';
import {
  createDerivation,
  DERIVATION_VERSION,
  type Derivation,
  LEGACY_DERIVATION,
  publishContext,
} from '#publish';
import { silentLogger } from '../../src/core/log.ts';
import type { Country, PstnGateway } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { serialGt } from '../../src/dns/model/serial.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { aggregateCounterId, type Publisher } from '../../src/registry/publisher.ts';
import { PUBLISHED_COLLECTIONS } from '../../src/registry/schema.ts';
import { dig } from './helpers/dig.ts';
import {
  APEX,
  DERIVATION,
  enumName,
  member,
  publisherOn,
  type Registry,
  zoneDoc,
} from './helpers/registry.ts';

const ROOT = join(import.meta.dirname, '../..');
const E164_ZONE = `e164.${APEX}`;
const ZONES = [APEX, E164_ZONE, 'acme.example'];

/** A later derivation: member records at TTL 600 and routes at 900 instead of 300 and 3600. */
const NEW: Derivation = {
  ...createDerivation(publishContext(APEX, { member: 600, route: 900 })),
  version: DERIVATION_VERSION + 1,
};
/**
 * The legacy derivation (version 1): this code derives what it derived for every document of
 * that time (version 2 only added suspended numbers, which no document had then).
 */
const OLD: Derivation = { ...DERIVATION, version: LEGACY_DERIVATION };

function country(now = Date.now()): Omit<Country, 'version'> {
  return {
    _id: 'KR',
    callingCode: '82',
    name: 'Korea',
    registrarId: null,
    center: {
      targets: [
        {
          host: 'sip1.kr.center.callx.test',
          port: 5060,
          priority: 10,
          weight: 10,
          transport: 'udp',
          addresses: ['192.0.2.10'],
        },
      ],
    },
    createdAt: now,
    updatedAt: now,
  };
}

function gateway(id: string, prefixes: string[], now = Date.now()): Omit<PstnGateway, 'version'> {
  return {
    _id: id,
    name: id,
    host: `${id}.callx.test`,
    prefixes,
    registrarId: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** What an e164 owner name is answered with (TTL included), asked with dig. */
async function answerOf(node: DnsNode, e164: string): Promise<string[]> {
  return (await dig(node.port, enumName(e164), 'NAPTR')).answer;
}

/** Every zone as each node serves it (SOA serial included). */
async function exportsOf(node: DnsNode): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const z of ZONES) out[z] = await node.exportZone(z);
  return out;
}

/** The zones a node of `derivation` would serve after loading the registry now (read only). */
async function loadedBy(store: Store, derivation: Derivation) {
  const zones = loadZonesDir(join(ROOT, 'zones')).zones;
  const feed = new RegistryFeed({
    zones,
    apex: APEX,
    fileZones: new Map([...zones.zones.values()].map((z) => [z.key, z])),
    logger: silentLogger,
  });
  const result = await loadRegistry({ store, feed, derivation, journal: null, logger: silentLogger });
  return { result, e164: exportZone(zones.get(E164_ZONE)!), apex: exportZone(zones.get(APEX)!) };
}

export function defineDerivationSuite(label: string, makeRegistry: () => Registry): void {
  describe(`DNS nodes of two derivation versions on one registry (${label})`, () => {
    let reg: Registry;
    let store: Store;
    let oldWriter: Publisher;
    let newWriter: Publisher;
    const nodes: DnsNode[] = [];

    /** A node driven by poll() only (its timer waits a minute): what it serves is decided here. */
    async function startNode(derivation: Derivation): Promise<DnsNode> {
      const node = createDnsNode({
        config: {
          addr: '127.0.0.1',
          port: 0,
          tcpIdleMs: 5000,
          xfrAllow: ['127.0.0.1'],
          tsigKeys: [],
          notify: [],
          journalPollMs: 60_000,
        },
        logger: silentLogger,
        store: await reg.open(),
        zonesDir: join(ROOT, 'zones'),
        apex: APEX,
        derivation,
        checkpointMs: 0,
      });
      await node.start();
      nodes.push(node);
      return node;
    }

    async function head(): Promise<number> {
      return createJournal({ store, logger: silentLogger }).head();
    }

    /** Every node polls up to the journal's head. */
    async function catchUp(): Promise<number> {
      const h = await head();
      for (const n of nodes) expect(await n.poll()).toBe(h);
      return h;
    }

    beforeAll(async () => {
      reg = makeRegistry();
      store = await reg.open();
      oldWriter = publisherOn(store, OLD);
      newWriter = publisherOn(store, NEW);
      await oldWriter.insert('countries', country());
      await oldWriter.insert('gateways', gateway('gw-uk', ['44']));
      await oldWriter.insert('members', member('m1', ['+82262006501']));
      await oldWriter.insert('members', member('m2', ['+82262006502']));
      await oldWriter.insert('members', member('m3', ['+82262006503']));
      await oldWriter.remove('members', { _id: 'm3' });
      await oldWriter.insert('zones', zoneDoc('acme.example'));
      await oldWriter.update(
        'rrsets',
        { _id: 'acme.example|www.acme.example|A' },
        {
          $set: {
            zone: 'acme.example',
            name: 'www.acme.example',
            type: 'A',
            ttl: 300,
            records: ['192.0.2.80'],
          },
        },
        { upsert: true },
      );
    });

    afterAll(async () => {
      for (const n of nodes.splice(0)) await n.stop();
      await reg?.close();
    });

    it('before republish, both serve what the writers derived, under the same serials', async () => {
      const oldNode = await startNode(OLD);
      const newNode = await startNode(NEW);
      const a = await exportsOf(oldNode);
      expect(await exportsOf(newNode)).toEqual(a);
      // the old writers' records (member TTL 300), not what the new node's code would derive
      expect(a[E164_ZONE]).toContain(`${enumName('+82262006501')}.\t300\tIN\tNAPTR`);
      expect(a[E164_ZONE]).not.toContain('6.0.5.6.0.0.2.6.2.2.8'); // m3 was removed
      expect(await answerOf(newNode, '+82262006501')).toEqual(await answerOf(oldNode, '+82262006501'));

      // writers of both versions side by side (a rolling upgrade): each node applies the entries
      // as written, so both still agree record for record and serial for serial
      await oldWriter.update('members', { _id: 'm1' }, { $set: { contactPstn: '+82262006200' } });
      await newWriter.update('members', { _id: 'm2' }, { $set: { contactPstn: '+82262006200' } });
      await newWriter.insert('members', member('m4', ['+82262006504']));
      await catchUp();
      const b = await exportsOf(oldNode);
      expect(await exportsOf(newNode)).toEqual(b);
      expect(b[E164_ZONE]).toContain(`${enumName('+82262006501')}.\t300\tIN\tNAPTR`);
      expect(b[E164_ZONE]).toContain(`${enumName('+82262006502')}.\t600\tIN\tNAPTR`);
      expect(b[E164_ZONE]).toContain(`${enumName('+82262006504')}.\t600\tIN\tNAPTR`);
      for (const e164 of ['+82262006501', '+82262006502'])
        expect(await answerOf(newNode, e164)).toEqual(await answerOf(oldNode, e164));
    });

    it('republish journals only the sources whose records differ; both nodes converge at a new serial', async () => {
      const [oldNode] = nodes;
      const before = await exportsOf(oldNode!);
      const h0 = await head();
      const dry = await newWriter.republish({ dryRun: true });
      expect(await head()).toBe(h0);
      const counts = await newWriter.republish();
      expect(counts).toEqual(dry);
      // m1 (old writer) changes; m2 and m4 (new writers) are as the new derivation has them;
      // the country, the gateway, the zone and its record set derive the same records (their
      // derivation version is updated in place); the pstn tree changes (route TTL)
      expect(counts).toEqual({ sources: 8, changed: 2, stamped: 4, unchanged: 2, removing: 0 });
      const h1 = await catchUp();
      expect(h1 - h0).toBe(counts.changed);
      const entries = await createJournal({ store, logger: silentLogger }).readAfter(h0);
      expect(entries.map((e) => [e.source, e.derivation])).toEqual([
        ['members/m1', NEW.version],
        ['routing/pstn', NEW.version],
      ]);
      const after = await exportsOf(oldNode!);
      for (const n of nodes) expect(await exportsOf(n)).toEqual(after);
      expect(after[E164_ZONE]).toContain(`${enumName('+82262006501')}.\t600\tIN\tNAPTR`);
      expect(after[APEX]).toContain('*.4.4.pstn.callx.test.\t900\tIN\tNAPTR');
      const serial = (text: string | null) => Number(/, serial (\d+),/.exec(text!)![1]);
      expect(serialGt(serial(after[E164_ZONE]!), serial(before[E164_ZONE]!))).toBe(true);
      expect(serial(after['acme.example']!)).toBe(serial(before['acme.example']!)); // not in scope
    });

    it('a second republish finds nothing to do and appends nothing', async () => {
      const h = await head();
      expect(await newWriter.republish()).toEqual({
        sources: 8,
        changed: 0,
        stamped: 0,
        unchanged: 8,
        removing: 0,
      });
      expect(await head()).toBe(h);
    });

    it('a node of the old version started now serves exactly what the others serve', async () => {
      const late = await startNode(OLD);
      const h = await catchUp();
      expect(late.stats().position).toBe(h);
      const want = await exportsOf(nodes[0]!);
      expect(await exportsOf(late)).toEqual(want);
      expect(await answerOf(late, '+82262006501')).toEqual(await answerOf(nodes[1]!, '+82262006501'));
    });
  });

  describe(`documents published before derivation versions (${label})`, () => {
    let reg: Registry;
    let store: Store;

    beforeAll(async () => {
      reg = makeRegistry();
      store = await reg.open();
      const w = publisherOn(store, OLD);
      await w.insert('countries', country());
      await w.insert('gateways', gateway('gw-uk', ['44']));
      await w.insert('members', member('m1', ['+82262006601']));
      await w.insert('members', member('m2', ['+82262006602']));
    });

    afterAll(async () => {
      await reg?.close();
    });

    it('only a node of the legacy derivation derives them; republish stores them without journaling them', async () => {
      expect(OLD.version).toBe(LEGACY_DERIVATION);
      const published = await loadedBy(store, OLD);
      expect(published.result.derived).toBe(0);
      expect(published.apex).toContain('*.4.4.pstn.callx.test.\t3600\tIN\tNAPTR');
      // a node loads every tree a writer stored, whatever trees its own derivation knows
      expect((await loadedBy(store, { ...NEW, aggregates: [] })).apex).toBe(published.apex);
      // what the code before derivation versions left: no stored contribution anywhere
      for (const c of PUBLISHED_COLLECTIONS)
        for (const d of await store.collection(c).find({}))
          await store.collection(c).findOneAndUpdate({ _id: d._id }, { $unset: { published: '' } });
      await store
        .collection('counters')
        .findOneAndUpdate(
          { _id: aggregateCounterId({ kind: 'aggregate', tree: 'pstn' }) },
          { $unset: { published: '' } },
        );

      const legacy = await loadedBy(store, OLD);
      expect(legacy.result.derived).toBe(5); // four documents and the pstn tree
      expect(legacy.e164).toBe(published.e164);
      const refused = await loadedBy(store, NEW).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(UnversionedSourcesError);
      expect((refused as UnversionedSourcesError).sources).toEqual([
        'countries/KR',
        'gateways/gw-uk',
        'members/m1',
        'members/m2',
        'routing/pstn',
      ]);

      const h0 = await createJournal({ store, logger: silentLogger }).head();
      const counts = await publisherOn(store, OLD).republish();
      // the documents' records are what the nodes derived: stored in place; the tree is journaled
      expect(counts).toEqual({ sources: 5, changed: 1, stamped: 4, unchanged: 0, removing: 0 });
      expect(await createJournal({ store, logger: silentLogger }).head()).toBe(h0 + 1);
      const now = await loadedBy(store, NEW);
      expect(now.result.derived).toBe(0);
      expect(now.e164).toBe((await loadedBy(store, OLD)).e164);
    });
  });
}
