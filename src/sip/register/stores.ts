// The registrar's stores on the registry's Collection API (any Store: embedded or MongoDB),
// the deployment's nonce secret, and the cached binding look-up the redirector uses on every call.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  type Binding,
  type Clock,
  COLLECTIONS,
  createLogLimiter,
  DuplicateKeyError,
  type Logger,
  type Member,
  type Store,
  systemClock,
} from '#core';
import { loadTrust, lookupSipAccount, memberIdentityKeys, registryTerminals } from '#registry';
import type { BindingSource } from '#resolve';
import type { AccountSource, MemberAccount } from '../trust/accounts.ts';
import type { TrustSource } from '../trust/data.ts';
import type { BindingStore, CredentialStore, SipAccount } from './registrar.ts';

/** Identity keys of a member now: PINs, VNS branches, domain, email, SIP username (#registry). */
export function memberIdentities(m: Member, realm: string): string[] {
  return memberIdentityKeys(m, realm);
}

/** Credentials through the registry's own look-up (the username's claim, then its member). */
export function registryCredentials(store: Store): CredentialStore {
  return {
    async byUsername(username, realm): Promise<SipAccount | null> {
      const rec = await lookupSipAccount(store, username, realm);
      if (!rec) return null;
      return {
        memberId: rec.memberId,
        username: rec.username,
        realm: rec.realm,
        ha1Md5: rec.ha1Md5,
        ha1Sha256: rec.ha1Sha256,
        identities: memberIdentities(rec.member, realm),
      };
    },
  };
}

/** Members' accounts as call authentication reads them (cached by the redirector: trust/accounts.ts). */
export function registryMemberAccounts(store: Store, realm: string): AccountSource {
  return {
    async byUsername(username): Promise<MemberAccount | null> {
      const rec = await lookupSipAccount(store, username, realm);
      if (!rec) return null;
      const m = rec.member;
      return {
        username: rec.username,
        ha1Md5: rec.ha1Md5,
        ha1Sha256: rec.ha1Sha256,
        memberId: rec.memberId,
        registrarId: rec.registrarId,
        country: m.country,
        numbers: m.numbers.flatMap((n) => (n.kind === 'pin' ? [n.e164] : [])),
        displayName: m.displayName,
      };
    },
  };
}

/** Trusted peers and call policies from the registry (its routing data and `policies`). */
export function registryTrustSource(store: Store): TrustSource {
  return { load: () => loadTrust(store) };
}

/**
 * Bindings in the registry. `forIdentity` finds the terminals of the member that holds an
 * identity now (registryTerminals): what a binding answers for is never a copy from REGISTER time.
 */
export function registryBindings(store: Store, realm = ''): BindingStore {
  const bindings = store.collection<Binding>(COLLECTIONS.bindings);
  const terminals = registryTerminals(store, realm);
  return {
    list: (memberId, aor, now) =>
      bindings.find({ memberId, aor, expiresAt: { $gt: now } }, { sort: { q: -1, expiresAt: -1 } }),
    async put(b) {
      await bindings.findOneAndReplace({ _id: b._id }, b).then(async (r) => {
        if (r === null) {
          try {
            await bindings.insert(b);
          } catch {
            // a concurrent REGISTER inserted it first: ours replaces it
            await bindings.findOneAndReplace({ _id: b._id }, b);
          }
        }
      });
    },
    async remove(id) {
      await bindings.findOneAndDelete({ _id: id });
    },
    forIdentity: (key, now) => terminals.forIdentity(key, now),
    sweep: (now) => bindings.deleteMany({ expiresAt: { $lte: now } }),
  };
}

interface SecretDoc {
  _id: string;
  /** base64 of 32 random octets */
  value: string;
  createdAt: number;
}

export const NONCE_SECRET_ID = 'sip-digest-nonce';

/**
 * The digest nonce secret every redirector of the deployment shares, so that a REGISTER
 * challenged by one can be answered to another. Created once in the registry by whichever
 * redirector needs it first (the unique `_id` settles a race), then read once per process.
 */
