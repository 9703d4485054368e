// Members' SIP accounts as call authentication reads them: through a short cache, so that an
// authenticated INVITE costs no registry read (REGISTER reads the registry every time). A
// password change reaches every redirector within `ttlMs`. While the registry fails, what was
// last read keeps serving; an account never read then cannot be checked (the call gets 503).
import { LRUCache } from 'lru-cache';
import type { Clock } from '#core';
import type { DigestCredentials } from './digest-auth.ts';

/** A member's account with what classification needs (the caller's identity and policy scopes). */
export interface MemberAccount extends DigestCredentials {
  memberId: string;
  registrarId: string;
  country: string;
  /** Its PIN numbers, E.164. */
  numbers: string[];
  displayName: string | undefined;
}

export interface AccountSource {
  byUsername(username: string): Promise<MemberAccount | null>;
}

export interface CachedAccounts extends AccountSource {
  readonly size: number;
  purgeStale(): void;
}

export function cachedAccounts(
  source: AccountSource,
  opts: { ttlMs?: number; max?: number; clock: Clock },
): CachedAccounts {
  const ttlMs = opts.ttlMs ?? 10_000;
  type Entry = { account: MemberAccount | null; readAt: number };
  const cache = new LRUCache<string, Entry>({ max: opts.max ?? 50_000 });
  const reading = new Map<string, Promise<MemberAccount | null>>();
  return {
    byUsername(username) {
      const now = opts.clock.now();
      const hit = cache.get(username);
      if (hit && now - hit.readAt < ttlMs) return Promise.resolve(hit.account);
      const inflight = reading.get(username);
      if (inflight) return inflight;
      const p = source
        .byUsername(username)
        .then(
          (account) => {
            cache.set(username, { account, readAt: opts.clock.now() });
            return account;
          },
          (err: unknown) => {
            if (hit) return hit.account; // the registry fails: what was last read
            throw err;
          },
        )
        .finally(() => reading.delete(username));
      reading.set(username, p);
      return p;
    },
    get size() {
      return cache.size;
    },
    purgeStale() {
      const now = opts.clock.now();
      for (const [k, e] of cache.entries()) if (now - e.readAt >= ttlMs * 6) cache.delete(k);
    },
  };
}
