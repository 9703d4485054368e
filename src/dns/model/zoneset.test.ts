import { describe, expect, it } from 'vitest';
import { keyOf, RCODE, rdataText, TYPE, toDisplay } from '#wire';
import { resolve } from '../answer/resolve.ts';
import { loadZone } from '../zonefile/load.ts';
import { serialGt, serialNext } from './serial.ts';
import { ZoneSet } from './zoneset.ts';

const FILE = `$TTL 300
@ SOA ns1 hostmaster 4294967295 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
*.2.8.pstn NAPTR 100 10 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@gw!" .
`;

function fileZone(apex: string, text: string) {
  return loadZone(`${apex}.zone`, apex, text).zone;
}

function setup() {
  const zs = new ZoneSet();
  zs.addZone(fileZone('example.test', FILE));
  return zs;
}

function ask(zs: ZoneSet, name: string, type: number) {
  const a = resolve(zs, keyOf(name), type);
  return {
    rcode: a.rcode,
    answer: a.answer.flatMap((i) => i.rrset.rdatas.map(rdataText)),
    zone: a.zone?.name,
  };
}

const member = (n: string, target: string) => ({
  name: n,
  type: 'NAPTR',
  ttl: 60,
  rdata: [`10 100 "u" "E2U+sip" "!^.*$!sip:${target}!" .`],
});

describe('RFC 1982 serials', () => {
  it.each([
    [2, 1, true],
    [0, 4294967295, true],
    [4294967295, 0, false],
    [5, 5, false],
    [0x80000000, 0, false],
  ])('serialGt(%i, %i) = %s', (a, b, gt) => expect(serialGt(a, b)).toBe(gt));

  it('moves forward: to a hint ahead, else by one, wrapping', () => {
    expect(serialNext(10, 500)).toBe(500);
    expect(serialNext(10, 5)).toBe(11);
    expect(serialNext(4294967295)).toBe(0);
  });
});

