// The ledger's document ids, its posting digest and the fold's conditional update: pure parts
// shared by the single posting (ledger.ts) and the batch (ledger-batch.ts).
import { createHash } from 'node:crypto';
import type { Account, Filter, LedgerEntry, Posting, Update } from '#core';

export const entryId = (accountId: string, seq: number): string =>
  `${accountId}:${String(seq).padStart(12, '0')}`;
export const intentId = (accountId: string, key: string): string => `${accountId}|${key}`;

/** A digest of what a posting does: the same key twice must mean the same posting. */
export function postingHash(p: Posting): string {
  const canonical = JSON.stringify([
    p.kind,
    p.amount,
    p.currency,
    p.memo ?? null,
    p.ref ?? null,
    p.release ? [p.release.lease, p.release.amount] : null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/**
 * Step 3's write: folds `run` — the entries right after the account's `seq`, contiguous — into
 * `balance` and `available`, releasing the leases they name, with one update conditional on
 * `seq` (so each entry is folded once, whoever folds) and on the released leases still being
 * there (a lease that expires meanwhile released its funds itself: then fold without it).
 */
export function foldWrite(
  a: Account,
  run: readonly LedgerEntry[],
  now: number,
): { filter: Filter; update: Update } {
  let delta = 0;
  const releases = new Map<string, number>();
  for (const e of run) {
    delta += e.amount ?? 0;
    if (e.release && a.leases[e.release.lease])
      releases.set(e.release.lease, (releases.get(e.release.lease) ?? 0) + e.release.amount);
  }
  const filter: Filter = { _id: a._id, seq: a.seq };
  const inc: Record<string, number> = {
    balance: delta,
    available: delta,
    pending: -run.length,
    version: 1,
  };
  for (const [id, amount] of releases) {
    const r = Math.min(amount, Math.max(0, a.leases[id]!.amount));
    if (r <= 0) continue;
    inc[`leases.${id}.amount`] = -r;
    inc.available! += r;
    filter[`leases.${id}.holder`] = { $exists: true };
  }
  return { filter, update: { $inc: inc, $set: { seq: run.at(-1)!.seq, updatedAt: now } } };
}
