// Web sessions, kept in the registry so every API process shares them. The cookie holds a
// random 256-bit id; the store holds only its SHA-256, so a copy of the database opens no
// session. A login always makes a new session (the id a visitor had before is never promoted:
// no session fixation) and deletes the one it replaces. Sessions end when idle for `idleMs`
// or `maxMs` after login; a password reset ends all of a subject's sessions.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock, COLLECTIONS, type Store, type WebSession } from '#core';
import { deploymentSecret } from './secret.ts';

export interface SessionLimits {
  /** Idle time after which a session ends (default 2 hours). */
  idleMs: number;
  /** Longest life of a session (default 12 hours). */
  maxMs: number;
}

export const DEFAULT_SESSION: SessionLimits = { idleMs: 2 * 3_600_000, maxMs: 12 * 3_600_000 };
/** lastSeenAt is written at most this often (a read per request, a write per 5 minutes). */
const TOUCH_EVERY_MS = 5 * 60_000;

export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** 256 random bits, base64url: session ids, visitor ids, reset tokens. */
export const newSecretId = (): string => randomBytes(32).toString('base64url');

const SECRET_ID = /^[A-Za-z0-9_-]{43}$/;
export const isSecretId = (s: string | undefined): s is string => s !== undefined && SECRET_ID.test(s);

export type NewSession = Pick<WebSession, 'kind' | 'subject' | 'registrarId' | 'memberId' | 'language'>;

export interface Sessions {
  /** A new session; `replacing` (the visitor's current session id, if any) is deleted. */
  create(s: NewSession, replacing?: string): Promise<{ id: string; session: WebSession }>;
  /** The live session of a cookie value, or null (unknown, expired, malformed). */
  read(id: string | undefined): Promise<WebSession | null>;
  setLanguage(id: string, language: string): Promise<void>;
  destroy(id: string | undefined): Promise<void>;
  /** Ends every session of a login or staff user (password reset, disabled user). */
  destroyAll(subject: string): Promise<number>;
  /** CSRF token bound to a session or visitor id: HMAC with the deployment's web secret. */
  csrfToken(binding: string): Promise<string>;
  checkCsrf(binding: string, token: string | undefined): Promise<boolean>;
  sweep(): Promise<number>;
}

export function createSessions(
  store: Store,
  clock: Clock,
  limits: SessionLimits = DEFAULT_SESSION,
): Sessions {
  const coll = store.collection<WebSession>(COLLECTIONS.sessions);
  const secret = deploymentSecret(store, 'web-csrf', clock);
  const csrf = async (binding: string) =>
    createHmac('sha256', await secret())
      .update(`csrf:${binding}`)
      .digest('base64url');
  return {
    async create(s, replacing) {
      if (isSecretId(replacing)) await coll.findOneAndDelete({ _id: sha256hex(replacing) });
      const id = newSecretId();
      const now = clock.now();
      const session: WebSession = {
        _id: sha256hex(id),
        kind: s.kind,
        subject: s.subject,
        registrarId: s.registrarId,
        ...(s.memberId !== undefined ? { memberId: s.memberId } : {}),
        ...(s.language !== undefined ? { language: s.language } : {}),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + limits.maxMs,
      };
      await coll.insert(session);
      return { id, session };
    },
    async read(id) {
      if (!isSecretId(id)) return null;
      const s = await coll.get(sha256hex(id));
      if (!s) return null;
      const now = clock.now();
      if (now >= s.expiresAt || now - s.lastSeenAt >= limits.idleMs) {
        await coll.findOneAndDelete({ _id: s._id });
        return null;
      }
      if (now - s.lastSeenAt >= TOUCH_EVERY_MS)
        await coll.findOneAndUpdate({ _id: s._id }, { $set: { lastSeenAt: now } });
      return s;
    },
    async setLanguage(id, language) {
      if (isSecretId(id)) await coll.findOneAndUpdate({ _id: sha256hex(id) }, { $set: { language } });
    },
    async destroy(id) {
      if (isSecretId(id)) await coll.findOneAndDelete({ _id: sha256hex(id) });
    },
    destroyAll: (subject) => coll.deleteMany({ subject }),
    csrfToken: csrf,
    async checkCsrf(binding, token) {
      if (token === undefined || token.length > 100) return false;
      const want = Buffer.from(await csrf(binding));
      const got = Buffer.from(token);
      return got.length === want.length && timingSafeEqual(got, want);
    },
    sweep: () =>
      coll.deleteMany({
        $or: [{ expiresAt: { $lte: clock.now() } }, { lastSeenAt: { $lte: clock.now() - limits.idleMs } }],
      }),
  };
}
