// Caller trust over HTTP (docs/trust.md, docs/api.md): trusted peers on the routing data they
// belong to (their source addresses, their shared secrets stored as HA1 only), a country's
// emergency gateway published in DNS, call policies per scope, the certificate at the x5u URL
// and /readyz's detail.
import { describe, expect } from 'vitest';
import { COLLECTIONS, type PstnGateway } from '#core';
import { it } from './helpers/fixtures.ts';
import { ADMIN_TOKEN } from './helpers/harness.ts';

const GW = { id: 'gw-jp', name: 'JP', host: 'gw.jp.example', prefixes: ['81'] };

describe('api: trusted peers on the routing data', () => {
  it('a gateway takes source addresses, shows them, refuses what is not an address or prefix', async ({
    h,
  }) => {
    const r = await h.call('POST', '/v1/gateways', {
      body: { ...GW, trust: { sources: ['198.51.100.0/24', '2001:db8::7'] } },
    });
    expect(r.status).toBe(201);
    expect(r.body.trust).toEqual({ sources: ['198.51.100.0/24', '2001:db8::7'], digestUsername: null });
    const bad = await h.call('PATCH', '/v1/gateways/gw-jp', {
      body: { trust: { sources: ['198.51.100.0/33', 'gw.example'] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/trust/sources/0',
      '/trust/sources/1',
    ]);
  });

  it("a shared secret is stored as HA1 under the peer's username, never shown; changing sources keeps it", async ({
    h,
  }) => {
    await h.call('POST', '/v1/gateways', { body: GW });
    const set = await h.call('PUT', '/v1/gateways/gw-jp/peer-secret', {
      body: { password: 'a secret of twelve+' },
    });
    expect([set.status, set.body]).toEqual([200, { username: 'gateway:gw-jp', version: 2 }]);
    expect(set.headers.get('cache-control')).toBe('no-store');
    const stored = await h.t.store.collection<PstnGateway>(COLLECTIONS.gateways).get('gw-jp');
    expect(JSON.stringify(stored)).not.toContain('a secret of twelve+');
    expect(stored!.trust!.digest).toMatchObject({ username: 'gateway:gw-jp', realm: 'callx.test' });
    await h.call('PATCH', '/v1/gateways/gw-jp', { body: { trust: { sources: ['203.0.113.9'] } } });
    const got = await h.call('GET', '/v1/gateways/gw-jp');
    expect(got.body.trust).toEqual({ sources: ['203.0.113.9'], digestUsername: 'gateway:gw-jp' });
    expect(got.text).not.toMatch(/ha1/i);
    expect((await h.call('DELETE', '/v1/gateways/gw-jp/peer-secret')).status).toBe(204);
    expect((await h.call('GET', '/v1/gateways/gw-jp')).body.trust).toEqual({
      sources: ['203.0.113.9'],
      digestUsername: null,
    });
    // null: no longer a trusted peer at all
    await h.call('PATCH', '/v1/gateways/gw-jp', { body: { trust: null } });
    expect((await h.call('GET', '/v1/gateways/gw-jp')).body.trust).toBeUndefined();
    expect(
      (await h.call('PUT', '/v1/gateways/nope/peer-secret', { body: { password: 'a secret of twelve+' } }))
        .status,
    ).toBe(404);
    expect(
      (await h.call('PUT', '/v1/gateways/gw-jp/peer-secret', { body: { password: 'short' } })).status,
    ).toBe(400);
  });

  it('a registrar may not make itself a trusted peer: 403, nothing written', async ({ h, a }) => {
    await h.call('POST', '/v1/gateways', { body: GW });
    expect(
      (await h.call('PATCH', '/v1/gateways/gw-jp', { token: a, body: { trust: { sources: ['0.0.0.0/0'] } } }))
        .status,
    ).toBe(403);
    expect(
      (
        await h.call('PUT', '/v1/gateways/gw-jp/peer-secret', {
          token: a,
          body: { password: 'a secret of twelve+' },
        })
      ).status,
    ).toBe(403);
    expect((await h.call('GET', '/v1/gateways/gw-jp')).body.trust).toBeUndefined();
  });

  it("a country's emergency gateway is published at <cc>.emergency.<apex>, rewriting the code dialed", async ({
    h,
  }) => {
    const r = await h.call('POST', '/v1/countries', {
      body: {
        code: 'KR',
        name: 'Korea',
        center: { targets: [{ host: 'sip1.kr.center.callx.test' }] },
        emergency: { host: 'sos.kr.example' },
        trust: { sources: ['192.0.2.80'] },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      emergency: { host: 'sos.kr.example' },
      trust: { sources: ['192.0.2.80'] },
    });
    const rr = (await h.published()).get('countries/KR')!;
    expect(rr.find((x) => x.name === 'kr.emergency.callx.test')).toEqual({
      name: 'kr.emergency.callx.test',
      type: 'NAPTR',
      ttl: expect.any(Number),
      rdata: ['100 10 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@sos.kr.example!" .'],
    });
    await h.call('PATCH', '/v1/countries/KR', { body: { emergency: null } });
    expect((await h.published()).get('countries/KR')!.some((x) => x.name.includes('emergency'))).toBe(false);
  });
});

describe('api: call policies', () => {
  it('created, replaced with If-Match, read, removed (admin); a conflicting version 409', async ({ h }) => {
    const body = {
      access: { anonymous: ['on-net'] },
      limits: { sourcePerMinute: 30 },
      blockedPrefixes: ['882'],
    };
    const c = await h.call('PUT', '/v1/policies/default', { body });
    expect([c.status, c.headers.get('etag')]).toEqual([201, '"1"']);
    expect(c.body).toMatchObject({ scope: 'default', ...body, version: 1 });
    const r = await h.call('PUT', '/v1/policies/default', {
      body: { blockPremium: false },
      headers: { 'if-match': '"1"' },
    });
    expect([r.status, r.body.version, r.body.limits]).toEqual([200, 2, undefined]); // replaced whole
    expect(
      (await h.call('PUT', '/v1/policies/default', { body: {}, headers: { 'if-match': '"1"' } })).status,
    ).toBe(409);
    expect((await h.call('GET', '/v1/policies/default')).body).toMatchObject({
      scope: 'default',
      blockPremium: false,
    });
    const kr = await h.call('PUT', '/v1/policies/country:kr', {
      body: { limits: { internationalPerDay: 5 } },
    });
    expect(kr.body.scope).toBe('country:KR');
    expect((await h.call('DELETE', '/v1/policies/default')).status).toBe(204);
    expect((await h.call('GET', '/v1/policies/default')).status).toBe(404);
  });

  it('refuses a scope or a rule it does not know, naming each field', async ({ h }) => {
    expect((await h.call('PUT', '/v1/policies/planet:mars', { body: {} })).status).toBe(400);
    const bad = await h.call('PUT', '/v1/policies/default', {
      body: {
        access: { anonymous: ['pstn', 'moon'] },
        limits: { memberPerMinute: -1 },
        blockedSources: ['x'],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/access/anonymous/1',
      '/limits/memberPerMinute',
      '/blockedSources/0',
    ]);
  });

  it("a registrar reads the default, the countries' and its own, not another's; writes none", async ({
    h,
    a,
  }) => {
    await h.registrar('b');
    for (const scope of ['default', 'country:KR', 'registrar:a', 'registrar:b'])
      await h.call('PUT', `/v1/policies/${scope}`, { body: { limits: { memberPerMinute: 7 } } });
    const list = await h.call('GET', '/v1/policies', { token: a });
    expect(list.body.items.map((p: { scope: string }) => p.scope).sort()).toEqual([
      'country:KR',
      'default',
      'registrar:a',
    ]);
    expect((await h.call('GET', '/v1/policies/registrar:b', { token: a })).status).toBe(404);
    expect((await h.call('GET', '/v1/policies/registrar:a', { token: a })).status).toBe(200);
    expect((await h.call('PUT', '/v1/policies/registrar:a', { token: a, body: {} })).status).toBe(403);
    const all = await h.call('GET', '/v1/policies', { token: ADMIN_TOKEN });
    expect(all.body.items).toHaveLength(4);
  });
});

describe('api: the x5u certificate and /readyz detail', () => {
  it('serves the certificate without a token, as a PEM chain', async ({ open }) => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const h = await open({ stirCertificate: async () => pem });
    const r = await h.call('GET', '/stir/cert.pem', { token: null });
    expect([r.status, r.headers.get('content-type'), r.text]).toEqual([
      200,
      'application/pem-certificate-chain',
      pem,
    ]);
  });

  it('404 when caller identities are not signed here', async ({ h }) => {
    expect((await h.call('GET', '/stir/cert.pem', { token: null })).status).toBe(404);
  });

  it('/readyz shows countries without an emergency route in its detail, without failing', async ({
    open,
  }) => {
    const h = await open({ readinessDetail: () => ({ sip_emergency: { missing: ['US'] } }) });
    const r = await h.call('GET', '/readyz', { token: null });
    expect([r.status, r.body.status, r.body.detail]).toEqual([
      200,
      'ready',
      { sip_emergency: { missing: ['US'] } },
    ]);
  });
});
