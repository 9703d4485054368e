// The registrar's stores on the registry's Collection API (any Store: embedded or MongoDB),
// the deployment's nonce secret, and the cached binding look-up the redirector uses on every call.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type Binding, COLLECTIONS, DuplicateKeyError, type Member, type Store } from '#core';
import { lookupSipAccount, memberIdentityKeys, registryTerminals } from '#registry';
import type { BindingSource } from '#resolve';
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
export function registryNonceSecret(store: Store): () => Promise<Buffer> {
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
      createdAt: Date.now(),
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

/**
 * Bindings for the redirector: cached briefly per identity (positive and negative), so a call
 * does not cost a database read. A REGISTER on this redirector drops its entries at once
 * (`invalidate`); other redirectors see new bindings within `ttlMs`.
 */
export function cachedBindingSource(
  store: BindingStore,
  opts: { ttlMs: number; max: number; now?: () => number },
): BindingSource & { invalidate(keys: string[]): void; readonly size: number; purgeStale(): void } {
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, { contact: string; q: number; expiresAt: number }[]>({
    max: opts.max,
    ttl: opts.ttlMs,
  });
  return {
    async lookup(key) {
      let hit = cache.get(key);
      if (!hit) {
        hit = (await store.forIdentity(key, now())).map((b) => ({
          contact: b.contact,
          q: b.q,
          expiresAt: b.expiresAt,
        }));
        cache.set(key, hit);
      }
      const t = now();
      return hit.filter((b) => b.expiresAt > t);
    },
    invalidate(keys) {
      for (const k of keys) cache.delete(k);
    },
    get size() {
      return cache.size;
    },
    purgeStale() {
      cache.purgeStale();
    },
  };
}
