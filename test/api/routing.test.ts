// Countries and centers, PSTN gateways, partner carriers over HTTP: what they publish in DNS
// (through the journal), ETags and If-Match, validation, and that only the operator writes them.
import { describe, expect } from 'vitest';
import { it } from './helpers/fixtures.ts';

const KR = {
  code: 'kr',
  name: 'Korea',
  center: {
    targets: [
      { host: 'sip1.kr.center.callx.test', port: 5060, transport: 'udp', addresses: ['192.0.2.10'] },
      { host: 'sip1.kr.center.callx.test', port: 5060, transport: 'tcp' },
    ],
  },
};

describe('api: countries and their centers', () => {
  it('creates a country whose center is published (NAPTR, SRV, A) with the calling code from the number plan', async ({
    h,
  }) => {
    const r = await h.call('POST', '/v1/countries', { body: KR });
    expect(r.status).toBe(201);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.body).toMatchObject({ code: 'KR', callingCode: '82', registrarId: null, version: 1 });
    expect(r.body.center.targets[1]).toEqual({
      host: 'sip1.kr.center.callx.test',
      port: 5060,
      priority: 10,
      weight: 10,
      transport: 'tcp',
      addresses: [],
    });
    const rr = (await h.published()).get('countries/KR')!;
    expect(rr.map((x) => `${x.name} ${x.type}`)).toEqual([
      'kr.center.callx.test NAPTR',
      '_sip._tcp.kr.center.callx.test SRV',
      '_sip._udp.kr.center.callx.test SRV',
      'sip1.kr.center.callx.test A',
    ]);
  });

  it('updates with If-Match, refuses a stale ETag with 409, answers 304 to If-None-Match', async ({ h }) => {
    await h.call('POST', '/v1/countries', { body: KR });
    const ok = await h.call('PATCH', '/v1/countries/KR', {
      body: { name: 'South Korea' },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await h.call('PATCH', '/v1/countries/KR', {
      body: { name: 'X' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toBe('https://callx.test/problems/version-mismatch');
    const badTag = await h.call('PATCH', '/v1/countries/KR', {
      body: { name: 'X' },
      headers: { 'if-match': 'v1' },
    });
    expect(badTag.status).toBe(400);
    expect(badTag.body.errors[0]).toMatchObject({ location: 'header', pointer: 'if-match' });
    const cached = await h.call('GET', '/v1/countries/KR', { headers: { 'if-none-match': '"2"' } });
    expect(cached.status).toBe(304);
    expect((await h.call('GET', '/v1/countries/kr')).body.name).toBe('South Korea');
  });

  it('validates codes, hosts and addresses with every offending field', async ({ h }) => {
    const r = await h.call('POST', '/v1/countries', {
      body: { ...KR, code: 'XX', center: { targets: [{ host: 'bad host', addresses: ['300.1.1.1'] }] } },
    });
    expect(r.status).toBe(400);
    // every field at once: each rule is checked in one place, the registry's schema
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/code',
      '/center/targets/0/host',
      '/center/targets/0/addresses/0',
    ]);
    expect(r.body.code).toBe('invalid-input');
    const r2 = await h.call('POST', '/v1/countries', {
      body: { ...KR, center: { targets: [{ host: 'bad host', addresses: ['300.1.1.1'] }] } },
    });
    expect(r2.status).toBe(400);
    expect(r2.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/center/targets/0/host',
      '/center/targets/0/addresses/0',
    ]);
    const dup = await h.call('POST', '/v1/countries', { body: KR });
    expect(dup.status).toBe(201);
    expect((await h.call('POST', '/v1/countries', { body: KR })).status).toBe(409);
  });

  it('deletes a country: its records leave DNS and it is gone', async ({ h }) => {
    await h.call('POST', '/v1/countries', { body: KR });
    expect((await h.call('DELETE', '/v1/countries/KR', { headers: { 'if-match': '"7"' } })).status).toBe(409);
    expect((await h.call('DELETE', '/v1/countries/KR')).status).toBe(204);
    expect((await h.published()).get('countries/KR')).toEqual([]);
    expect((await h.call('GET', '/v1/countries/KR')).status).toBe(404);
    expect((await h.call('DELETE', '/v1/countries/KR')).status).toBe(404);
  });
});

describe('api: PSTN gateways and partner carriers', () => {
  it('publishes the pstn tree (its routes; DNS nodes add the fillers), and republishes it on change and delete', async ({
    h,
  }) => {
    const kr = await h.call('POST', '/v1/gateways', {
      body: { id: 'gw-kr', name: 'KR', host: 'gw.kr.callx.test', prefixes: ['82'] },
    });
    expect(kr.status).toBe(201);
    const busan = await h.call('POST', '/v1/gateways', {
      body: { name: 'Busan', host: 'gw.busan.callx.test:5080', prefixes: ['8251', '8251'] },
    });
    expect(busan.body.id).toMatch(/^gw_[0-9a-f]{16}$/);
    expect(busan.body.prefixes).toEqual(['8251']);
    let tree = (await h.published()).get('routing/pstn')!;
    expect(tree.map((r) => r.name)).toEqual(['*.1.5.2.8.pstn.callx.test', '*.2.8.pstn.callx.test']);
    expect(tree[0]!.rdata[0]).toContain('@gw.busan.callx.test:5080;user=phone');
    await h.call('PATCH', `/v1/gateways/${busan.body.id}`, { body: { prefixes: ['8252'] } });
    tree = (await h.published()).get('routing/pstn')!;
    expect(tree.map((r) => r.name)).toContain('*.2.5.2.8.pstn.callx.test');
    await h.call('DELETE', `/v1/gateways/${busan.body.id}`);
    expect((await h.published()).get('routing/pstn')!.map((r) => r.name)).toEqual(['*.2.8.pstn.callx.test']);
  });

  it('refuses bad prefixes and hosts that would break the NAPTR regexp', async ({ h }) => {
    const r = await h.call('POST', '/v1/gateways', {
      body: { name: 'x', host: 'gw!x@evil', prefixes: ['+82', '082', '12'] },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/host',
      '/prefixes/0',
      '/prefixes/1',
    ]);
    const h2 = await h.call('POST', '/v1/gateways', {
      body: { name: 'x', host: 'gw!x@evil', prefixes: ['12'] },
    });
    expect(h2.status).toBe(400);
    expect(h2.body.errors[0].pointer).toBe('/host');
  });

  it('publishes partner carriers in the carriers tree and keeps their caller-id format and ENUM suffix', async ({
    h,
  }) => {
    const r = await h.call('POST', '/v1/carriers', {
      body: {
        id: 'partner',
        name: 'Partner',
        ingress: 'sbc.partner.example',
        ranges: ['4420'],
        callerIdFormat: 'national',
        enumSuffix: 'E164.Partner.Example.',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ callerIdFormat: 'national', enumSuffix: 'e164.partner.example' });
    const tree = (await h.published()).get('routing/carriers')!;
    expect(tree.map((x) => x.name)).toEqual(['*.0.2.4.4.carriers.callx.test']);
    expect(tree[0]!.rdata[0]).toContain('sip:+\\\\1@sbc.partner.example;user=phone');
    const cleared = await h.call('PATCH', '/v1/carriers/partner', {
      body: { enumSuffix: null },
      headers: { 'if-match': '"1"' },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.enumSuffix).toBeUndefined();
    const bad = await h.call('POST', '/v1/carriers', {
      body: { name: 'x', ingress: 'a.example', ranges: ['1'], enumSuffix: 'no spaces.example' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/enumSuffix');
  });
});

// Issue 13, item 1: the center, pstn and carriers trees are shared by every registrar's callers
// and numbers, so one registrar writing them could take over everyone's calls.
describe("api: routing data is the operator's", () => {
  it("a registrar cannot put its host in the center every registrar's Korean members route through", async ({
    h,
    a,
  }) => {
    const evil = { code: 'KR', name: 'Korea', center: { targets: [{ host: 'evil.example' }] } };
    const created = await h.call('POST', '/v1/countries', { token: a, body: evil });
    expect(created.status, created.text).toBe(403);
    expect(created.body.type).toBe('https://callx.test/problems/forbidden');
    expect((await h.call('POST', '/v1/countries', { body: KR })).status).toBe(201);
    const patched = await h.call('PATCH', '/v1/countries/KR', {
      token: a,
      body: { center: { targets: [{ host: 'evil.example', priority: 0 }] } },
    });
    expect(patched.status, patched.text).toBe(403);
    expect((await h.call('DELETE', '/v1/countries/KR', { token: a })).status).toBe(403);
    const srv = (await h.published())
      .get('countries/KR')!
      .find((r) => r.name === '_sip._udp.kr.center.callx.test');
    expect(srv!.rdata.join()).not.toContain('evil.example');
    expect(srv!.rdata.join()).toContain('sip1.kr.center.callx.test');
    // the operator's routing data is no secret (DNS publishes it): registrars may read it
    const read = await h.call('GET', '/v1/countries/KR', { token: a });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ code: 'KR', registrarId: null });
  });

  it("a registrar cannot add a Contact to everyone's calls to Korean mobiles (gateway or carrier prefix 8210)", async ({
    h,
    a,
  }) => {
    const gw = await h.call('POST', '/v1/gateways', {
      token: a,
      body: { id: 'evil', name: 'x', host: 'evil.example', prefixes: ['8210'] },
    });
    expect(gw.status, gw.text).toBe(403);
    const carrier = await h.call('POST', '/v1/carriers', {
      token: a,
      body: { id: 'evil', name: 'x', ingress: 'evil.example', ranges: ['8210'] },
    });
    expect(carrier.status, carrier.text).toBe(403);
    // nor change the operator's routes
    expect(
      (
        await h.call('POST', '/v1/gateways', {
          body: { id: 'gw-kr', name: 'KR', host: 'gw.kr.callx.test', prefixes: ['82'] },
        })
      ).status,
    ).toBe(201);
    for (const [method, body] of [
      ['PATCH', { prefixes: ['82', '8210'], host: 'evil.example' }],
      ['DELETE', undefined],
    ] as const) {
      const r = await h.call(method, '/v1/gateways/gw-kr', { token: a, body });
      expect(r.status, `${method}: ${r.text}`).toBe(403);
    }
    const published = JSON.stringify([...(await h.published())]);
    expect(published).not.toContain('evil.example');
    expect(published).toContain('gw.kr.callx.test');
    const list = await h.call('GET', '/v1/gateways', { token: a });
    expect(list.status).toBe(200);
    expect(list.body.items.map((g: { id: string }) => g.id)).toEqual(['gw-kr']);
  });
});
