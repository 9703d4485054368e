import { describe, expect, it } from 'vitest';
import type { JournalEntry, PublishedRRset } from '#core';
import { silentLogger } from '#core';
import { keyOf, RCODE, rdataText, TYPE, toDisplay } from '#wire';
import { resolve } from '../answer/resolve.ts';
import { ZoneSet } from '../model/zoneset.ts';
import { loadZone } from '../zonefile/load.ts';
import { RegistryFeed } from './state.ts';

const FILE = `$TTL 300
@ SOA ns1 hostmaster 1000 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
`;

function setup() {
  const zs = new ZoneSet();
  const z = loadZone('callx.test.zone', 'callx.test', FILE).zone;
  zs.addZone(z);
  const feed = new RegistryFeed({
    zones: zs,
    apex: 'callx.test',
    fileZones: new Map([[z.key, z]]),
    logger: silentLogger,
  });
  let seq = 0;
  const entry = (
    source: string,
    version: number,
    rrsets: PublishedRRset[],
    extra: Partial<JournalEntry> = {},
  ) => feed.applyEntry({ _id: ++seq, at: Date.now(), source, version, rrsets, ...extra });
  const ask = (name: string, type: number) => {
    const a = resolve(zs, keyOf(name), type);
    return {
      rcode: a.rcode,
      answer: a.answer.flatMap((i) => i.rrset.rdatas.map(rdataText)),
      zone: a.zone?.name,
    };
  };
  return { zs, feed, entry, ask, zone: z };
}

const naptr = (name: string, target: string): PublishedRRset => ({
  name,
  type: 'NAPTR',
  ttl: 60,
  rdata: [`100 10 "u" "E2U+sip" "!^.*$!sip:${target}!" .`],
});
const soaDoc = (apex: string): PublishedRRset[] => [
  { name: apex, type: 'SOA', ttl: 3600, rdata: [`ns1.${apex}. hostmaster.${apex}. 1 3600 600 86400 300`] },
  { name: apex, type: 'NS', ttl: 3600, rdata: [`ns1.${apex}.`] },
];

