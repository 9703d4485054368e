// Unique values across members — email addresses, company domains, SIP usernames — claimed by
// documents claims/<kind>:<value> whose `_id` makes two owners impossible (docs/sales.md,
// "Claims"). A claim is taken (inserted, unbound) before the member document is written and
// bound after, so a claim left behind by a crash can be told from a registration in progress:
// - bound, and its owner no longer exists or no longer holds the value: stale;
// - unbound and older than the grace period, and its owner does not hold the value: stale.
// A stale claim is taken over by a conditional update that names the old owner and state, so of
// two takers one wins, and an owner that re-claims or binds meanwhile makes the taker lose.
import type { Claim, Member } from '#core';
import { DuplicateKeyError } from '#core';
import { RegistryError } from '../kernel/index.ts';
import type { ServiceContext } from '../sales/context.ts';

export type ClaimKind = 'email' | 'domain' | 'sip';

export const claimKey = (kind: ClaimKind, value: string): string => `${kind}:${value}`;

/** Does the member hold the value the claim names? */
export function holdsClaim(m: Member, key: string): boolean {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const value = key.slice(at + 1);
  if (kind === 'email') return m.email === value;
  if (kind === 'domain') return m.domain === value;
  if (kind === 'sip') return m.sip?.username === value;
  return false;
}

const TAKEN_CODE = { email: 'email-taken', domain: 'domain-taken', sip: 'username-taken' } as const;

export function takenError(key: string): RegistryError {
  const kind = key.slice(0, key.indexOf(':')) as ClaimKind;
  const what = kind === 'sip' ? 'SIP username' : kind === 'email' ? 'email address' : 'domain name';
  return new RegistryError(
    TAKEN_CODE[kind],
    `registry: members: ${what} ${key.slice(kind.length + 1)} belongs to another member`,
  );
}

/**
 * Claims `key` for `ownerId` (unbound), taking over a stale claim. Claiming again a key one
 * already owns refreshes it. Throws <kind>-taken when another member holds it or is registering it.
 */
export async function claim(
  ctx: ServiceContext,
  key: string,
  ownerId: string,
  graceMs: number,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = ctx.clock.now();
    try {
      await ctx.claims.insert({ _id: key, ownerId, createdAt: now });
      return;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const c = await ctx.claims.get(key);
    if (!c) continue; // released meanwhile: insert again
    if (c.ownerId === ownerId) {
      // Ours already: back to unbound and fresh, so no one takes it over while we write.
      const refreshed = await ctx.claims.findOneAndUpdate(
        { _id: key, ownerId },
        { $set: { createdAt: now }, $unset: { bound: '' } },
      );
      if (refreshed) return;
      continue;
    }
    const owner = await ctx.members.get(c.ownerId);
    if (owner && holdsClaim(owner, key)) throw takenError(key);
    if (!c.bound && c.createdAt > now - graceMs) throw takenError(key);
    const takenOver = await ctx.claims.findOneAndUpdate(
      { _id: key, ownerId: c.ownerId, createdAt: c.createdAt, bound: c.bound ? true : { $exists: false } },
      { $set: { ownerId, createdAt: now }, $unset: { bound: '' } },
    );
    if (takenOver) {
      ctx.log.warn({ key, staleOwner: c.ownerId, ownerId }, 'registry: members: took over a stale claim');
      return;
    }
  }
  throw takenError(key);
}

/** Marks the claim as held by its owner's document; false when it is no longer ours (taken over). */
export async function bind(ctx: ServiceContext, key: string, ownerId: string): Promise<boolean> {
  const c = await ctx.claims.findOneAndUpdate({ _id: key, ownerId }, { $set: { bound: true } });
  return c !== null;
}

/** Gives the claim up, if it is ours. */
export async function release(ctx: ServiceContext, key: string, ownerId: string): Promise<void> {
  await ctx.claims.findOneAndDelete({ _id: key, ownerId });
}

/** Claims several keys; on failure releases those it took and rethrows. */
export async function claimAll(
  ctx: ServiceContext,
  keys: string[],
  ownerId: string,
  graceMs: number,
): Promise<void> {
  const done: string[] = [];
  try {
    for (const k of keys) {
      await claim(ctx, k, ownerId, graceMs);
      done.push(k);
    }
  } catch (err) {
    for (const k of done) await release(ctx, k, ownerId);
    throw err;
  }
}

/** Binds several keys; returns the first that was lost, or null. */
export async function bindAll(ctx: ServiceContext, keys: string[], ownerId: string): Promise<string | null> {
  for (const k of keys) if (!(await bind(ctx, k, ownerId))) return k;
  return null;
}

export type { Claim };
