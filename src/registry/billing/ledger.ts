// Accounts and their append-only, idempotent ledger, with single-document atomic writes only
// (docs/billing.md, "Accounts and the ledger"). The journal's design, per account:
//
//   1. intent   postings/<account>|<key> is inserted with a sequence number taken by $inc on
//               the account's `next`: the unique `_id` makes a key post once, however retried;
//   2. entry    ledger/<account>:<seq> is inserted (unique `_id`: one entry per number);
//   3. fold     the account folds contiguous entries into `balance` with one conditional update
//               on its `seq` (the folded position): each entry is folded exactly once, in order.
//
// A number taken and never used (a writer died between its writes) is a gap: a fold that finds
// it looks for an intent holding that number and writes its entry, or, once the gap is older
// than the grace period and no intent holds it, inserts a `noop` entry there. A writer whose
// number was closed that way (it stalled past the grace period) takes a new number and moves
// its intent to it with a conditional update, so of any number of writers and sweepers exactly
// one entry carries a key. Hence: balance = the sum of the folded entries, always.
//
// Leases (docs/billing.md, "Leases and holds") live in the account document too: `available`
// (balance + credit − everything leased) only ever drops through a conditional update that
// keeps it ≥ 0, so leases can never promise more than the account has. A posting may release
// part of a lease (a call's hold, a rent reservation) in the same update that folds it.
import { randomBytes } from 'node:crypto';
import {
  type Account,
  type Clock,
  COLLECTIONS,
  type Collection,
  DuplicateKeyError,
  type Lease,
  type LedgerEntry,
  type Logger,
  type Posting,
  type PostingIntent,
  type Store,
} from '#core';
import { RegistryError } from '../kernel/index.ts';
import { postBatch } from './ledger-batch.ts';
import { entryId, foldWrite, intentId, postingHash } from './ledger-write.ts';
import { MAX_AMOUNT } from './money.ts';

export { entryId, intentId, postingHash } from './ledger-write.ts';

export type LedgerFaultStep = 'seq' | 'intent' | 'entry';

export interface LedgerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Settlement period of a time (settlement.ts periodOf). */
  periodOf: (ms: number) => string;
  /** How long a sequence number may stay without its entry before a fold closes it (ms, default 2 s). */
  graceMs?: number;
  /** Fault injection for tests: runs after each write of a posting (throw to "crash" there). */
  fault?: (step: LedgerFaultStep, accountId: string, key: string) => Promise<void> | void;
}

export interface PostResult {
  entry: LedgerEntry;
  /** The account after folding (balance includes the entry unless a young gap before it blocks). */
  account: Account;
  /** The key had been posted before: nothing new was posted. */
  duplicate: boolean;
}

export interface LeaseGrant {
  id: string;
  lease: Lease;
  account: Account;
}

const FOLD_BATCH = 500;
const MAX_ROUNDS = 10_000;
const MAX_ATTEMPTS = 50;

