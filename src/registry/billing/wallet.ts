// The holder's side of credit leases (docs/billing.md, "Leases and holds"), as Diameter
// Credit-Control (RFC 4006) grants quota: a redirector leases a slice of an account's funds with
// one atomic store write, then holds each call's maximum cost against that slice locally —
// no store write per call. It renews the slice in the background before it runs out, and gives
// back what it did not use when the account goes quiet. The store never grants more than the
// account has, so any number of redirectors cannot together hold more than that.
import type { Clock } from '#core';
import type { Ledger } from './ledger.ts';

export interface WalletOptions {
  ledger: Pick<Ledger, 'acquire' | 'extend' | 'giveBack'>;
  /** Who holds the leases (a redirector's id): shown on the account. */
  holder: string;
  clock: Clock;
  /** How long calls may be authorized against a lease before it is renewed (ms, default 5 minutes). */
  authMs?: number;
  /** How long the funds of the last call authorized stay held: the longest call, set-up and a CDR's delay (ms). */
  holdMs: number;
  /**
   * Lease this many times what a call needs at first (default 4); each renewal of a busy
   * account's lease doubles it (up to 1,024), so a member calling often costs a store write per
   * many calls, and one calling rarely does not tie up its funds.
   */
  slices?: number;
  /** Give a lease back after this long without a call (ms, default 2 minutes). */
  idleMs?: number;
  /**
   * Ask for at least this fraction of the account's available funds (default 1/8): a rich
   * account's calls then need a store write per thousands of calls, a poor one's no more than
   * they need. Several holders of one account share it; what one does not use it gives back.
   */
  share?: number;
}

interface Local {
  id: string;
  granted: number;
  used: number;
  authUntil: number;
  lastUse: number;
  /** What a call needed last: the renewal target. */
  want: number;
  /** How many calls' worth the next renewal asks for. */
  slices: number;
}

const MAX_SLICES = 1024;

export interface Take {
  lease?: string;
  amount: number;
}

export type Wallet = ReturnType<typeof createWallet>;

