import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '#core';
import { type TempStore, tempStore } from '#test/api/helpers/store';
import { ADMIN, type Principal, RegistryError } from '../kernel/index.ts';
import { type AuthService, createAuthService, hashToken } from './index.ts';

const A: Principal = { role: 'registrar', registrarId: 'a' };
const B: Principal = { role: 'registrar', registrarId: 'b' };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
}

describe('registry auth: registrars and tokens', () => {
  let t: TempStore;
  let auth: AuthService;
  beforeEach(async () => {
    t = await tempStore();
    auth = createAuthService({ store: t.store, adminToken: 'bootstrap-admin-token-1234' });
    await auth.createRegistrar(ADMIN, { id: 'a', name: 'Registrar A' });
    await auth.createRegistrar(ADMIN, { id: 'b', name: 'Registrar B' });
  });
  afterEach(() => t.close());

  it('stores only the SHA-256 of a token and authenticates with the secret', async () => {
    const created = await auth.createToken(ADMIN, { role: 'registrar', registrarId: 'a' }, { label: 'ci' });
    expect(created.token).toMatch(/^cx_[A-Za-z0-9_-]{43}$/);
    expect(created.id).toBe(hashToken(created.token));
    const stored = await t.store.collection(COLLECTIONS.tokens).find({});
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect(await auth.authenticate(created.token)).toEqual({
      principal: { role: 'registrar', registrarId: 'a' },
      tokenId: created.id,
    });
    expect(await auth.authenticate(`${created.token}x`)).toBeNull();
    expect(await auth.authenticate('')).toBeNull();
    expect(await auth.authenticate('x'.repeat(10_000))).toBeNull();
  });

  it('accepts the configured admin token and stored admin tokens', async () => {
    expect(await auth.authenticate('bootstrap-admin-token-1234')).toEqual({
      principal: { role: 'admin' },
      tokenId: 'config',
    });
    const adm = await auth.createToken(ADMIN, { role: 'admin' });
    expect(await auth.authenticate(adm.token)).toMatchObject({ principal: { role: 'admin' } });
  });

  it('lets only the admin create registrars and admin tokens', async () => {
    expect(await code(auth.createRegistrar(A, { id: 'c', name: 'C' }))).toBe('forbidden');
    expect(await code(auth.createToken(A, { role: 'admin' }))).toBe('forbidden');
    expect(await code(auth.createRegistrar(ADMIN, { id: 'a', name: 'again' }))).toBe('exists');
    expect(await code(auth.createRegistrar(ADMIN, { id: 'Bad Id', name: 'x' }))).toBe('invalid-input');
    // one spelling of a registrar id: lower case only (ids are in URLs, journal sources, payment ids)
    expect(await code(auth.createRegistrar(ADMIN, { id: 'Acme', name: 'x' }))).toBe('invalid-input');
  });

  it('keeps registrars apart: own tokens only, others look missing', async () => {
    const tb = await auth.createToken(B, { role: 'registrar', registrarId: 'b' });
    expect(await code(auth.createToken(A, { role: 'registrar', registrarId: 'b' }))).toBe('not-found');
    expect(await code(auth.listTokens(A, 'b'))).toBe('not-found');
    expect(await code(auth.revokeToken(A, 'b', tb.id))).toBe('not-found');
    expect(await code(auth.getRegistrar(A, 'b'))).toBe('not-found');
    expect((await auth.listRegistrars(A, { limit: 10 })).items.map((r) => r._id)).toEqual(['a']);
    expect((await auth.listRegistrars(ADMIN, { limit: 10 })).items.map((r) => r._id)).toEqual(['a', 'b']);
    expect(await auth.authenticate(tb.token)).not.toBeNull();
  });

  it("makes counterparties' tokens (the admin only) that authenticate as the counterparty", async () => {
    const gw = await auth.createToken(
      ADMIN,
      { role: 'counterparty', party: 'gateway:gw-kr' },
      { label: 'kr' },
    );
    expect(gw).toMatchObject({ role: 'counterparty', registrarId: null, party: 'gateway:gw-kr' });
    expect(await auth.authenticate(gw.token)).toEqual({
      principal: { role: 'counterparty', party: 'gateway:gw-kr' },
      tokenId: gw.id,
    });
    expect(await code(auth.createToken(A, { role: 'counterparty', party: 'gateway:gw-kr' }))).toBe(
      'forbidden',
    );
    expect((await auth.listPartyTokens(ADMIN, 'gateway:gw-kr')).items.map((x) => x.id)).toEqual([gw.id]);
    expect(await code(auth.listPartyTokens(A, 'gateway:gw-kr'))).toBe('forbidden');
    // a counterparty's token is none of a registrar's: not listed, not revocable as one
    expect((await auth.listTokens(ADMIN, 'a')).items).toEqual([]);
    expect(await code(auth.revokeToken(ADMIN, 'a', gw.id))).toBe('not-found');
    // a counterparty sees no registrar
    const p = (await auth.authenticate(gw.token))!.principal;
    expect(await code(auth.listRegistrars(p))).toBe('forbidden');
    expect(await code(auth.getRegistrar(p, 'a'))).toBe('not-found');
    await auth.revokePartyToken(ADMIN, 'gateway:gw-kr', gw.id);
    expect(await auth.authenticate(gw.token)).toBeNull();
  });

  it('revokes a token at once', async () => {
    const ta = await auth.createToken(A, { role: 'registrar', registrarId: 'a' });
    expect((await auth.listTokens(A, 'a')).items.map((x) => x.id)).toEqual([ta.id]);
    await auth.revokeToken(A, 'a', ta.id);
    expect(await auth.authenticate(ta.token)).toBeNull();
    expect(await code(auth.revokeToken(A, 'a', ta.id))).toBe('not-found');
  });

  it('pages registrars by id, and tokens in creation order, with cursors bound to their list', async () => {
    await auth.createRegistrar(ADMIN, { id: 'c', name: 'C' });
    const p1 = await auth.listRegistrars(ADMIN, { limit: 2 });
    expect(p1.items.map((r) => r._id)).toEqual(['a', 'b']);
    const p2 = await auth.listRegistrars(ADMIN, { limit: 2, cursor: p1.next! });
    expect(p2).toMatchObject({ next: null });
    expect(p2.items.map((r) => r._id)).toEqual(['c']);
    // three tokens made in the same millisecond: ties in creation time are paged by id
    const made = [];
    for (const label of ['x', 'y', 'z']) made.push(await auth.createToken(A, A, { label }));
    const t1 = await auth.listTokens(A, 'a', { limit: 2 });
    const t2 = await auth.listTokens(A, 'a', { limit: 2, cursor: t1.next! });
    expect([...t1.items, ...t2.items].map((x) => x.id).sort()).toEqual(made.map((x) => x.id).sort());
    expect(t2.next).toBeNull();
    expect(await code(auth.listTokens(ADMIN, 'b', { cursor: t1.next! }))).toBe('bad-cursor');
    expect(await code(auth.listRegistrars(ADMIN, { cursor: t1.next! }))).toBe('bad-cursor');
  });
});
