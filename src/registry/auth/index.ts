// Registrars and their API tokens (docs/design.md, "Registry"): the admin creates registrars and
// tokens; a registrar may list and manage its own tokens. Tokens are verified on every request
// by one `get` of their hash, so a revoked token stops working at once.
import { z } from 'zod';
import {
  type ApiToken,
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  type Registrar,
  type Store,
  systemClock,
} from '#core';
import {
  type AdminPrincipal,
  canAccess,
  Name,
  type Page,
  PageInput,
  type Principal,
  page,
  parseInput,
  RegistrarId,
  RegistryError,
  registrarOf,
  requireAdmin,
} from '../kernel/index.ts';
import { hashToken, newTokenSecret, sameToken } from './tokens.ts';

export { hashToken, newTokenSecret, TOKEN_PREFIX } from './tokens.ts';

export const RegistrarInput = z.object({ id: RegistrarId, name: Name }).strict();
export type RegistrarInput = z.input<typeof RegistrarInput>;

export const TokenInput = z
  .object({
    label: z
      .string()
      .max(200, { error: 'expected a label of at most 200 characters' })
      .default('')
      .describe('A note stored with the token: who or what uses it'),
  })
  .strict();
export type TokenInput = z.input<typeof TokenInput>;

/** The public id of a token: the hex SHA-256 of its secret. */
export const TokenId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'expected the 64 hex digits of a token id' });

/** An authenticated caller: the principal, and which token it used (rate limits, logs). */
export interface Authenticated {
  principal: Principal;
  tokenId: string;
}

export interface TokenInfo {
  id: string;
  role: ApiToken['role'];
  registrarId: string | null;
  /** A counterparty's token: its party key ('gateway:gw-kr'). */
  party?: string;
  label: string;
  createdAt: number;
}

export interface CreatedToken extends TokenInfo {
  /** The secret: shown once, never stored. */
  token: string;
}

/**
 * Whose token to make: an admin token (admin only), a registrar's (the admin, or that
 * registrar), or a counterparty's that posts CDRs (admin only; docs/billing.md).
 */
export type TokenTarget =
  | AdminPrincipal
  | { role: 'registrar'; registrarId: string }
  | { role: 'counterparty'; party: string };

export interface AuthService {
  /** Resolves a bearer token to its principal; null for an unknown or malformed token. */
  authenticate(token: string): Promise<Authenticated | null>;
  createRegistrar(p: Principal, input: RegistrarInput): Promise<Registrar>;
  getRegistrar(p: Principal, id: string): Promise<Registrar>;
  /** The admin: every registrar; a registrar: itself. In id order. */
  listRegistrars(p: Principal, input?: PageInput): Promise<Page<Registrar>>;
  createToken(p: Principal, target: TokenTarget, input?: TokenInput): Promise<CreatedToken>;
  /** A registrar's tokens (never the secrets), in creation order. */
  listTokens(p: Principal, registrarId: string, input?: PageInput): Promise<Page<TokenInfo>>;
  revokeToken(p: Principal, registrarId: string, tokenId: string): Promise<void>;
  /** A counterparty's tokens (the admin only), in creation order. */
  listPartyTokens(p: Principal, party: string, input?: PageInput): Promise<Page<TokenInfo>>;
  revokePartyToken(p: Principal, party: string, tokenId: string): Promise<void>;
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
  ...(t.party ? { party: t.party } : {}),
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
      return { principal: { role: 'admin' }, tokenId: CONFIG_ADMIN_TOKEN_ID };
    const t = await tokens.get(hashToken(token));
    if (!t) return null;
    if (t.role === 'admin') return { principal: { role: 'admin' }, tokenId: t._id };
    if (t.role === 'counterparty')
      return t.party ? { principal: { role: 'counterparty', party: t.party }, tokenId: t._id } : null;
    if (!t.registrarId) return null;
    return { principal: { role: 'registrar', registrarId: t.registrarId }, tokenId: t._id };
  }

  async function getRegistrar(p: Principal, id: string): Promise<Registrar> {
    const r = canAccess(p, id) ? await registrars.get(id) : null;
    if (!r) throw new RegistryError('not-found', `registry: registrar ${id}: not found`);
    return r;
  }

  return {
    authenticate,
    getRegistrar,

    async createRegistrar(p, input) {
      requireAdmin(p, 'registry: create registrar');
      const v = parseInput(RegistrarInput, input, 'registry: create registrar');
      const now = clock.now();
      const doc: Registrar = { _id: v.id, name: v.name, version: 1, createdAt: now, updatedAt: now };
      try {
        await registrars.insert(doc);
      } catch (err) {
        if (err instanceof DuplicateKeyError)
          throw new RegistryError('exists', `registry: registrar ${v.id}: exists already`);
        throw err;
      }
      return doc;
    },

    async listRegistrars(p, input = {}) {
      const v = parseInput(PageInput, input, 'registry: registrars');
      const mine = registrarOf(p);
      return page(registrars, mine === null ? {} : { _id: mine }, v, { list: 'registrars' }, (r) => r);
    },

    async createToken(p, target, input = {}) {
      const v = parseInput(TokenInput, input, 'registry: create token');
      if (target.role === 'admin') requireAdmin(p, 'registry: create admin token');
      else if (target.role === 'counterparty') requireAdmin(p, `registry: create token of ${target.party}`);
      else await getRegistrar(p, target.registrarId);
      const token = newTokenSecret();
      const doc: ApiToken = {
        _id: hashToken(token),
        role: target.role,
        registrarId: target.role === 'registrar' ? target.registrarId : null,
        ...(target.role === 'counterparty' ? { party: target.party } : {}),
        label: v.label,
        createdAt: clock.now(),
      };
      await tokens.insert(doc);
      return { ...info(doc), token };
    },

    async listTokens(p, registrarId, input = {}) {
      const v = parseInput(PageInput, input, `registry: registrar ${registrarId}: tokens`);
      await getRegistrar(p, registrarId);
      return page(
        tokens,
        { registrarId },
        v,
        { list: 'tokens', query: { registrarId }, key: 'createdAt', unique: false },
        info,
      );
    },

    async listPartyTokens(p, party, input = {}) {
      requireAdmin(p, `registry: tokens of ${party}`);
      const v = parseInput(PageInput, input, `registry: ${party}: tokens`);
      return page(
        tokens,
        { party },
        v,
        { list: 'party tokens', query: { party }, key: 'createdAt', unique: false },
        info,
      );
    },

    async revokePartyToken(p, party, tokenId) {
      requireAdmin(p, `registry: revoke a token of ${party}`);
      const gone = await tokens.findOneAndDelete({ _id: tokenId, role: 'counterparty', party });
      if (!gone) throw new RegistryError('not-found', `registry: ${party}: token ${tokenId}: not found`);
    },

    async revokeToken(p, registrarId, tokenId) {
      await getRegistrar(p, registrarId);
      const gone = await tokens.findOneAndDelete({ _id: tokenId, registrarId });
      if (!gone)
        throw new RegistryError(
          'not-found',
          `registry: registrar ${registrarId}: token ${tokenId}: not found`,
        );
    },
  };
}
