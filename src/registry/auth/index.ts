// Registrars and their API tokens (docs/design.md, "Registry"): the admin creates registrars and
// tokens; a registrar may list and manage its own tokens. Tokens are verified on every request
// by one `get` of their hash, so a revoked token stops working at once.
import {
  type ApiToken,
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Registrar,
  type Store,
  systemClock,
} from '#core';
import { ServiceError } from './errors.ts';
import { checkAccess, type Principal, requireAdmin } from './principal.ts';
import { hashToken, newTokenSecret, sameToken } from './tokens.ts';

export type { FieldProblem, ServiceErrorCode } from './errors.ts';
export { ServiceError } from './errors.ts';
export type { Principal } from './principal.ts';
export { ADMIN, canAccess, checkAccess, isAdmin, ownerOf, requireAdmin, visibleTo } from './principal.ts';
export { hashToken, newTokenSecret, TOKEN_PREFIX } from './tokens.ts';

/** Registrar ids appear in URLs and journal sources: keep them short and plain. */
export const REGISTRAR_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** An authenticated caller: the principal plus which token it used (rate limits, logs). */
export type Authenticated = Principal & { tokenId: string };

export interface TokenInfo {
  id: string;
  role: ApiToken['role'];
  registrarId: string | null;
  label: string;
  createdAt: number;
}

export interface CreatedToken extends TokenInfo {
  /** The secret: shown once, never stored. */
  token: string;
}

export interface Page<T> {
  items: T[];
  /** The last `_id` of this page when more may follow. */
  next: string | null;
}

export interface AuthService {
  /** Resolves a bearer token to its principal; null for an unknown or malformed token. */
  authenticate(token: string): Promise<Authenticated | null>;
  createRegistrar(p: Principal, input: { id: string; name: string }): Promise<Registrar>;
  getRegistrar(p: Principal, id: string): Promise<Registrar>;
  listRegistrars(p: Principal, page: { after?: string | undefined; limit: number }): Promise<Page<Registrar>>;
  /** Admin tokens: admin only. Registrar tokens: the admin, or that registrar itself. */
  createToken(
    p: Principal,
    input: { role: 'admin' } | { role: 'registrar'; registrarId: string },
    label?: string,
  ): Promise<CreatedToken>;
  listTokens(p: Principal, registrarId: string): Promise<TokenInfo[]>;
  revokeToken(p: Principal, registrarId: string, tokenId: string): Promise<void>;
}

export interface AuthDeps {
  store: Store;
  clock?: Clock;
  /** The bootstrap admin token from CALLX_ADMIN_TOKEN, if set. */
  adminToken?: string | undefined;
}

/** The tokenId reported for the configured admin token. */
export const CONFIG_ADMIN_TOKEN_ID = 'config';
const MAX_TOKEN_LENGTH = 512;

const info = (t: ApiToken): TokenInfo => ({
  id: t._id,
  role: t.role,
  registrarId: t.registrarId,
  label: t.label,
  createdAt: t.createdAt,
});

export function createAuthService(deps: AuthDeps): AuthService {
  const clock = deps.clock ?? systemClock;
  const registrars = deps.store.collection<Registrar>(COLLECTIONS.registrars);
  const tokens = deps.store.collection<ApiToken>(COLLECTIONS.tokens);

  async function authenticate(token: string): Promise<Authenticated | null> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    if (deps.adminToken && sameToken(token, deps.adminToken))
      return { role: 'admin', tokenId: CONFIG_ADMIN_TOKEN_ID };
    const t = await tokens.get(hashToken(token));
    if (!t) return null;
    if (t.role === 'admin') return { role: 'admin', tokenId: t._id };
    if (!t.registrarId) return null;
    return { role: 'registrar', registrarId: t.registrarId, tokenId: t._id };
  }

  async function getRegistrar(p: Principal, id: string): Promise<Registrar> {
    checkAccess(p, id, `registrar ${id}`);
    const r = await registrars.get(id);
    if (!r) throw new ServiceError('not-found', `registrar ${id}: not found`);
    return r;
  }

  return {
    authenticate,
    getRegistrar,

    async createRegistrar(p, input) {
      requireAdmin(p, 'create registrar');
      if (!REGISTRAR_ID.test(input.id))
        throw new ServiceError('invalid', `registrar ${input.id}: ids are 1-63 of a-z 0-9 _ - `, [
          {
            pointer: '/id',
            detail: 'expected 1-63 characters a-z, 0-9, _ and -, starting with a letter or digit',
          },
        ]);
      const now = clock.now();
      const doc: Registrar = { _id: input.id, name: input.name, version: 1, createdAt: now, updatedAt: now };
      try {
        await registrars.insert(doc);
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new ServiceError('exists', `registrar ${input.id}: exists already`);
        throw err;
      }
      return doc;
    },

    async listRegistrars(p, page) {
      if (p.role === 'registrar') {
        const own = await registrars.get(p.registrarId);
        const items = own && (page.after === undefined || own._id > page.after) ? [own] : [];
        return { items, next: null };
      }
      const items = await registrars.find(page.after === undefined ? {} : { _id: { $gt: page.after } }, {
        sort: { _id: 1 },
        limit: page.limit + 1,
      });
      const more = items.length > page.limit;
      const shown = items.slice(0, page.limit);
      return { items: shown, next: more ? shown.at(-1)!._id : null };
    },

    async createToken(p, input, label = '') {
      if (input.role === 'admin') requireAdmin(p, 'create admin token');
      else await getRegistrar(p, input.registrarId);
      const token = newTokenSecret();
      const doc: ApiToken = {
        _id: hashToken(token),
        role: input.role,
        registrarId: input.role === 'admin' ? null : input.registrarId,
        label,
        createdAt: clock.now(),
      };
      await tokens.insert(doc);
      return { ...info(doc), token };
    },

    async listTokens(p, registrarId) {
      await getRegistrar(p, registrarId);
      const found = await tokens.find({ registrarId }, { sort: { createdAt: 1 } });
      return found.map(info);
    },

    async revokeToken(p, registrarId, tokenId) {
      await getRegistrar(p, registrarId);
      const gone = await tokens.findOneAndDelete({ _id: tokenId, registrarId });
      if (!gone) throw new ServiceError('not-found', `registrar ${registrarId}: token ${tokenId}: not found`);
    },
  };
}