/** Lease ids are field names in the account document: letters, digits, '_' and '-'. */
export const newLeaseId = (): string => `L${randomBytes(9).toString('base64url')}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Ledger = ReturnType<typeof createLedger>;

export function createLedger(opts: LedgerOptions) {
  const { store, clock } = opts;
  const graceMs = opts.graceMs ?? 2_000;
  const log = opts.logger.child({ component: 'billing' });
  const accounts: Collection<Account> = store.collection<Account>(COLLECTIONS.accounts);
  const ledger: Collection<LedgerEntry> = store.collection<LedgerEntry>(COLLECTIONS.ledger);
  const postings: Collection<PostingIntent> = store.collection<PostingIntent>(COLLECTIONS.postings);
  /**
   * Per account, when this process first saw a gap (its own clock) and the last number handed
   * out then: every number up to it was handed out before that moment, so one sighting ages all
   * of them (a batch that crashed after taking its numbers leaves many gaps in a row).
   */
  const gapSeen = new Map<string, { at: number; next: number }>();
  const fault = async (step: LedgerFaultStep, acct: string, key: string) => {
    if (opts.fault) await opts.fault(step, acct, key);
  };

  function checkPosting(p: Posting, where: string): void {
    if (!Number.isSafeInteger(p.amount) || Math.abs(p.amount) > MAX_AMOUNT)
      throw new Error(`${where}: amount ${p.amount} is not a whole number of minor units within bounds`);
    if (p.release && (!Number.isSafeInteger(p.release.amount) || p.release.amount < 0))
      throw new Error(`${where}: release ${p.release.amount} is not a whole, non-negative amount`);
  }

  async function accountOr404(id: string, where: string): Promise<Account> {
    const a = await accounts.get(id);
    if (!a) throw new RegistryError('not-found', `${where}: member ${id} has no account`);
    return a;
  }

  /** Takes `k` sequence numbers of the account (the last of them returned); the currency must be the account's. */
  async function takeSeqs(acct: string, k: number, currency: string, where: string): Promise<number> {
    const a = await accounts.findOneAndUpdate({ _id: acct, currency }, { $inc: { next: k, pending: k } });
    if (a) return a.next;
    const cur = await accountOr404(acct, where);
    throw new RegistryError(
      'currency-mismatch',
      `${where}: the posting is in ${currency}; account ${acct} is in ${cur.currency}`,
      { details: { accountCurrency: cur.currency } },
    );
  }

  /** Fills a number this writer took and will not use. */
  async function closeSeq(acct: string, seq: number): Promise<void> {
    try {
      await ledger.insert({ _id: entryId(acct, seq), accountId: acct, seq, at: clock.now(), noop: true });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }

  function entryOf(i: PostingIntent, registrarId: string | undefined): LedgerEntry {
    const at = clock.now();
    return {
      _id: entryId(i.accountId, i.seq),
      accountId: i.accountId,
      seq: i.seq,
      at,
      key: i.key,
      period: opts.periodOf(at),
      ...(registrarId ? { registrarId } : {}),
      ...i.posting,
    };
  }

  /**
   * Step 2 for an intent: its entry at its number. If the number was closed as a gap meanwhile,
   * the intent moves to a new number (one conditional update decides between racers) and the
   * entry goes there. Returns the entry that carries the intent's key.
   */
  async function writeEntry(intent: PostingIntent, registrarId?: string): Promise<LedgerEntry> {
    let i = intent;
    const reg = registrarId ?? (await accounts.get(i.accountId))?.registrarId;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = entryOf(i, reg);
      try {
        await ledger.insert(entry);
        return entry;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const cur = await ledger.get(entry._id);
      if (cur && cur.key === i.key) return cur;
      // our number was closed as a gap (or never ours): take a new one and move the intent there
      const seq = await takeSeqs(i.accountId, 1, i.posting.currency, 'registry: billing: ledger');
      const moved = await postings.findOneAndUpdate({ _id: i._id, seq: i.seq }, { $set: { seq } });
      if (moved) {
        i = moved;
        continue;
      }
      await closeSeq(i.accountId, seq);
      const now = await postings.get(i._id);
      if (!now) throw new Error(`registry: billing: ledger: intent ${i._id} vanished`);
      i = now;
    }
    throw new Error(`registry: billing: ledger: ${i._id}: could not place its entry`);
  }

  /**
   * A gap at `missing`: writes the entry of an intent holding it, or closes it with a noop once
   * it is older than the grace period. Returns false while it is young and unexplained.
   */
  async function fillGap(a: Account, missing: number, after: LedgerEntry | undefined): Promise<boolean> {
    const intent = await postings.findOne({ accountId: a._id, seq: missing });
    if (intent) {
      await writeEntry(intent, a.registrarId);
      return true;
    }
    const now = clock.now();
    let seen = gapSeen.get(a._id);
    if (seen === undefined || missing > seen.next) {
      seen = { at: now, next: a.next };
      gapSeen.delete(a._id);
      gapSeen.set(a._id, seen);
      if (gapSeen.size > 10_000) gapSeen.delete(gapSeen.keys().next().value!);
    }
    const old = now - seen.at >= graceMs || (after !== undefined && now - after.at >= graceMs);
    if (!old) return false;
    // an intent inserted after our look-up is moved by its writer to a new number (writeEntry)
    await closeSeq(a._id, missing);
    if (missing >= seen.next) gapSeen.delete(a._id);
    log.warn({ accountId: a._id, seq: missing }, 'registry: billing: ledger: closed a gap nobody filled');
    return true;
  }

  /**
   * Step 3: folds the account's contiguous entries into its balance, releasing the leases they
   * name, until everything handed out is folded, `until` is folded, or a young gap blocks.
   */
  async function fold(acct: string, until?: number): Promise<Account> {
    let a = await accountOr404(acct, 'registry: billing: fold');
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (a.seq >= a.next || (until !== undefined && a.seq >= until)) return a;
      const batch = await ledger.find(
        { accountId: acct, seq: { $gt: a.seq } },
        { sort: { seq: 1 }, limit: FOLD_BATCH },
      );
      const run: LedgerEntry[] = [];
      for (const e of batch) {
        if (e.seq !== a.seq + 1 + run.length) break;
        run.push(e);
      }
      if (run.length === 0) {
        if (!(await fillGap(a, a.seq + 1, batch[0]))) return a;
        a = await accountOr404(acct, 'registry: billing: fold');
        continue;
      }
      const w = foldWrite(a, run, clock.now());
      const done = await accounts.findOneAndUpdate(w.filter, w.update);
      a = done ?? (await accountOr404(acct, 'registry: billing: fold'));
    }
    return a;
  }

  /**
   * One fold of an account at a time in this process: postings that finish together share it
   * (with many writers on one account, folds racing on its `seq` would mostly lose and retry).
   */
  const folding = new Map<string, { run: Promise<Account>; again: Promise<Account> | null }>();
  function sharedFold(acct: string): Promise<Account> {
    const cur = folding.get(acct);
    if (cur) {
      // one more fold after the running one picks up whatever was written meanwhile
      cur.again ??= cur.run.catch(() => undefined).then(() => sharedFold(acct));
      return cur.again;
    }
    const entry = { run: fold(acct), again: null as Promise<Account> | null };
    folding.set(acct, entry);
    entry.run.then(
      () => folding.get(acct) === entry && folding.delete(acct),
      () => folding.get(acct) === entry && folding.delete(acct),
    );
    return entry.run;
  }

  /** Folds up to `seq`, waiting a little for concurrent writers of the numbers before it. */
  async function foldUntil(acct: string, seq: number): Promise<Account> {
    const deadline = Date.now() + graceMs * 2 + 500;
    for (;;) {
      const a = await sharedFold(acct);
      if (a.seq >= seq || Date.now() > deadline) return a;
      await sleep(10);
    }
  }

  async function finish(intent: PostingIntent, hash: string, duplicate: boolean): Promise<PostResult> {
    if (intent.hash !== hash)
      throw new RegistryError(
        'key-reused',
        `registry: billing: ledger: account ${intent.accountId}: key ${intent.key} was used for another posting`,
      );
    const entry = await writeEntry(intent);
    await fault('entry', intent.accountId, intent.key);
    const account = await foldUntil(intent.accountId, entry.seq);
    return { entry, account, duplicate };
  }

  /**
   * Posts once per (account, key): a retry with the same key and posting returns the first
   * entry (`duplicate`); the same key with another posting is 'key-reused'.
   */
  async function post(acct: string, key: string, posting: Posting): Promise<PostResult> {
    const where = `registry: billing: account ${acct}: post ${key}`;
    checkPosting(posting, where);
    const hash = postingHash(posting);
    const id = intentId(acct, key);
    const known = await postings.get(id);
    if (known) return finish(known, hash, true);
    const seq = await takeSeqs(acct, 1, posting.currency, where);
    await fault('seq', acct, key);
    const intent: PostingIntent = { _id: id, accountId: acct, key, hash, seq, posting, at: clock.now() };
    try {
      await postings.insert(intent);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      await closeSeq(acct, seq);
      const other = await postings.get(id);
      if (!other) throw err;
      return finish(other, hash, true);
    }
    await fault('intent', acct, key);
    return finish(intent, hash, false);
  }

  /**
   * Many postings at once (a batch of CDRs), each posted exactly once by its key as post() does,
   * with each step's writes for the whole batch together (ledger-batch.ts). Results in the input's order.
   */
  function postMany(
    items: readonly { accountId: string; key: string; posting: Posting }[],
  ): Promise<PostResult[]> {
    return postBatch(
      {
        accounts,
        entries: ledger,
        postings,
        clock,
        fault,
        checkPosting,
        entryOf,
        writeEntry,
        closeSeq,
        foldUntil,
        finish,
      },
      items,
    );
  }

  // --- leases ---------------------------------------------------------------------------------

  /**
   * Grants a lease of up to `want` (at least `min`) minor units of the account's available
   * funds to `holder`, with one conditional update that keeps `available` ≥ 0. Null when less
   * than `min` is available. With `share`, asks for at least that fraction of what is
   * available (a busy holder renews less often).
   */
  async function acquire(
    acct: string,
    holder: string,
    want: number,
    min: number,
    authUntil: number,
    holdUntil: number,
    share = 0,
  ): Promise<LeaseGrant | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const a = await accountOr404(acct, `registry: billing: lease for ${holder}`);
      const grant = Math.min(Math.max(want, Math.floor(a.available * share)), a.available);
      if (grant < min || grant < 0) return null;
      const id = newLeaseId();
      const lease: Lease = { holder, amount: grant, granted: grant, authUntil, holdUntil };
      const done = await accounts.findOneAndUpdate(
        { _id: acct, available: { $gte: grant } },
        {
          $inc: { available: -grant, leaseCount: 1, version: 1 },
          $set: { [`leases.${id}`]: lease, updatedAt: clock.now() },
        },
      );
      if (done) return { id, lease, account: done };
    }
    return null;
  }

  /**
   * Adds up to `want` (at least `min`; 0 just renews the times) to a lease the holder still
   * uses. Null when it is gone or returned, or less than `min` is available.
   */
  async function extend(
    acct: string,
    id: string,
    want: number,
    min: number,
    authUntil: number,
    holdUntil: number,
    share = 0,
  ): Promise<LeaseGrant | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const a = await accountOr404(acct, `registry: billing: lease ${id}`);
      const cur = a.leases[id];
      if (!cur || cur.returned) return null;
      const avail = Math.max(0, a.available);
      const grant = want > 0 ? Math.min(Math.max(want, Math.floor(avail * share)), avail) : 0;
      if (grant < min) return null;
      const done = await accounts.findOneAndUpdate(
        {
          _id: acct,
          available: { $gte: grant },
          [`leases.${id}.holder`]: cur.holder,
          [`leases.${id}.returned`]: { $exists: false },
        },
        {
          $inc: {
            available: -grant,
            [`leases.${id}.amount`]: grant,
            [`leases.${id}.granted`]: grant,
            version: 1,
          },
          $set: {
            [`leases.${id}.authUntil`]: Math.max(authUntil, cur.authUntil),
            [`leases.${id}.holdUntil`]: Math.max(holdUntil, cur.holdUntil),
            updatedAt: clock.now(),
          },
        },
      );
      if (done) return { id, lease: done.leases[id]!, account: done };
    }
    return null;
  }

  /**
   * The holder is done authorizing with a lease: of everything granted, `used` went to calls
   * (their holds stay until their CDRs or the lease's holdUntil), the rest returns to the account.
   */
  async function giveBack(acct: string, id: string, used: number): Promise<Account | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const a = await accounts.get(acct);
      const cur = a?.leases[id];
      if (!a || !cur || cur.returned) return a;
      const unused = Math.max(0, Math.min(cur.granted - used, cur.amount));
      const done = await accounts.findOneAndUpdate(
        { _id: acct, [`leases.${id}.granted`]: cur.granted, [`leases.${id}.returned`]: { $exists: false } },
        {
          $inc: { available: unused, [`leases.${id}.amount`]: -unused, version: 1 },
          $set: {
            [`leases.${id}.returned`]: true,
            [`leases.${id}.authUntil`]: clock.now(),
            updatedAt: clock.now(),
          },
        },
      );
      if (done) return done;
    }
    return null;
  }

  /** Releases leases past their holdUntil, and returned ones that hold nothing any more. */
  async function expireLeases(limit = 500): Promise<number> {
    const now = clock.now();
    let released = 0;
    for (const a of await accounts.find({ leaseCount: { $gt: 0 } }, { limit })) {
      for (const [id, l] of Object.entries(a.leases ?? {})) {
        if (!(l.holdUntil <= now || (l.returned && l.amount <= 0))) continue;
        const done = await accounts.findOneAndUpdate(
          { _id: a._id, [`leases.${id}.amount`]: l.amount, [`leases.${id}.granted`]: l.granted },
          {
            $inc: { available: Math.max(0, l.amount), leaseCount: -1, version: 1 },
            $unset: { [`leases.${id}`]: '' },
            $set: { updatedAt: now },
          },
        );
        if (done) released++;
      }
    }
    return released;
  }

  /** Folds accounts with entries not yet folded (closing gaps older than the grace period). */
  async function foldPending(limit = 500): Promise<number> {
    let n = 0;
    for (const a of await accounts.find({ pending: { $gt: 0 } }, { limit })) {
      const after = await fold(a._id);
      if (after.seq > a.seq) n++;
    }
    return n;
  }

  return {
    accounts,
    entries: ledger,
    postings,
    post,
    postMany,
    fold,
    acquire,
    extend,
    giveBack,
    expireLeases,
    foldPending,
    /** The account, or not-found. */
    account: (id: string) => accountOr404(id, 'registry: billing'),
  };
}
