// The registrar's stores on the registry's Collection API (any Store: embedded or MongoDB),
// and the cached binding look-up the redirector uses on every call.
import { LRUCache } from 'lru-cache';
import { lookupSipAccount } from '../../registry/members/index.ts';
import { type Binding, COLLECTIONS, type Member } from '../../registry/model.ts';
import type { Store } from '../../registry/store.ts';
import type { BindingSource } from '../resolve/resolver.ts';
import type { BindingStore, CredentialStore, SipAccount } from './registrar.ts';

/** Identity keys of a member: its PIN numbers, its email, its SIP username. */
export function memberIdentities(m: Member, realm: string): string[] {
  const out: string[] = [];
  for (const n of m.numbers) if (n.kind === 'pin') out.push(`tel:${n.e164}`);
  if (m.email) out.push(`email:${m.email.toLowerCase()}`);
  if (m.sip) out.push(`sip:${m.sip.username}@${realm.toLowerCase()}`);
  return out;
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

export function registryBindings(store: Store): BindingStore {
  const bindings = store.collection<Binding>(COLLECTIONS.bindings);
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
    forIdentity: (key, now) =>
      bindings.find({ identities: key, expiresAt: { $gt: now } }, { sort: { q: -1, expiresAt: -1 } }),
    sweep: (now) => bindings.deleteMany({ expiresAt: { $lte: now } }),
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
): BindingSource & { invalidate(keys: string[]): void } {
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
  };
}
