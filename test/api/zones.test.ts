// Zones and record sets over HTTP: PowerDNS-style REPLACE/DELETE, NAPTR as presentation or as
// fields, validation with every offending record, ownership, and what reaches the journal.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { zoneFilesIn } from '#api';
import { it } from './helpers/fixtures.ts';
import { remove, replace, replaceSipNaptr, rrsets } from './helpers/records.ts';

const ZONE = {
  apex: 'Example.COM.',
  soa: { mname: 'ns1.example.com', rname: 'hostmaster.example.com.' },
  ns: ['ns1.example.com', 'ns2.example.net.'],
};

/** A CNAME with other data at its name: refused. */
const CNAME_AND_A = [
  replace('c.example.com', 'CNAME', 60, 'a.example.com.'),
  replace('c.example.com', 'A', 60, '192.0.2.1'),
];

describe('api: zones', () => {
  it.override('harnessOptions', { fileZones: () => ['callx.test', 'e164.callx.test'] });

  it('creates a zone whose SOA and NS are published, with defaults for the SOA timers', async ({ h }) => {
    const r = await h.call('POST', '/v1/zones', { body: ZONE });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      apex: 'example.com',
      source: 'api',
      soa: {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        refresh: 3600,
        retry: 600,
        expire: 1209600,
        minimum: 300,
        ttl: 3600,
      },
      ns: ['ns1.example.com', 'ns2.example.net'],
    });
    expect(r.headers.get('location')).toBe('/v1/zones/example.com');
    expect((await h.published()).get('zones/example.com')).toEqual([
      {
        name: 'example.com',
        type: 'SOA',
        ttl: 3600,
        rdata: ['ns1.example.com. hostmaster.example.com. 1 3600 600 1209600 300'],
      },
      { name: 'example.com', type: 'NS', ttl: 3600, rdata: ['ns1.example.com.', 'ns2.example.net.'] },
    ]);
    expect((await h.call('POST', '/v1/zones', { body: ZONE })).status).toBe(409);
    const list = await h.call('GET', '/v1/zones');
    expect(list.body.items.map((z: { apex: string }) => z.apex)).toEqual(['example.com']);
  });

  it('replaces and deletes record sets; NAPTR as fields needs no escaping and reads back both ways', async ({
    h,
  }) => {
    await h.call('POST', '/v1/zones', { body: ZONE });
    const patch = await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      body: rrsets(
        {
          name: 'www.example.com.',
          type: 'a',
          ttl: 300,
          changetype: 'REPLACE',
          records: [{ content: '192.0.2.1' }, { content: '192.0.2.2', disabled: false }],
        },
        replaceSipNaptr('*.2.8.example.com', 60, '!^\\+(.*)$!sip:+\\1@gw.example.net!'),
        replace('mail.example.com', 'MX', 60, '10 mx1'),
      ),
    });
    expect(patch.status).toBe(204);
    const rr = await h.call('GET', '/v1/zones/example.com/rrsets?type=naptr');
    expect(rr.body.items).toHaveLength(1);
    expect(rr.body.items[0].records[0]).toEqual({
      content: '100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.example.net!" .',
      order: 100,
      preference: 10,
      flags: 'u',
      service: 'E2U+sip',
      regexp: '!^\\+(.*)$!sip:+\\1@gw.example.net!',
      replacement: '.',
    });
    const pub = await h.published();
    expect(pub.get('rrsets/example.com|www.example.com|A')).toEqual([
      { name: 'www.example.com', type: 'A', ttl: 300, rdata: ['192.0.2.1', '192.0.2.2'] },
    ]);
    const zone = await h.call('GET', '/v1/zones/example.com');
    expect(zone.body.rrsets.map((r: { name: string; type: string }) => `${r.name} ${r.type}`)).toEqual([
      '*.2.8.example.com NAPTR',
      'mail.example.com MX',
      'www.example.com A',
    ]);
    // relative names in content are completed with the apex and stored absolute
    expect(zone.body.rrsets[1].records[0].content).toBe('10 mx1.example.com.');
    const del = await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      body: rrsets(remove('www.example.com', 'A')),
    });
    expect(del.status).toBe(204);
    expect((await h.published()).get('rrsets/example.com|www.example.com|A')).toEqual([]);
    expect((await h.call('GET', '/v1/zones/example.com/rrsets?name=www.example.com')).body.items).toEqual([]);
  });

  it('checks every change before applying any, and names each bad record', async ({ h }) => {
    await h.call('POST', '/v1/zones', { body: ZONE });
    const r = await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      body: rrsets(
        replace('ok.example.com', 'A', 60, '192.0.2.9'),
        replace('bad.example.com', 'A', 60, '192.0.2.1', '192.0.2.300'),
        replace('www.example.org', 'A', 60, '192.0.2.1'),
        replace('example.com', 'SOA', 60, 'a. b. 1 2 3 4 5'),
        remove('x.example.com', 'BOGUS'),
        { name: 'y.example.com', type: 'TXT', changetype: 'REPLACE', records: [] },
        ...CNAME_AND_A,
      ),
    });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('https://callx.test/problems/validation-failed');
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/rrsets/1/records/1',
      '/rrsets/2/name',
      '/rrsets/3/type',
      '/rrsets/4/type',
      '/rrsets/5/ttl',
      '/rrsets/5/records',
    ]);
    expect(r.body.errors[0].detail).toContain("bad IPv4 address '192.0.2.300'");
    // nothing was applied, not even the good change
    expect((await h.call('GET', '/v1/zones/example.com/rrsets')).body.items).toEqual([]);
    const cname = await h.call('PATCH', '/v1/zones/example.com/rrsets', { body: rrsets(...CNAME_AND_A) });
    expect(cname.status).toBe(400);
    expect(cname.body.errors[0].detail).toMatch(/CNAME stands alone/);
    const schema = await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      body: {
        rrsets: [{ name: 'n.example.com', type: 'A', changetype: 'UPSERT', records: [{ contents: 'x' }] }],
      },
    });
    expect(schema.status).toBe(400);
    expect(schema.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/rrsets/0/changetype');
  });

  it('changes SOA and NS with If-Match, and deleting a zone removes its record sets from DNS first', async ({
    h,
  }) => {
    await h.call('POST', '/v1/zones', { body: ZONE });
    await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      body: rrsets(replace('www.example.com', 'A', 60, '192.0.2.1')),
    });
    const up = await h.call('PATCH', '/v1/zones/example.com', {
      body: { ns: ['ns3.example.com'] },
      headers: { 'if-match': '"1"' },
    });
    expect(up.status).toBe(200);
    expect(up.body.ns).toEqual(['ns3.example.com']);
    expect(
      (
        await h.call('PATCH', '/v1/zones/example.com', {
          body: { ns: ['x.example'] },
          headers: { 'if-match': '"1"' },
        })
      ).status,
    ).toBe(409);
    expect((await h.call('DELETE', '/v1/zones/example.com')).status).toBe(204);
    const entries = await h.journal.readAfter(0, 1000);
    const last = entries.slice(-2).map((e) => [e.source, e.rrsets.length, e.deletedZone]);
    expect(last).toEqual([
      ['rrsets/example.com|www.example.com|A', 0, undefined],
      ['zones/example.com', 0, 'example.com'],
    ]);
    expect((await h.call('GET', '/v1/zones/example.com')).status).toBe(404);
    // the apex is free again
    expect((await h.call('POST', '/v1/zones', { body: ZONE })).status).toBe(201);
  });

  it('keeps registrars in their own zones and out of the deployment name space', async ({ h, a }) => {
    const b = await h.registrar('b');
    expect((await h.call('POST', '/v1/zones', { token: a, body: ZONE })).status).toBe(201);
    for (const apex of ['example.com', 'sub.example.com', 'com', 'callx.test', 'x.e164.callx.test']) {
      const r = await h.call('POST', '/v1/zones', { token: b, body: { ...ZONE, apex } });
      expect([409], apex).toContain(r.status);
    }
    expect((await h.call('GET', '/v1/zones/example.com', { token: b })).status).toBe(404);
    expect((await h.call('GET', '/v1/zones/example.com/rrsets', { token: b })).status).toBe(404);
    const write = await h.call('PATCH', '/v1/zones/example.com/rrsets', {
      token: b,
      body: rrsets(replace('www.example.com', 'A', 1, '192.0.2.66')),
    });
    expect(write.status).toBe(404);
    expect((await h.call('DELETE', '/v1/zones/example.com', { token: b })).status).toBe(404);
    expect((await h.call('GET', '/v1/zones', { token: b })).body.items).toEqual([]);
    // registrars cannot touch master-file zones; the admin can override their record sets
    expect((await h.call('GET', '/v1/zones/callx.test/rrsets', { token: a })).status).toBe(404);
    const admin = await h.call('PATCH', '/v1/zones/callx.test/rrsets', {
      body: rrsets(remove('old.callx.test', 'A')),
    });
    expect(admin.status).toBe(204);
    // in a file zone DELETE leaves an empty RRset that hides the file's
    expect((await h.published()).get('rrsets/callx.test|old.callx.test|A')).toEqual([
      { name: 'old.callx.test', type: 'A', ttl: 0, rdata: [] },
    ]);
    // a name that belongs to a more specific zone is refused
    const inner = await h.call('PATCH', '/v1/zones/callx.test/rrsets', {
      body: rrsets(replace('1.e164.callx.test', 'TXT', 1, '"x"')),
    });
    expect(inner.status).toBe(400);
    expect(inner.body.errors[0].detail).toContain('belongs to zone e164.callx.test');
  });

  it('exports a zone through the DNS model it is given, and says so when there is none', async ({ h }) => {
    await h.call('POST', '/v1/zones', { body: ZONE });
    const none = await h.call('GET', '/v1/zones/example.com/export');
    expect(none.status).toBe(503);
    expect(none.body.type).toBe('https://callx.test/problems/unavailable');
  });
});

describe('api: zoneFilesIn', () => {
  it('lists the <apex>.zone files of a zones directory, as the DNS node does', () => {
    const files = zoneFilesIn(join(import.meta.dirname, '..', '..', 'zones'))();
    expect(files.sort()).toEqual(['callx.test', 'e164.callx.test']);
    expect(zoneFilesIn('/nonexistent/dir')()).toEqual([]);
  });
});
