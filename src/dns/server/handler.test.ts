import { describe, expect, it } from 'vitest';
import { buildQuery } from '#test/dns/helpers/wire';
import { ENTRY_OVERHEAD } from '../cache/packet-cache.ts';
import { WildcardCache } from '../cache/wildcard-cache.ts';
import { ZoneSet } from '../model/zoneset.ts';
import { loadZone } from '../zonefile/load.ts';
import { createHandler } from './handler.ts';
import { ParsedQuery } from './query.ts';

const FILE = `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
*.w NAPTR 100 10 "u" "E2U+sip" "!^\\+(.*)$!sip:+\\1@gw!" .
`;

function setup() {
  const zs = new ZoneSet();
  zs.addZone(loadZone('z', 'example.test', FILE).zone);
  const h = createHandler(() => zs);
  const ask = (name: string, type: string, id = 1, rd = false) =>
    h.handle(buildQuery({ name, type, id, rd, edns: null }), false)!;
  return { zs, h, ask };
}

const rcode = (b: Buffer) => b[3]! & 0xf;
const ancount = (b: Buffer) => b.readUInt16BE(6);

describe('query handler and packet cache', () => {
  it('serves a hit with the query ID, RD bit and question case', () => {
    const { h, ask } = setup();
    ask('www.example.test', 'A', 1);
    const hit = ask('WWW.Example.TEST', 'A', 0xbeef, true);
    expect(h.cache.hits).toBe(1);
    expect(hit.readUInt16BE(0)).toBe(0xbeef);
    expect(hit[2]! & 1).toBe(1);
    expect(hit.subarray(13, 16).toString()).toBe('WWW');
    expect(ancount(hit)).toBe(1);
  });

  it('invalidates precisely: an unrelated change keeps positive answers, stales negative ones', () => {
    const { zs, h, ask } = setup();
    ask('www.example.test', 'A');
    ask('nx.example.test', 'A');
    zs.applyContribution('members/m1', 1, [
      { name: 'other.example.test', type: 'A', ttl: 60, rdata: ['192.0.2.9'] },
    ]);
    ask('www.example.test', 'A');
    expect(h.cache.hits).toBe(1);
    const nx = ask('nx.example.test', 'A');
    expect(h.cache.stale).toBe(1);
    // the new negative answer carries the new serial
    expect(nx.readUInt32BE(nx.length - 20)).toBe(2);
  });

  it('a changed RRset is answered fresh at once', () => {
    const { zs, ask } = setup();
    ask('www.example.test', 'A');
    zs.setOverride('example.test', { name: 'www.example.test', type: 'A', ttl: 300, rdata: ['192.0.2.77'] });
    const r = ask('www.example.test', 'A');
    expect([...r.subarray(r.length - 4)]).toEqual([192, 0, 2, 77]);
    zs.applyContribution('m/2', 1, [{ name: 'new.example.test', type: 'A', ttl: 60, rdata: ['192.0.2.5'] }]);
    expect(rcode(ask('new.example.test', 'A'))).toBe(0);
  });

  it('answers every name under a wildcard from one template, with its own ID and case', () => {
    const { zs, h, ask } = setup();
    const a = ask('one.w.example.test', 'NAPTR', 1);
    const b = ask('Two.Longer.W.example.test', 'NAPTR', 2, true);
    expect(h.wildcards.hits).toBe(1);
    expect(h.cache.size).toBe(0);
    expect(b.readUInt16BE(0)).toBe(2);
    expect(b[2]! & 1).toBe(1);
    expect(b.subarray(12, 12 + 27).toString('latin1')).toContain('Two');
    // the bytes after the question are the same for both names
    expect(b.subarray(12 + 27 + 4)).toEqual(a.subarray(12 + 20 + 4));
    // a changed wildcard is answered fresh
    zs.setOverride('example.test', {
      name: '*.w.example.test',
      type: 'NAPTR',
      ttl: 60,
      rdata: ['1 1 "u" "E2U+sip" "!^.*$!sip:new@gw!" .'],
    });
    expect(ask('three.w.example.test', 'NAPTR').toString('latin1')).toContain('sip:new@gw');
  });

  it('keys the cache by a hash of the question, and never serves another question on a collision', () => {
    const { zs, h, ask } = setup();
    const parsed = (name: string, type: string) => {
      const q = new ParsedQuery();
      expect(q.parse(buildQuery({ name, type, edns: null }))).toBe('ok');
      return q;
    };
    expect(parsed('WWW.example.TEST', 'A').hash).toBe(parsed('www.example.test', 'A').hash);
    expect(parsed('www.example.test', 'AAAA').hash).not.toBe(parsed('www.example.test', 'A').hash);
    ask('www.example.test', 'A');
    // another question with the same hash (forced here; FNV collisions exist): a miss
    const other = parsed('ns1.example.test', 'A');
    other.hash = parsed('www.example.test', 'A').hash;
    expect(h.cache.get(other, 0, zs)).toBeUndefined();
    expect(h.cache.get(parsed('Www.Example.Test', 'A'), 0, zs)).toBeDefined();
    // type octets are compared exactly: 0x41 and 0x61 differ only by "case" as letters would
    ask('www.example.test', 'TYPE65'); // 0x0041, NODATA, cached
    const t = parsed('www.example.test', 'TYPE97'); // 0x0061
    t.hash = parsed('www.example.test', 'TYPE65').hash;
    expect(h.cache.get(t, 0, zs)).toBeUndefined();
    expect(h.cache.get(parsed('www.example.test', 'TYPE65'), 0, zs)).toBeDefined();
  });

  it('drops responses and packets shorter than a header, answers FORMERR to garbage', () => {
    const { h } = setup();
    const q = buildQuery({ name: 'www.example.test', type: 'A', edns: null });
    q[2] = q[2]! | 0x80;
    expect(h.handle(q, false)).toBeNull();
    expect(h.handle(Buffer.from([1, 2, 3]), false)).toBeNull();
    const junk = Buffer.from('00010000000100000000000003777777', 'hex');
    expect(rcode(h.handle(junk, false)!)).toBe(1);
  });

  it('does not cache what only junk asks for: REFUSED, other errors, negative answers for names no host has', () => {
    const { h, ask } = setup();
    expect(rcode(ask('elsewhere.test', 'A'))).toBe(5); // no zone of ours
    expect(rcode(ask('nx.example.test', 'A'))).toBe(3);
    expect(rcode(ask('n\x01x.example.test', 'A'))).toBe(3); // an octet no host name has
    expect(rcode(ask('www.example.test', 'TYPE65000'))).toBe(0); // NODATA for a plain name
    expect(rcode(ask('w\xadw.example.test', 'TXT'))).toBe(3);
    expect(h.cache.size).toBe(2);
    expect(h.cache.stats()).toMatchObject({ size: 2, uncached: 3 });
    ask('nx.example.test', 'A');
    ask('elsewhere.test', 'A');
    expect(h.cache.hits).toBe(1);
  });

  it('holds the byte bound, oldest entries first out, and counts what it holds', () => {
    const zs = new ZoneSet();
    const lines = [FILE];
    for (let i = 0; i < 200; i++) lines.push(`h${i} TXT "${'x'.repeat(200)}"`);
    zs.addZone(loadZone('z', 'example.test', lines.join('\n')).zone);
    const h = createHandler(() => zs, { cacheBytes: 20_000 });
    const ask = (i: number) =>
      h.handle(buildQuery({ name: `h${i}.example.test`, type: 'TXT', edns: null }), false)!;
    const size = ask(0).length;
    h.cache.clear();
    for (let i = 0; i < 200; i++) ask(i);
    const s = h.cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(20_000);
    // every entry is counted: its answer, a fixed overhead, and what it depends on
    expect(s.size).toBe(Math.floor(20_000 / (size + ENTRY_OVERHEAD + 16)));
    // the newest are kept, the oldest went
    ask(199);
    ask(0);
    expect(h.cache.hits).toBe(1);
    h.cache.clear();
    expect(h.cache.stats()).toMatchObject({ size: 0, bytes: 0 });
    // a stale entry leaves the count too
    ask(5);
    zs.setOverride('example.test', { name: 'h5.example.test', type: 'TXT', ttl: 60, rdata: ['"new"'] });
    ask(5);
    expect(h.cache.stats()).toMatchObject({ stale: 1, size: 1, bytes: ask(5).length + ENTRY_OVERHEAD + 16 });
  });

  it('keeps a few types per wildcard: junk asking every type cannot grow it', () => {
    const zs = new ZoneSet();
    const types = ['NAPTR', 'TXT', 'A', 'AAAA', 'SRV', 'TYPE1000'];
    const rdata = [
      '100 10 "u" "E2U+sip" "!^.*$!sip:x@gw!" .',
      '"a"',
      '192.0.2.1',
      '::1',
      '1 1 1 .',
      '\\# 1 01',
    ];
    const wild = types.map((t, i) => `*.w ${t} ${rdata[i]}`).join('\n');
    zs.addZone(loadZone('z', 'example.test', `${FILE}${wild}\n`).zone);
    const h = createHandler(() => zs);
    for (const t of types) h.handle(buildQuery({ name: 'x.w.example.test', type: t, edns: null }), false);
    expect(h.wildcards.size).toBe(WildcardCache.TYPES_PER_NODE);
    // the latest types are the ones kept
    h.handle(buildQuery({ name: 'y.w.example.test', type: 'TYPE1000', edns: null }), false);
    expect(h.wildcards.hits).toBe(1);
  });
});
