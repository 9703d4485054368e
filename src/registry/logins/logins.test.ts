import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS, type Login, silentLogger, type WebSession } from '#core';
import { embeddedServices, REG_A, type Services } from '#test/helpers/sales';
import { ADMIN } from '../kernel/index.ts';
import { createLogins, type LoginsService } from './index.ts';
import { createOutbox } from './mail.ts';
import { hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { sha256hex } from './sessions.ts';

const PW = 'correct horse battery';

describe('registry: logins', () => {
  let s: Services & { close(): Promise<void> };
  let logins: LoginsService;
  let outbox: ReturnType<typeof createOutbox>;
  let memberId: string;
  beforeEach(async () => {
    s = await embeddedServices();
    outbox = createOutbox();
    logins = createLogins({
      store: s.store,
      logger: silentLogger,
      clock: s.clock,
      mailer: outbox,
      scryptLog2N: 4,
    });
    memberId = (
      await s.members.register(REG_A, {
        type: 'individual',
        displayName: 'K',
        email: 'k@example.com',
        country: 'KR',
      })
    ).id;
    await logins.createMemberLogin({ email: 'K@Example.com', password: PW, memberId, registrarId: 'reg-a' });
  });
  afterEach(() => s.close());

  it('keeps passwords as salted scrypt hashes only, and verifies them', async () => {
    const stored = (await s.store.collection<Login>(COLLECTIONS.logins).get('k@example.com'))!;
    expect(stored.passwordHash).toMatch(/^scrypt\$4\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(JSON.stringify(stored)).not.toContain(PW);
    expect(await verifyPassword(PW, stored.passwordHash)).toBe(true);
    expect(await verifyPassword(`${PW}!`, stored.passwordHash)).toBe(false);
    // the same password twice: two salts, two hashes
    expect(await hashPassword(PW, 4)).not.toBe(await hashPassword(PW, 4));
    expect(needsRehash(stored.passwordHash, 15)).toBe(true);
    expect(await verifyPassword(PW, 'md5$abc')).toBe(false);
  });

  it('makes a new session at every login and deletes the one it replaces: no session fixation', async () => {
    const first = await logins.loginMember({ email: 'k@example.com', password: PW, address: '192.0.2.1' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    // a session id planted before login (or the previous session) is never promoted
    const second = await logins.loginMember(
      { email: 'k@example.com', password: PW, address: '192.0.2.1' },
      first.sessionId,
    );
    if (!second.ok) throw new Error('login failed');
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await logins.principalOf(first.sessionId)).toBeNull();
    expect(await logins.principalOf(second.sessionId)).toMatchObject({
      kind: 'member',
      principal: { role: 'member', memberId },
    });
    // the store holds the id's hash, never the id
    const docs = await s.store.collection<WebSession>(COLLECTIONS.sessions).find({});
    expect(docs.map((d) => d._id)).toEqual([sha256hex(second.sessionId)]);
  });

  it('ends idle and old sessions', async () => {
    const r = await logins.loginMember({ email: 'k@example.com', password: PW, address: 'x' });
    if (!r.ok) throw new Error('login failed');
    s.clock.advance(2 * 3_600_000);
    expect(await logins.principalOf(r.sessionId)).toBeNull();
  });

  it('throttles logins: five failures for one login refuse even the right password until the window ends', async () => {
    for (let i = 0; i < 5; i++)
      expect(
        await logins.loginMember({ email: 'k@example.com', password: 'wrong one!', address: '192.0.2.9' }),
      ).toEqual({ ok: false, reason: 'invalid' });
    const blocked = await logins.loginMember({ email: 'k@example.com', password: PW, address: '192.0.2.9' });
    expect(blocked).toMatchObject({ ok: false, reason: 'throttled' });
    expect((blocked as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // unknown addresses count too (nobody learns which logins exist)
    s.clock.advance(15 * 60_000);
    expect(
      (await logins.loginMember({ email: 'k@example.com', password: PW, address: '192.0.2.9' })).ok,
    ).toBe(true);
  });

  it('resets a password with a mailed token once, before it expires, and ends every session', async () => {
    const session = await logins.loginMember({ email: 'k@example.com', password: PW, address: 'x' });
    if (!session.ok) throw new Error('login failed');
    await logins.requestReset('member', 'nobody@example.com', (t) => `https://x/reset/${t}`);
    expect(outbox.messages).toEqual([]);
    await logins.requestReset('member', 'k@example.com', (t) => `https://x/reset/${t}`);
    expect(outbox.messages).toHaveLength(1);
    const token = outbox.messages[0]!.text.match(/reset\/([\w-]{43})/)![1]!;
    expect(await logins.completeReset(token, 'a brand new password')).toEqual({ ok: true });
    expect(await logins.completeReset(token, 'another new password')).toEqual({ ok: false, reason: 'used' });
    expect(await logins.principalOf(session.sessionId)).toBeNull();
    expect(
      (await logins.loginMember({ email: 'k@example.com', password: 'a brand new password', address: 'x' }))
        .ok,
    ).toBe(true);
    await logins.requestReset('member', 'k@example.com', (t) => `https://x/reset/${t}`);
    const late = outbox.messages[1]!.text.match(/reset\/([\w-]{43})/)![1]!;
    s.clock.advance(3_600_000);
    expect(await logins.completeReset(late, 'too late password')).toEqual({ ok: false, reason: 'expired' });
  });

  it('gives one address one login', async () => {
    const other = (
      await s.members.register(REG_A, {
        type: 'individual',
        displayName: 'L',
        email: 'l@example.com',
        country: 'KR',
      })
    ).id;
    await expect(
      logins.createMemberLogin({
        email: 'k@example.com',
        password: PW,
        memberId: other,
        registrarId: 'reg-a',
      }),
    ).rejects.toMatchObject({ code: 'email-taken' });
  });

  it('lets staff log in with their role; a disabled user is out at once', async () => {
    await logins.createStaff(ADMIN, {
      registrarId: 'reg-a',
      email: 'help@a.example',
      name: 'Help',
      role: 'support',
      password: PW,
    });
    const r = await logins.loginStaff({ email: 'help@a.example', password: PW, address: 'x' });
    if (!r.ok) throw new Error('login failed');
    expect(r.principal).toEqual({
      role: 'staff',
      registrarId: 'reg-a',
      userId: 'help@a.example',
      staffRole: 'support',
    });
    // a support user may not manage staff; the registrar's admin may
    await expect(
      logins.createStaff(r.principal, { email: 'x@a.example', name: 'X', role: 'admin', password: PW }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await logins.updateStaff(REG_A, { email: 'help@a.example', disabled: true });
    expect(await logins.principalOf(r.sessionId)).toBeNull();
    expect(await logins.loginStaff({ email: 'help@a.example', password: PW, address: 'x' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // another registrar's staff user is not found
    await expect(
      logins.updateStaff(
        { role: 'registrar', registrarId: 'reg-b' },
        { email: 'help@a.example', disabled: false },
      ),
    ).rejects.toMatchObject({ code: 'not-found' });
  });
});
