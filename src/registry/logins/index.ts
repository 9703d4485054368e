// Who logs in to the web (docs/web.md): members (a login per member: email and password) and
// registrars' staff users (email, password, role), their sessions, login throttling, and
// password reset by mailed, single-use, expiring tokens. Passwords are scrypt hashes only.
import { z } from 'zod';
import {
  type ApiToken,
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Logger,
  type Login,
  type Member,
  type ResetToken,
  type StaffUser,
  type Store,
  systemClock,
} from '#core';
import {
  type AdminPrincipal,
  actingRegistrar,
  DocId,
  type MemberPrincipal,
  Name,
  type Page,
  type Principal,
  page,
  pageFields,
  parseInput,
  RegistrarId,
  RegistryError,
  requireCapability,
  STAFF_ROLES,
  type StaffPrincipal,
  viaNumbering,
  visible,
} from '../kernel/index.ts';
import { readEmail } from '../members/fields.ts';
import type { Mailer } from './mail.ts';
import { DEFAULT_SCRYPT_LOG2N, hashPassword, needsRehash, Password, verifyPassword } from './passwords.ts';
import { createSessions, newSecretId, type SessionLimits, type Sessions, sha256hex } from './sessions.ts';
import { createThrottler, type ThrottleKeys, type ThrottleLimits, type Throttler } from './throttle.ts';

export { createLogMailer, createOutbox, type Mailer, type MailMessage, type Outbox } from './mail.ts';
export { hashPassword, MIN_PASSWORD, Password, verifyPassword } from './passwords.ts';
export { deploymentSecret } from './secret.ts';
export { isSecretId, newSecretId, type Sessions, sha256hex } from './sessions.ts';
export type { ThrottleLimits } from './throttle.ts';

export const LoginEmail = viaNumbering(readEmail, 320);

export const StaffInput = z
  .object({
    registrarId: RegistrarId.optional(),
    email: LoginEmail,
    name: Name,
    role: z.enum(STAFF_ROLES),
    password: Password,
  })
  .strict();
export type StaffInput = z.input<typeof StaffInput>;