export function registryNonceSecret(store: Store, clock: Clock = systemClock): () => Promise<Buffer> {
  const secrets = store.collection<SecretDoc>(COLLECTIONS.secrets);
  const decode = (d: SecretDoc): Buffer => {
    const b = Buffer.from(d.value, 'base64');
    if (b.length < 16) throw new Error(`sip: register: secrets/${NONCE_SECRET_ID} is shorter than 16 octets`);
    return b;
  };
  return async () => {
    const found = await secrets.get(NONCE_SECRET_ID);
    if (found) return decode(found);
    const doc: SecretDoc = {
      _id: NONCE_SECRET_ID,
      value: randomBytes(32).toString('base64'),
      createdAt: clock.now(),
    };
    try {
      await secrets.insert(doc);
      return decode(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const winner = await secrets.get(NONCE_SECRET_ID); // another redirector created it first
      if (!winner) throw err;
      return decode(winner);
    }
  };
}

/** A registry call that did not answer in time (a store that is down or frozen). */
export class RegistryTimeoutError extends Error {
  override name = 'RegistryTimeoutError';
}

/** `p`, or a RegistryTimeoutError after `ms` (the call itself is left to finish or fail on its own). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RegistryTimeoutError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface BindingSourceOptions {
  /** How long what was read about an identity is trusted (ms). */
  ttlMs: number;
  /** Identities remembered. */
  max: number;
  /** Longest wait for the registry on a call (ms); past it the call goes on without it. */
  timeoutMs?: number;
  /** While the registry fails, it is asked again (by one call) at most this often (ms). */
  retryMs?: number;
  clock?: Clock;
  log?: Logger;
}

/** Whether calls reach the registry's bindings, or run on what was last read (degraded). */
export interface BindingHealth {
  degraded: boolean;
  /** Look-ups that failed or timed out since start. */
  failures: number;
}

/**
 * Bindings for the redirector: cached briefly per identity (positive and negative), so a call
 * does not cost a database read. A REGISTER on this redirector drops its entries at once
 * (`invalidate`); other redirectors see new bindings within `ttlMs`.
 *
 * The registry may be down or frozen: a look-up waits at most `timeoutMs`, then the call goes on
 * with the bindings last read for that identity (still filtered by their expiry) and DNS (the
 * center). Once a look-up has failed the redirector runs degraded: calls answer from what was
 * last read at once, and one call every `retryMs` asks the registry again, until it answers.
 */
export function cachedBindingSource(
  store: BindingStore,
  opts: BindingSourceOptions,
): BindingSource & {
  invalidate(keys: string[]): void;
  readonly size: number;
  purgeStale(): void;
  health(): BindingHealth;
} {
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? 300;
  const retryMs = opts.retryMs ?? 1000;
  const log = opts.log;
  const limiter = log ? createLogLimiter(log, { clock }) : undefined;
  type Entry = { bindings: { contact: string; q: number; expiresAt: number }[]; readAt: number };
  // no TTL: an entry past ttlMs is read again, but kept as the last known bindings meanwhile
  const cache = new LRUCache<string, Entry>({ max: opts.max });
  const health: BindingHealth = { degraded: false, failures: 0 };
  let nextTry = 0;
  let trying = false;
  const live = (e: Entry | undefined, t: number) => (e ? e.bindings.filter((b) => b.expiresAt > t) : []);

  return {
    async lookup(key) {
      const t = clock.now();
      const hit = cache.get(key);
      if (hit && t - hit.readAt < opts.ttlMs) return live(hit, t);
      if (health.degraded && (trying || t < nextTry)) return live(hit, t); // known down: no wait
      const probe = health.degraded; // the one call that asks a failing registry again
      if (probe) trying = true;
      try {
        const read = await withTimeout(store.forIdentity(key, t), timeoutMs, `bindings of ${key}`);
        const e: Entry = {
          bindings: read.map((b) => ({ contact: b.contact, q: b.q, expiresAt: b.expiresAt })),
          readAt: clock.now(),
        };
        cache.set(key, e);
        if (health.degraded) {
          health.degraded = false;
          log?.warn(
            { failures: health.failures },
            'sip: registry: bindings answer again, calls reach registered terminals',
          );
        }
        return live(e, clock.now());
      } catch (err) {
        health.failures++;
        nextTry = clock.now() + retryMs;
        if (!health.degraded) {
          health.degraded = true;
          log?.error(
            { err: (err as Error).message },
            `sip: registry: bindings of ${key} unavailable, routing from DNS and the bindings last read`,
          );
        } else {
          limiter?.log(
            'warn',
            'bindings',
            { err: (err as Error).message },
            'sip: registry: bindings still unavailable',
          );
        }
        return live(hit, clock.now());
      } finally {
        if (probe) trying = false;
      }
    },
    invalidate(keys) {
      for (const k of keys) cache.delete(k);
    },
    get size() {
      return cache.size;
    },
    purgeStale() {
      // what is too old to trust and holds no live binding is worth nothing, even in an outage
      const t = clock.now();
      for (const [k, e] of cache.entries())
        if (t - e.readAt >= opts.ttlMs && !e.bindings.some((b) => b.expiresAt > t)) cache.delete(k);
    },
    health: () => ({ ...health }),
  };
}