describe('ZoneSet: overrides, contributions, zones at run time', () => {
  it('replaces a source contribution, ignores an older version, and records each step', () => {
    const zs = setup();
    const z = zs.get('example.test')!;
    expect(z.serial).toBe(4294967295);
    expect(zs.applyContribution('members/m1', 1, [member('1.2.3.e164.example.test', 'a@x')])).toBe(true);
    expect(z.serial).toBe(0); // wrapped forward (RFC 1982)
    expect(ask(zs, '1.2.3.e164.example.test', TYPE.NAPTR).answer).toEqual([
      '10 100 "u" "E2U+sip" "!^.*$!sip:a@x!" .',
    ]);
    expect(zs.applyContribution('members/m1', 3, [member('4.5.6.e164.example.test', 'b@x')], 1000)).toBe(
      true,
    );
    expect(z.serial).toBe(1000);
    expect(ask(zs, '1.2.3.e164.example.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    expect(ask(zs, '3.e164.example.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN); // ENTs pruned
    expect(zs.applyContribution('members/m1', 2, [member('7.7.7.e164.example.test', 'c@x')])).toBe(false);
    expect(ask(zs, '7.7.7.e164.example.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    const last = z.changes.at(-1)!;
    expect([last.from, last.to]).toEqual([0, 1000]);
    expect(last.removed.map((r) => toDisplay(r.owner))).toEqual(['1.2.3.e164.example.test']);
    expect(last.added.map((r) => toDisplay(r.owner))).toEqual(['4.5.6.e164.example.test']);
  });

  it('a new name under a wildcard parent creates empty non-terminals that stop the wildcard (RFC 4592)', () => {
    const zs = setup();
    expect(ask(zs, '9.9.5.1.2.8.pstn.example.test', TYPE.NAPTR).answer).toHaveLength(1);
    zs.applyContribution('gateways/g1', 1, [member('*.0.1.2.8.pstn.example.test', 'mobile')]);
    expect(ask(zs, '9.9.5.1.2.8.pstn.example.test', TYPE.NAPTR).rcode).toBe(RCODE.NXDOMAIN);
    expect(ask(zs, '9.9.0.1.2.8.pstn.example.test', TYPE.NAPTR).answer[0]).toContain('mobile');
  });

  it('HTTP overrides replace file data; a deleted file RRset stays deleted; lifting restores it', () => {
    const zs = setup();
    zs.setOverride('example.test', { name: 'www.example.test', type: 'A', ttl: 30, rdata: ['192.0.2.99'] });
    expect(ask(zs, 'www.example.test', TYPE.A).answer).toEqual(['192.0.2.99']);
    zs.setOverride('example.test', { name: 'www.example.test', type: 'A', delete: true });
    expect(ask(zs, 'www.example.test', TYPE.A).rcode).toBe(RCODE.NXDOMAIN);
    zs.applyContribution('x/1', 1, [{ name: 'www.example.test', type: 'A', ttl: 30, rdata: ['192.0.2.7'] }]);
    expect(ask(zs, 'www.example.test', TYPE.A).rcode).toBe(RCODE.NXDOMAIN); // still deleted
    zs.clearOverride('example.test', 'www.example.test', 'A');
    expect(ask(zs, 'www.example.test', TYPE.A).answer.sort()).toEqual(['192.0.2.1', '192.0.2.7']);
  });

  it('routes each record to the most specific zone, and moves records when zones come and go', () => {
    const zs = setup();
    zs.applyContribution('members/m2', 1, [member('5.e164.example.test', 'x')]);
    expect(ask(zs, '5.e164.example.test', TYPE.NAPTR).zone).toBe('example.test');
    const child = fileZone(
      'e164.example.test',
      '$TTL 60\n@ SOA ns1.example.test. h 1 2 3 4 5\n@ NS ns1.example.test.\n',
    );
    zs.addZone(child);
    expect(ask(zs, '5.e164.example.test', TYPE.NAPTR)).toMatchObject({
      zone: 'e164.example.test',
      answer: [expect.stringContaining('sip:x')],
    });
    expect(zs.get('example.test')!.nodes.has('5.e164.example.test')).toBe(false);
    expect(child.serial).toBe(2);
    zs.removeZone(child.key);
    expect(ask(zs, '5.e164.example.test', TYPE.NAPTR).zone).toBe('example.test');
    expect(ask(zs, 'nothing.else', TYPE.A).rcode).toBe(RCODE.REFUSED);
  });

  it('keeps one layer without a slot, merges layers in a slot, and goes back when one is left', () => {
    const zs = setup();
    const z = zs.get('example.test')!;
    const a = (ip: string) => [{ name: 'host.example.test', type: 'A', ttl: 60, rdata: [ip] }];
    const served = () => z.nodes.get('host.example.test')?.rrsets.get(TYPE.A);
    zs.applyContribution('s/1', 1, a('192.0.2.1'));
    expect(z.slots.size).toBe(0); // one source: its own RRset object is served, tagged
    expect(served()!.src).toBe('s/1');
    zs.applyContribution('s/2', 1, a('192.0.2.2'));
    expect(z.slots.size).toBe(1);
    expect(served()!.src).toBeNull();
    expect(ask(zs, 'host.example.test', TYPE.A).answer.sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    zs.applyContribution('s/1', 2, []);
    expect(z.slots.size).toBe(0);
    expect(served()!.src).toBe('s/2');
    expect(ask(zs, 'host.example.test', TYPE.A).answer).toEqual(['192.0.2.2']);
    // the same records from a new version: the new object is served, nothing else changes
    const gen = z.gen;
    const steps = z.changes.length;
    zs.applyContribution('s/2', 2, a('192.0.2.2'));
    expect([z.gen, z.changes.length]).toEqual([gen, steps]); // no change: cached answers stay valid
    expect(served()!.src).toBe('s/2');
    // a source on top of file data, then gone again: the file's RRset is back, untagged
    zs.applyContribution('s/3', 1, [{ name: 'www.example.test', type: 'A', ttl: 300, rdata: ['192.0.2.3'] }]);
    expect(ask(zs, 'www.example.test', TYPE.A).answer.sort()).toEqual(['192.0.2.1', '192.0.2.3']);
    zs.applyContribution('s/3', 2, []);
    expect(ask(zs, 'www.example.test', TYPE.A).answer).toEqual(['192.0.2.1']);
    expect(z.nodes.get('www.example.test')!.rrsets.get(TYPE.A)!.src).toBeNull();
    expect(z.slots.size).toBe(0);
    // an override over a single source, lifted: the source's data again
    zs.setOverride('example.test', { name: 'host.example.test', type: 'A', ttl: 5, rdata: ['192.0.2.9'] });
    expect(ask(zs, 'host.example.test', TYPE.A).answer).toEqual(['192.0.2.9']);
    zs.clearOverride('example.test', 'host.example.test', 'A');
    expect(ask(zs, 'host.example.test', TYPE.A).answer).toEqual(['192.0.2.2']);
    expect(served()!.src).toBe('s/2');
    // a removed source keeps its version (no object): older entries stay ignored
    zs.applyContribution('s/2', 3, []);
    expect(zs.versionOf('s/2')).toBe(3);
    expect(zs.applyContribution('s/2', 2, a('192.0.2.2'))).toBe(false);
    expect(ask(zs, 'host.example.test', TYPE.A).rcode).toBe(RCODE.NXDOMAIN);
  });

  it("keeps a source's records as one string and gives them back exactly, names with their case", () => {
    const zs = setup();
    const rdata = [
      '100 10 "u" "E2U+sip" "!^.*$!sip:a@x!" .',
      '100 20 "u" "E2U+tel" "!^.*$!tel:+1!" .',
      '100 30 "u" "E2U+web:http" "!^.*$!http://x/\\\\!" .',
    ];
    zs.applyContribution('m/1', 1, [{ name: 'Mixed.Case.example.test', type: 'NAPTR', ttl: 60, rdata }]);
    expect(ask(zs, 'mixed.case.example.test', TYPE.NAPTR).answer).toEqual(rdata);
    const node = zs.get('example.test')!.nodes.get('mixed.case.example.test')!;
    expect(toDisplay(node.labels)).toBe('Mixed.Case.example.test');
    zs.applyContribution('m/2', 1, [
      { name: 'host2.example.test', type: 'CNAME', ttl: 60, rdata: ['www.example.test.'] },
    ]);
    expect(ask(zs, 'host2.example.test', TYPE.A).answer).toEqual(['www.example.test.', '192.0.2.1']);
  });

  it('finds the closest encloser at any depth, escaped labels included (RFC 4592)', () => {
    const zs = setup();
    zs.applyContribution('g/1', 1, [member('7.6.5.4.3.2.1.2.8.pstn.example.test', 'deep')]);
    const wild = (name: string) => ask(zs, name, TYPE.NAPTR);
    // below the wildcard's parent, away from the new branch: synthesised
    expect(wild('9.9.9.9.9.9.9.9.9.9.2.8.pstn.example.test').answer).toHaveLength(1);
    expect(wild('a\\.b.2.8.pstn.example.test').answer).toHaveLength(1); // the label 'a.b'
    // below each empty non-terminal the new name created: NXDOMAIN, at every depth
    for (const below of ['1.2.8', '2.1.2.8', '3.2.1.2.8', '4.3.2.1.2.8', '5.4.3.2.1.2.8', '6.5.4.3.2.1.2.8'])
      expect(wild(`0.0.${below}.pstn.example.test`).rcode).toBe(RCODE.NXDOMAIN);
    // below the new name itself: NXDOMAIN too (it exists, no wildcard child)
    expect(wild('0.7.6.5.4.3.2.1.2.8.pstn.example.test').rcode).toBe(RCODE.NXDOMAIN);
    expect(wild('7.6.5.4.3.2.1.2.8.pstn.example.test').answer[0]).toContain('deep');
  });

  it('rejects bad published data with the source named', () => {
    const zs = setup();
    expect(() =>
      zs.applyContribution('members/m9', 1, [{ name: 'a.example.test', type: 'A', ttl: 1, rdata: ['nope'] }]),
    ).toThrow(/dns: members\/m9: a.example.test: bad RDATA 'nope'/);
    expect(() => zs.setOverride('nope.test', { name: 'a', type: 'A', delete: true })).toThrow(/no such zone/);
  });

  it('counts changes per model: one ZoneSet changing leaves another alone', () => {
    const a = setup();
    const b = setup();
    const [za] = a.zones.values();
    expect(za!.model).toBe(a.model); // a zone added to a set counts in the set's counter
    const before = { a: a.model.gen, b: b.model.gen };
    a.applyContribution('members/m1', 1, [member('1.example.test', 'one')]);
    expect(a.model.gen).toBeGreaterThan(before.a);
    expect(b.model.gen).toBe(before.b);
    b.removeZone(keyOf('example.test'));
    expect(b.model.gen).toBeGreaterThan(before.b);
  });
});