export const StaffChange = z
  .object({
    email: LoginEmail,
    role: z.enum(STAFF_ROLES).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type StaffChange = z.input<typeof StaffChange>;

export interface StaffView {
  email: string;
  registrarId: string;
  name: string;
  role: StaffUser['role'];
  disabled: boolean;
  createdAt: number;
}

const staffView = (u: StaffUser): StaffView => ({
  email: u._id,
  registrarId: u.registrarId,
  name: u.name,
  role: u.role,
  disabled: u.disabled === true,
  createdAt: u.createdAt,
});

/** The outcome of a login attempt: refusals are results (the page says why), not errors. */
export type LoginResult<P> =
  | { ok: true; principal: P; sessionId: string; language?: string }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs?: number };

export type ResetResult = { ok: true } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export interface LoginsDeps {
  store: Store;
  logger: Logger;
  mailer: Mailer;
  clock?: Clock;
  /** scrypt cost (log2 N); tests use a low one. */
  scryptLog2N?: number;
  session?: SessionLimits;
  throttle?: ThrottleLimits;
  /** How long a reset link works (default 1 hour). */
  resetTtlMs?: number;
  /** A login whose member does not exist may be taken over after this long (a crashed sign-up). */
  claimGraceMs?: number;
}

export type LoginsService = ReturnType<typeof createLogins>;

export function createLogins(deps: LoginsDeps) {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'logins' });
  const log2n = deps.scryptLog2N ?? DEFAULT_SCRYPT_LOG2N;
  const logins = deps.store.collection<Login>(COLLECTIONS.logins);
  const staff = deps.store.collection<StaffUser>(COLLECTIONS.staff);
  const members = deps.store.collection<Member>(COLLECTIONS.members);
  const resets = deps.store.collection<ResetToken>(COLLECTIONS.resetTokens);
  const tokens = deps.store.collection<ApiToken>(COLLECTIONS.tokens);
  const sessions: Sessions = createSessions(deps.store, clock, deps.session);
  const throttler: Throttler = createThrottler(deps.store, clock, deps.throttle);
  const resetTtl = deps.resetTtlMs ?? 3_600_000;
  const grace = deps.claimGraceMs ?? 60_000;
  // verifying against this when nobody has the name keeps the time of a refusal the same
  const dummy = hashPassword('not a password of anybody', log2n);

  async function attempt<D extends { passwordHash: string }, P>(
    keys: ThrottleKeys,
    doc: D | null,
    password: string,
    usable: (d: D) => Promise<P | null>,
  ): Promise<
    { ok: true; doc: D; principal: P } | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs?: number }
  > {
    const wait = await throttler.blockedFor(keys);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
    const good = await verifyPassword(password, doc?.passwordHash ?? (await dummy));
    const principal = good && doc ? await usable(doc) : null;
    if (!doc || !principal) {
      await throttler.fail(keys);
      return { ok: false, reason: 'invalid' };
    }
    await throttler.succeed(keys);
    return { ok: true, doc, principal };
  }

  const emailOf = (text: string): string | null => {
    try {
      return readEmail(text);
    } catch {
      return null;
    }
  };

  async function rehash<T extends Login | StaffUser>(
    coll: typeof logins | typeof staff,
    d: T,
    password: string,
  ) {
    if (!needsRehash(d.passwordHash, log2n)) return;
    const passwordHash = await hashPassword(password, log2n);
    await (coll as typeof logins).findOneAndUpdate(
      { _id: d._id, passwordHash: d.passwordHash },
      { $set: { passwordHash } },
    );
  }

  return {
    sessions,
    throttler,

    /**
     * Creates the login of a member just registered (sign-up) or of an existing member: the
     * email is claimed by the login's `_id`; a login left by a sign-up that crashed before its
     * member existed is taken over after the grace period.
     */
    async createMemberLogin(input: {
      email: string;
      password: string;
      memberId: string;
      registrarId: string;
    }) {
      const where = 'registry: logins: create';
      const v = parseInput(
        z
          .object({ email: LoginEmail, password: Password, memberId: DocId, registrarId: RegistrarId })
          .strict(),
        input,
        where,
      );
      const now = clock.now();
      const doc: Login = {
        _id: v.email,
        memberId: v.memberId,
        registrarId: v.registrarId,
        passwordHash: await hashPassword(v.password, log2n),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await logins.insert(doc);
        return;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const old = await logins.get(v.email);
      const stale = old && old.createdAt < now - grace && !(await members.get(old.memberId));
      if (
        old &&
        stale &&
        (await logins.findOneAndReplace({ _id: old._id, memberId: old.memberId, version: old.version }, doc))
      )
        return;
      throw new RegistryError('email-taken', `${where}: ${v.email}: another login has this address`, {
        issues: [{ path: 'email', pointer: '/email', message: 'another login has this address' }],
      });
    },

    /** True when a login has this address (sign-up checks before it registers the member). */
    async loginExists(email: string): Promise<boolean> {
      const e = emailOf(email);
      return e !== null && (await logins.get(e)) !== null;
    },

    async deleteMemberLogin(memberId: string): Promise<number> {
      return logins.deleteMany({ memberId });
    },

    async loginMember(
      input: { email: string; password: string; address: string },
      replacing?: string,
    ): Promise<LoginResult<MemberPrincipal>> {
      const email = emailOf(input.email) ?? input.email.trim().toLowerCase().slice(0, 320);
      const doc = emailOf(input.email) ? await logins.get(email) : null;
      const r = await attempt(
        { login: `member:${email}`, address: input.address },
        doc,
        input.password,
        async (d) => {
          const m = await members.get(d.memberId);
          if (!m || m.deleting || m.registrarId !== d.registrarId) return null;
          return {
            principal: { role: 'member', registrarId: d.registrarId, memberId: d.memberId } as const,
            m,
          };
        },
      );
      if (!r.ok) return r;
      await rehash(logins, r.doc, input.password);
      const language = r.principal.m.personal?.language;
      const { id } = await sessions.create(
        {
          kind: 'member',
          subject: r.doc._id,
          registrarId: r.doc.registrarId,
          memberId: r.doc.memberId,
          ...(language ? { language } : {}),
        },
        replacing,
      );
      log.info({ login: r.doc._id, memberId: r.doc.memberId }, 'logins: member logged in');
      return { ok: true, principal: r.principal.principal, sessionId: id, ...(language ? { language } : {}) };
    },

    async loginStaff(
      input: { email: string; password: string; address: string },
      replacing?: string,
    ): Promise<LoginResult<StaffPrincipal>> {
      const email = emailOf(input.email) ?? input.email.trim().toLowerCase().slice(0, 320);
      const doc = emailOf(input.email) ? await staff.get(email) : null;
      const r = await attempt(
        { login: `staff:${email}`, address: input.address },
        doc,
        input.password,
        async (d) => (d.disabled ? null : staffPrincipal(d)),
      );
      if (!r.ok) return r;
      await rehash(staff, r.doc, input.password);
      const { id } = await sessions.create(
        {
          kind: 'staff',
          subject: r.doc._id,
          registrarId: r.doc.registrarId,
          ...(r.doc.language ? { language: r.doc.language } : {}),
        },
        replacing,
      );
      log.info({ staff: r.doc._id, registrarId: r.doc.registrarId }, 'logins: staff logged in');
      return {
        ok: true,
        principal: r.principal,
        sessionId: id,
        ...(r.doc.language ? { language: r.doc.language } : {}),
      };
    },

    /**
     * The operator logs in to the console with an admin API token (`authenticate` is the auth
     * service's); throttled like a password.
     */
    async loginOperator(
      input: { token: string; address: string },
      authenticate: (token: string) => Promise<{ principal: Principal; tokenId: string } | null>,
      replacing?: string,
    ): Promise<LoginResult<AdminPrincipal>> {
      const keys = { login: 'operator', address: input.address };
      const wait = await throttler.blockedFor(keys);
      if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
      const a = input.token.length <= 512 ? await authenticate(input.token.trim()) : null;
      if (a?.principal.role !== 'admin') {
        await throttler.fail(keys);
        return { ok: false, reason: 'invalid' };
      }
      const { id } = await sessions.create(
        { kind: 'operator', subject: a.tokenId, registrarId: '' },
        replacing,
      );
      log.info({ tokenId: a.tokenId }, 'logins: operator logged in');
      return { ok: true, principal: { role: 'admin' }, sessionId: id };
    },

    /**
     * The principal of a session cookie: a member (whose member still exists) or a staff user
     * (read again on every request, so a role change or disabling takes effect at once).
     */
    async principalOf(sessionId: string | undefined): Promise<
      | { kind: 'member'; principal: MemberPrincipal; language?: string; sessionId: string }
      | {
          kind: 'staff';
          principal: StaffPrincipal | AdminPrincipal;
          name: string;
          language?: string;
          sessionId: string;
        }
      | null
    > {
      const s = await sessions.read(sessionId);
      if (!s || sessionId === undefined) return null;
      const lang = s.language ? { language: s.language } : {};
      if (s.kind === 'member' && s.memberId) {
        const login = await logins.get(s.subject);
        if (!login || login.memberId !== s.memberId) return null;
        return {
          kind: 'member',
          principal: { role: 'member', registrarId: s.registrarId, memberId: s.memberId },
          sessionId,
          ...lang,
        };
      }
      if (s.kind === 'staff') {
        const u = await staff.get(s.subject);
        if (!u || u.disabled || u.registrarId !== s.registrarId) return null;
        return { kind: 'staff', principal: staffPrincipal(u), name: u.name, sessionId, ...lang };
      }
      if (s.kind === 'operator') {
        // a revoked admin token ends the operator's sessions made with it
        if (s.subject !== 'config' && (await tokens.get(s.subject))?.role !== 'admin') return null;
        return { kind: 'staff', principal: { role: 'admin' }, name: 'operator', sessionId, ...lang };
      }
      return null;
    },

    async logout(sessionId: string | undefined): Promise<void> {
      await sessions.destroy(sessionId);
    },

    /**
     * Mails a reset link when a login (or staff user) has this address; says nothing either way
     * (the page shows the same words), so addresses cannot be probed.
     */
    async requestReset(
      kind: 'member' | 'staff',
      emailText: string,
      link: (token: string) => string,
    ): Promise<void> {
      const email = emailOf(emailText);
      if (!email) return;
      const exists = kind === 'member' ? await logins.get(email) : await staff.get(email);
      if (!exists || ('disabled' in exists && exists.disabled)) return;
      const token = newSecretId();
      const now = clock.now();
      await resets.insert({
        _id: sha256hex(token),
        kind,
        subject: email,
        createdAt: now,
        expiresAt: now + resetTtl,
      });
      await deps.mailer.send({
        to: email,
        subject: 'callx: reset your password',
        text: `Open this link within ${Math.round(resetTtl / 60_000)} minutes to choose a new password:\n${link(token)}\n\nIf you did not ask for it, ignore this message.`,
      });
    },

    /** Whether a reset token can still be used (the form is shown only then). */
    async checkReset(token: string): Promise<ResetResult> {
      const t = /^[A-Za-z0-9_-]{43}$/.test(token) ? await resets.get(sha256hex(token)) : null;
      if (!t) return { ok: false, reason: 'invalid' };
      if (t.usedAt !== undefined) return { ok: false, reason: 'used' };
      if (t.expiresAt <= clock.now()) return { ok: false, reason: 'expired' };
      return { ok: true };
    },

    /** Sets the new password with a token once (single use, expiring) and ends every session of the login. */
    async completeReset(token: string, password: string): Promise<ResetResult> {
      const v = parseInput(
        z.object({ password: Password }).strict(),
        { password },
        'registry: logins: reset',
      );
      const checked = await this.checkReset(token);
      if (!checked.ok) return checked;
      const now = clock.now();
      const t = await resets.findOneAndUpdate(
        { _id: sha256hex(token), usedAt: { $exists: false }, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
      );
      if (!t) return { ok: false, reason: 'used' };
      const passwordHash = await hashPassword(v.password, log2n);
      const coll = t.kind === 'member' ? logins : staff;
      await (coll as typeof logins).findOneAndUpdate(
        { _id: t.subject },
        { $set: { passwordHash, updatedAt: now }, $inc: { version: 1 } },
      );
      await sessions.destroyAll(t.subject);
      await throttler.succeed({ login: `${t.kind}:${t.subject}`, address: '' });
      log.info({ kind: t.kind, subject: t.subject }, 'logins: password reset');
      return { ok: true };
    },

    /** Changes a logged-in member's password (the current one is asked again). */
    async changeMemberPassword(p: MemberPrincipal, current: string, next: string): Promise<boolean> {
      const v = parseInput(
        z.object({ password: Password }).strict(),
        { password: next },
        'registry: logins: password',
      );
      const login = await logins.findOne({ memberId: p.memberId });
      if (!login || !(await verifyPassword(current, login.passwordHash))) return false;
      await logins.findOneAndUpdate(
        { _id: login._id },
        {
          $set: { passwordHash: await hashPassword(v.password, log2n), updatedAt: clock.now() },
          $inc: { version: 1 },
        },
      );
      return true;
    },

    async memberLoginEmail(p: MemberPrincipal): Promise<string | null> {
      return (await logins.findOne({ memberId: p.memberId }))?._id ?? null;
    },

    // --- staff users --------------------------------------------------------------------------

    /** A staff user of a registrar: the operator, the registrar's API token, or its staff admin. */
    async createStaff(p: Principal, input: StaffInput): Promise<StaffView> {
      const where = 'registry: staff: create';
      requireCapability(p, 'staff', where);
      const v = parseInput(StaffInput, input, where);
      const registrarId = actingRegistrar(p, v.registrarId, where);
      const now = clock.now();
      const doc: StaffUser = {
        _id: v.email,
        registrarId,
        role: v.role,
        name: v.name,
        passwordHash: await hashPassword(v.password, log2n),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await staff.insert(doc);
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new RegistryError(
            'email-taken',
            `${where}: ${v.email}: another staff user has this address`,
            {
              issues: [{ path: 'email', pointer: '/email', message: 'another staff user has this address' }],
            },
          );
        throw err;
      }
      return staffView(doc);
    },

    async listStaff(
      p: Principal,
      input: { registrarId?: string; cursor?: string; limit?: number } = {},
    ): Promise<Page<StaffView>> {
      const where = 'registry: staff: list';
      requireCapability(p, 'staff', where);
      const v = parseInput(
        z.object({ registrarId: RegistrarId.optional(), ...pageFields }).strict(),
        input,
        where,
      );
      const registrarId = p.role === 'admin' ? v.registrarId : actingRegistrar(p, v.registrarId, where);
      return page(
        staff,
        registrarId === undefined ? {} : { registrarId },
        v,
        { list: 'staff', query: { registrarId } },
        staffView,
      );
    },

    async updateStaff(p: Principal, input: StaffChange): Promise<StaffView> {
      const where = 'registry: staff: change';
      requireCapability(p, 'staff', where);
      const v = parseInput(StaffChange, input, where);
      const u = visible(p, await staff.get(v.email), `${where}: ${v.email}`);
      if (p.role === 'staff' && p.userId === u._id && (v.disabled === true || (v.role && v.role !== 'admin')))
        throw new RegistryError('forbidden', `${where}: ${v.email}: you may not lock yourself out`);
      const set: Record<string, unknown> = { updatedAt: clock.now() };
      if (v.role) set.role = v.role;
      const updated = await staff.findOneAndUpdate(
        { _id: u._id },
        v.disabled === true
          ? { $set: { ...set, disabled: true }, $inc: { version: 1 } }
          : v.disabled === false
            ? { $set: set, $unset: { disabled: '' }, $inc: { version: 1 } }
            : { $set: set, $inc: { version: 1 } },
      );
      if (v.disabled) await sessions.destroyAll(u._id);
      return staffView(updated ?? u);
    },

    async setStaffLanguage(p: StaffPrincipal, language: string): Promise<void> {
      await staff.findOneAndUpdate({ _id: p.userId }, { $set: { language } });
    },

    /** Deletes ended sessions, throttle windows and reset tokens. */
    async sweep(): Promise<void> {
      await sessions.sweep();
      await throttler.sweep();
      await resets.deleteMany({ expiresAt: { $lte: clock.now() - 24 * 3_600_000 } });
    },
  };
}

function staffPrincipal(u: StaffUser): StaffPrincipal {
  return { role: 'staff', registrarId: u.registrarId, userId: u._id, staffRole: u.role };
}
