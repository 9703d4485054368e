// Members over HTTP: register, read, list, change with ETag/If-Match, branches of a VNS number,
// SIP credentials that are set but never returned, delete; DNS through the journal.
import { describe, expect } from 'vitest';
import { COLLECTIONS, type Member } from '../../src/core/model.ts';
import { it } from './helpers/fixtures.ts';

describe('api: members', () => {
  const kim = {
    type: 'individual',
    displayName: 'Kim Minji',
    email: 'Kim@Example.com',
    country: 'kr',
    contactPstn: '010-1234-5678',
  };

  it('registers a member with canonical fields, an ETag and a Location', async ({ h, a }) => {
    const r = await h.call('POST', '/v1/members', { token: a, body: kim });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      registrarId: 'a',
      email: 'kim@example.com',
      country: 'KR',
      contactPstn: '+821012345678',
      version: 1,
    });
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.headers.get('location')).toBe(`/v1/members/${r.body.id}`);
    const got = await h.call('GET', `/v1/members/${r.body.id}`, { token: a });
    expect(got.body).toEqual(r.body);
    expect(
      (await h.call('GET', `/v1/members/${r.body.id}`, { token: a, headers: { 'if-none-match': '"1"' } }))
        .status,
    ).toBe(304);
    const list = await h.call('GET', '/v1/members', { token: a });
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([r.body.id]);
  });

  it('validates every field and refuses a taken email address', async ({ h, a }) => {
    const bad = await h.call('POST', '/v1/members', {
      token: a,
      body: {
        type: 'individual',
        displayName: '',
        email: 'not-an-email',
        country: 'KR',
        homePage: 'ftp://x',
        personal: { birthDate: '1999-02-30' },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(
      ['/displayName', '/email', '/homePage', '/personal/birthDate'].sort(),
    );
    expect((await h.call('POST', '/v1/members', { token: a, body: kim })).status).toBe(201);
    const dup = await h.call('POST', '/v1/members', { token: a, body: { ...kim, email: 'kim@example.com' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      type: 'https://callx.test/problems/already-taken',
      code: 'email-taken',
    });
  });

  it('updates with If-Match: the right version applies, a stale one is 409, null removes a field', async ({
    h,
    a,
  }) => {
    const m = (await h.call('POST', '/v1/members', { token: a, body: kim })).body;
    const up = await h.call('PATCH', `/v1/members/${m.id}`, {
      token: a,
      body: { displayName: 'Kim M.', contactPstn: null, homePage: 'https://kim.example/' },
      headers: { 'if-match': '"1"' },
    });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ displayName: 'Kim M.', homePage: 'https://kim.example/', version: 2 });
    expect(up.body.contactPstn).toBeUndefined();
    expect(up.headers.get('etag')).toBe('"2"');
    const stale = await h.call('PATCH', `/v1/members/${m.id}`, {
      token: a,
      body: { displayName: 'X' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      type: 'https://callx.test/problems/version-mismatch',
      code: 'version-conflict',
    });
    const unknownField = await h.call('PATCH', `/v1/members/${m.id}`, { token: a, body: { nickname: 'x' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].pointer).toBe('/nickname');
  });

  it('sets SIP credentials that are stored as HA1 only and never returned', async ({ h, a }) => {
    const m = (await h.call('POST', '/v1/members', { token: a, body: kim })).body;
    const set = await h.call('PUT', `/v1/members/${m.id}/sip-credentials`, {
      token: a,
      body: { username: 'kim', password: 'correct horse battery' },
    });
    expect(set.status).toBe(204);
    expect(set.text).toBe('');
    const got = await h.call('GET', `/v1/members/${m.id}`, { token: a });
    expect(got.body.sipUsername).toBe('kim');
    expect(got.text).not.toMatch(/correct horse|ha1/i);
    const stored = await h.t.store.collection<Member>(COLLECTIONS.members).get(m.id);
    expect(JSON.stringify(stored)).not.toContain('correct horse');
    expect(stored!.sip!.ha1Md5).toMatch(/^[0-9a-f]{32}$/);
    const short = await h.call('PUT', `/v1/members/${m.id}/sip-credentials`, {
      token: a,
      body: { username: 'kim', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].pointer).toBe('/password');
    expect(short.text).not.toContain('short"');
    expect((await h.call('DELETE', `/v1/members/${m.id}/sip-credentials`, { token: a })).status).toBe(204);
    expect((await h.call('GET', `/v1/members/${m.id}`, { token: a })).body.sipUsername).toBeUndefined();
  });

  it('sets the branches of a company VNS number and publishes them', async ({ h, a }) => {
    await h.call('POST', '/v1/inventory', {
      token: a,
      body: { country: 'KR', kind: 'vns', numbers: ['6200-6200'] },
    });
    const acme = (
      await h.call('POST', '/v1/members', {
        token: a,
        body: { type: 'company', displayName: 'Acme', domain: 'acme.example', country: 'KR' },
      })
    ).body;
    const r = await h.call('POST', '/v1/orders', {
      token: a,
      body: { number: '6200-6200#082', memberId: acme.id },
    });
    expect(r.status).toBe(201);
    await h.call('POST', `/v1/orders/${r.body.order.id}/payments`, {
      token: a,
      body: { reference: 'v1', amount: r.body.price },
    });
    const b = await h.call('PUT', `/v1/members/${acme.id}/branches`, {
      token: a,
      body: {
        base: '6200-6200',
        branches: [
          { country: 'KR', pstn: '02-6200-6200' },
          { country: 'US', sipUri: 'sip:pbx@us.acme.example' },
        ],
      },
    });
    expect(b.status).toBe(200);
    const names = (await h.published()).get(`members/${acme.id}`)!.map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '0.0.2.6.0.0.2.6.82.vns.callx.test',
        '0.0.2.6.0.0.2.6.1.vns.callx.test',
        'acme.example.domains.callx.test',
      ]),
    );
  });

  it('deletes a member (If-Match honoured): its records leave DNS', async ({ h, a }) => {
    const m = (await h.call('POST', '/v1/members', { token: a, body: kim })).body;
    expect(
      (await h.call('DELETE', `/v1/members/${m.id}`, { token: a, headers: { 'if-match': '"9"' } })).status,
    ).toBe(409);
    expect(
      (await h.call('DELETE', `/v1/members/${m.id}`, { token: a, headers: { 'if-match': '"1"' } })).status,
    ).toBe(204);
    expect((await h.call('GET', `/v1/members/${m.id}`, { token: a })).status).toBe(404);
    expect((await h.published()).get(`members/${m.id}`)).toEqual([]);
  });
});