export function createWallet(opts: WalletOptions) {
  const { ledger, clock, holder } = opts;
  const authMs = opts.authMs ?? 300_000;
  const slices = opts.slices ?? 4;
  const idleMs = opts.idleMs ?? 120_000;
  const share = opts.share ?? 1 / 8;
  const local = new Map<string, Local>();
  const inflight = new Map<string, Promise<void>>();
  /** What calls waiting for a renewal need together: one renewal serves them all. */
  const demand = new Map<string, number>();
  /**
   * Renewals so far, and the last one per account that got less than it asked for: calls
   * waiting for funds stop asking once a renewal made after they arrived came back short.
   */
  let renewals = 0;
  const dryAt = new Map<string, number>();

  const usable = (l: Local | undefined, now: number): l is Local => l !== undefined && l.authUntil > now;

  /** What this holder may still hold for the account, minor units. */
  function remaining(acct: string): number {
    const l = local.get(acct);
    return usable(l, clock.now()) ? l.granted - l.used : 0;
  }

  async function renew(acct: string, want: number, min: number): Promise<void> {
    const gen = ++renewals;
    const now = clock.now();
    const l = local.get(acct);
    const authUntil = now + authMs;
    const holdUntil = authUntil + opts.holdMs;
    const have = usable(l, now) ? l.granted - l.used : 0;
    const n = l?.slices ?? slices;
    const target = Math.max(want * n, demand.get(acct) ?? 0);
    if (l) {
      const more = Math.max(0, target - have);
      const g = await ledger.extend(acct, l.id, more, Math.max(0, min - have), authUntil, holdUntil, share);
      if (g) {
        if (g.lease.granted - l.granted < more) dryAt.set(acct, gen);
        else dryAt.delete(acct);
        l.granted = g.lease.granted;
        l.authUntil = g.lease.authUntil;
        l.want = want;
        l.slices = Math.min(l.slices * 2, MAX_SLICES);
        return;
      }
      dryAt.set(acct, gen);
      // gone, returned, or too little available to grow it: try a new lease; the old one's holds stay
      if (usable(l, now) && have >= min) return;
      local.delete(acct);
      if (l.granted > l.used || l.used > 0) await ledger.giveBack(acct, l.id, l.used).catch(() => null);
    }
    const g = await ledger.acquire(acct, holder, target, min, authUntil, holdUntil, share);
    if (g)
      local.set(acct, {
        id: g.id,
        granted: g.lease.granted,
        used: 0,
        authUntil,
        lastUse: now,
        want,
        slices: Math.min((l?.slices ?? slices) * 2, MAX_SLICES),
      });
    if (!g || g.lease.granted < target) dryAt.set(acct, gen);
    else dryAt.delete(acct);
  }

  /** True when a renewal since renewal number `since` found the account without more to lease. */
  function dry(acct: string, since = 0): boolean {
    const at = dryAt.get(acct);
    return at !== undefined && at > since;
  }

  /**
   * Makes sure this holder holds at least `want` for the account if it can, and at least `min`
   * (one billing increment) if that much is available; one store write when it must lease more.
   */
  async function ensure(acct: string, want: number, min: number): Promise<void> {
    const now = clock.now();
    const l = local.get(acct);
    if (usable(l, now) && l.granted - l.used >= want && l.authUntil - now > authMs / 4) return;
    const running = inflight.get(acct);
    if (running) {
      await running;
      return;
    }
    const p = renew(acct, want, min).finally(() => inflight.delete(acct));
    inflight.set(acct, p);
    await p;
  }

  /**
   * Holds `amount` of the account's lease for one call (synchronous: no store write). When the
   * lease runs low it is renewed in the background.
   */
  function take(acct: string, amount: number): Take {
    const now = clock.now();
    const l = local.get(acct);
    if (!usable(l, now) || amount <= 0) return { amount: 0 };
    if (l.granted - l.used < amount)
      throw new Error(`billing: wallet: ${acct}: holding ${amount} beyond the lease`);
    l.used += amount;
    l.lastUse = now;
    // renew ahead — when a quarter of a renewal's worth is left — so calls rarely wait for it
    const low = l.want * Math.max(2, l.slices / 4);
    if ((l.granted - l.used < low || l.authUntil - now < authMs / 4) && !inflight.has(acct)) {
      const p = renew(acct, l.want, 0)
        .catch(() => {})
        .finally(() => inflight.delete(acct));
      inflight.set(acct, p);
    }
    return { lease: l.id, amount };
  }

  /**
   * Holds up to `want` for one call — at least `min`, or nothing — leasing more first when
   * needed. The check and the hold happen together, so calls waiting for one renewal never
   * count the same funds twice. Give back what the call did not need with `unhold`.
   */
  async function reserve(acct: string, want: number, min: number): Promise<Take> {
    const rem0 = remaining(acct);
    if (rem0 >= want) return take(acct, want);
    // wait with the others: the next renewal asks for what all of them need
    demand.set(acct, (demand.get(acct) ?? 0) + want);
    const since = renewals;
    try {
      for (let round = 0; round < 4; round++) {
        const rem = remaining(acct);
        if (rem >= want || (rem >= min && dry(acct, since))) return take(acct, Math.min(rem, want));
        if (dry(acct, since)) break;
        await ensure(acct, want, min);
      }
      const rem = remaining(acct);
      return rem >= min && rem > 0 ? take(acct, Math.min(rem, want)) : { amount: 0 };
    } finally {
      const d = (demand.get(acct) ?? want) - want;
      if (d > 0) demand.set(acct, d);
      else demand.delete(acct);
    }
  }

  /** Returns part of a hold to the lease (what the call turned out not to need). */
  function unhold(acct: string, t: Take, amount: number): void {
    const l = local.get(acct);
    if (!l || t.lease !== l.id || amount <= 0) return;
    l.used -= Math.min(amount, l.used);
  }

  /** Gives back the leases of accounts without a call for idleMs. */
  async function returnIdle(): Promise<number> {
    const now = clock.now();
    let n = 0;
    for (const [acct, l] of [...local]) {
      if (now - l.lastUse < idleMs && l.authUntil > now) continue;
      if (inflight.has(acct)) continue;
      local.delete(acct);
      await ledger.giveBack(acct, l.id, l.used);
      n++;
    }
    return n;
  }

  /** Gives back every lease (a redirector stopping). */
  async function close(): Promise<void> {
    await Promise.allSettled([...inflight.values()]);
    for (const [acct, l] of [...local]) {
      local.delete(acct);
      await ledger.giveBack(acct, l.id, l.used).catch(() => null);
    }
  }

  return {
    holder,
    ensure,
    remaining,
    dry,
    take,
    reserve,
    unhold,
    returnIdle,
    close,
    /** The local view of a lease (tests, metrics). */
    lease: (acct: string) => {
      const l = local.get(acct);
      return l ? { ...l } : null;
    },
  };
}