describe('the registry feed: version rule, serials, change steps', () => {
  it('replaces a source only with a newer version; every entry of the stream moves the serial', () => {
    const { entry, ask, zone } = setup();
    expect(entry('members/m1', 1, [naptr('1.e164.callx.test', 'a')]).map((z) => z.name)).toEqual([
      'callx.test',
    ]);
    expect(zone.serial).toBe(1001);
    entry('members/m1', 3, [naptr('2.e164.callx.test', 'b')]);
    // an older version committed late changes nothing, yet the serial follows the journal
    expect(entry('members/m1', 2, [naptr('3.e164.callx.test', 'c')]).map((z) => z.serial)).toEqual([1003]);
    expect(ask('2.e164.callx.test', TYPE.NAPTR).answer).toHaveLength(1);
    expect(ask('1.e164.callx.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    expect(ask('3.e164.callx.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    expect(zone.changes.map((c) => [c.from, c.to, c.removed.length, c.added.length])).toEqual([
      [1000, 1001, 0, 1],
      [1001, 1002, 1, 1],
      [1002, 1003, 0, 0],
    ]);
    // a gap closed by a reader carries nothing and moves no serial
    expect(entry('journal/gap', 0, [], { noop: true })).toEqual([]);
    expect(zone.serial).toBe(1003);
  });

  it('records the net change of one entry (a record removed and added back is no change)', () => {
    const { entry, zone } = setup();
    entry('members/m1', 1, [naptr('1.e164.callx.test', 'a'), naptr('2.e164.callx.test', 'b')]);
    entry('members/m1', 2, [naptr('2.e164.callx.test', 'b'), naptr('3.e164.callx.test', 'c')]);
    const last = zone.changes.at(-1)!;
    expect(last.removed.map((r) => toDisplay(r.owner))).toEqual(['1.e164.callx.test']);
    expect(last.added.map((r) => toDisplay(r.owner))).toEqual(['3.e164.callx.test']);
  });

  it('creates a zone from its document, with record sets that arrived before it; deletes it again', () => {
    const { entry, ask, zs } = setup();
    entry('rrsets/acme.example|www.acme.example|A', 1, [
      { name: 'www.acme.example', type: 'A', ttl: 60, rdata: ['192.0.2.80'] },
    ]);
    expect(ask('www.acme.example', TYPE.A).rcode).toBe(RCODE.REFUSED);
    const moved = entry('zones/acme.example', 1, soaDoc('acme.example'));
    expect(moved.map((z) => [z.name, z.serial])).toEqual([['acme.example', 2]]);
    const acme = zs.get('acme.example')!;
    expect(acme.changes).toEqual([]); // a new zone has no history
    expect(ask('www.acme.example', TYPE.A)).toMatchObject({ zone: 'acme.example', answer: ['192.0.2.80'] });
    expect(ask('acme.example', TYPE.SOA).answer).toEqual([
      'ns1.acme.example. hostmaster.acme.example. 2 3600 600 86400 300',
    ]);
    entry('zones/acme.example', 2, [], { deletedZone: 'acme.example' });
    expect(zs.get('acme.example')).toBeUndefined();
    // a stale version of the zone document cannot bring it back
    entry('zones/acme.example', 1, soaDoc('acme.example'));
    expect(zs.get('acme.example')).toBeUndefined();
  });

  it('hides a master-file zone while its document is deleted, and serves it again (serial forward)', () => {
    const { entry, ask, zs, zone } = setup();
    entry('members/m1', 1, [naptr('1.e164.callx.test', 'a')]);
    const before = zone.serial;
    entry('zones/callx.test', 1, [], { deletedZone: 'callx.test' });
    expect(ask('www.callx.test', TYPE.A).rcode).toBe(RCODE.REFUSED);
    entry('zones/callx.test', 2, soaDoc('callx.test'));
    expect(zs.get('callx.test')).toBe(zone);
    expect(zone.serial).toBeGreaterThan(before);
    expect(ask('www.callx.test', TYPE.A).answer).toEqual(['192.0.2.1']);
    expect(ask('1.e164.callx.test', TYPE.NAPTR).answer).toHaveLength(1);
    // the document's SOA values replace the file's (the serial stays callx's own)
    expect(ask('callx.test', TYPE.SOA).answer[0]).toMatch(
      /^ns1\.callx\.test\. hostmaster\.callx\.test\. 1003 /,
    );
  });

  it('applies record sets set over HTTP as overrides: replace, delete (hide the file), lift', () => {
    const { entry, ask } = setup();
    const src = 'rrsets/callx.test|www.callx.test|A';
    entry(src, 1, [{ name: 'www.callx.test', type: 'A', ttl: 60, rdata: ['192.0.2.9'] }]);
    expect(ask('www.callx.test', TYPE.A).answer).toEqual(['192.0.2.9']);
    entry(src, 2, [{ name: 'www.callx.test', type: 'A', ttl: 60, rdata: [] }]);
    expect(ask('www.callx.test', TYPE.A).rcode).toBe(RCODE.NXDOMAIN);
    entry(src, 3, []);
    expect(ask('www.callx.test', TYPE.A).answer).toEqual(['192.0.2.1']);
  });

  it('takes tombstones: a removed source stays removed whatever arrives late', () => {
    const { feed, entry, ask, zs } = setup();
    zs.batch(() => feed.applyTombstone('members/m9', 4), { record: false });
    entry('members/m9', 3, [naptr('9.e164.callx.test', 'late')]);
    expect(ask('9.e164.callx.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    entry('members/m9', 5, [naptr('9.e164.callx.test', 'again')]);
    expect(ask('9.e164.callx.test', TYPE.NAPTR).answer[0]).toContain('again');
  });

  it('logs and skips an entry with bad data, and goes on', () => {
    const { entry, ask, zone } = setup();
    entry('members/bad', 1, [{ name: 'x.callx.test', type: 'A', ttl: 60, rdata: ['nope'] }]);
    entry('members/good', 1, [naptr('1.e164.callx.test', 'ok')]);
    expect(ask('1.e164.callx.test', TYPE.NAPTR).answer).toHaveLength(1);
    expect(zone.serial).toBe(1002);
  });
});
