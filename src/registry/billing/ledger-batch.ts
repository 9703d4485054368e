// Many postings at once (a batch of CDRs touching many accounts): the ledger's three steps
// (ledger.ts; docs/billing.md, "The ledger's consistency argument") each done for the whole
// batch with single-document writes grouped into one store call:
//
//   1. seq     one $inc per account, all in one findOneAndUpdateEach;
//   2. intent  every intent in one insertMany; then every entry in one insertMany;
//   3. fold    one conditional fold per account, all in one findOneAndUpdateEach.
//
// Each write is still one document's atomic write, the same one post() makes, so the argument
// holds write by write: the embedded store commits a group at once (a crash keeps the whole
// group or none of it: a crash after or before those writes), MongoDB runs a group
// concurrently (a crash leaves some of its writes: a crash after some accounts' writes and
// before the others'). Either way the state is one the single posting can crash into, and the
// sweep (fold, gap filling) and a retry by key complete it. An account whose fold cannot be
// written from what this batch knows (others posted to it meanwhile) is folded as post() does.
import type { Account, Clock, Collection, LedgerEntry, Posting, PostingIntent } from '#core';
import { RegistryError } from '../kernel/index.ts';
import type { LedgerFaultStep, PostResult } from './ledger.ts';
import { entryId, foldWrite, intentId, postingHash } from './ledger-write.ts';

export interface BatchItem {
  accountId: string;
  key: string;
  posting: Posting;
}

/** What the batch needs of the ledger (ledger.ts). */
export interface BatchDeps {
  accounts: Collection<Account>;
  entries: Collection<LedgerEntry>;
  postings: Collection<PostingIntent>;
  clock: Clock;
  fault(step: LedgerFaultStep, acct: string, key: string): Promise<void>;
  checkPosting(p: Posting, where: string): void;
  entryOf(i: PostingIntent, registrarId: string | undefined): LedgerEntry;
  writeEntry(intent: PostingIntent, registrarId?: string): Promise<LedgerEntry>;
  closeSeq(acct: string, seq: number): Promise<void>;
  foldUntil(acct: string, seq: number): Promise<Account>;
  finish(intent: PostingIntent, hash: string, duplicate: boolean): Promise<PostResult>;
}

/** Accounts folded (or keys finished) one by one at once, when the batch's own write does not do. */
const SLOW_CONCURRENCY = 8;

async function inPool<T>(list: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await fn(list[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, list.length) }, worker));
}

interface Plan {
  acct: string;
  a: Account;
  /** Items posted here (the first of each key), in input order. */
  first: number[];
  /** [item, the earlier item of the same key in this batch]. */
  repeats: [number, number][];
  /** Items whose key was not posted before. */
  fresh: number[];
  intents: PostingIntent[];
  /** The last number taken for `fresh` (they hold last − fresh.length + 1 .. last). */
  last: number;
}

const where = (acct: string) => `registry: billing: account ${acct}: post`;

export async function postBatch(d: BatchDeps, items: readonly BatchItem[]): Promise<PostResult[]> {
  const out: PostResult[] = new Array(items.length);
  const byAccount = new Map<string, number[]>();
  items.forEach((it, i) => {
    d.checkPosting(it.posting, `${where(it.accountId)} ${it.key}`);
    const list = byAccount.get(it.accountId) ?? [];
    list.push(i);
    byAccount.set(it.accountId, list);
  });
  // everything is checked before anything is written
  const read = new Map(
    (await d.accounts.find({ _id: { $in: [...byAccount.keys()] } })).map((a) => [a._id, a]),
  );
  const plans: Plan[] = [];
  for (const [acct, idx] of byAccount) {
    const a = read.get(acct);
    if (!a) throw new RegistryError('not-found', `${where(acct)}: member ${acct} has no account`);
    const firstOf = new Map<string, number>();
    const plan: Plan = { acct, a, first: [], repeats: [], fresh: [], intents: [], last: 0 };
    for (const i of idx) {
      const it = items[i]!;
      if (it.posting.currency !== a.currency)
        throw new RegistryError(
          'currency-mismatch',
          `${where(acct)} ${it.key}: the posting is in ${it.posting.currency}; the account is in ${a.currency}`,
          { details: { accountCurrency: a.currency } },
        );
      const f = firstOf.get(it.key);
      if (f === undefined) {
        firstOf.set(it.key, i);
        plan.first.push(i);
      } else if (postingHash(items[f]!.posting) !== postingHash(it.posting)) {
        throw new RegistryError('key-reused', `${where(acct)}: key ${it.key} twice with different postings`);
      } else plan.repeats.push([i, f]);
    }
    plans.push(plan);
  }
  // which keys were posted before (one query for the batch)
  const known = new Map(
    (
      await d.postings.find({
        _id: { $in: plans.flatMap((pl) => pl.first.map((i) => intentId(pl.acct, items[i]!.key))) },
      })
    ).map((p) => [p._id, p]),
  );
  const later: { i: number; intent: PostingIntent }[] = [];
  for (const pl of plans)
    for (const i of pl.first) {
      const prior = known.get(intentId(pl.acct, items[i]!.key));
      if (prior) later.push({ i, intent: prior });
      else pl.fresh.push(i);
    }
  const posting = plans.filter((pl) => pl.fresh.length > 0);

  // 1. the numbers: one $inc per account, in one batch of writes
  const taken = await d.accounts.findOneAndUpdateEach(
    posting.map((pl) => ({
      filter: { _id: pl.acct, currency: pl.a.currency },
      update: { $inc: { next: pl.fresh.length, pending: pl.fresh.length } },
    })),
  );
  for (const [k, r] of taken.entries()) {
    const pl = posting[k]!;
    if (!r.ok) throw r.error;
    // the currency changed since the read (possible only while the account had no entries)
    if (!r.doc)
      throw new RegistryError(
        'currency-mismatch',
        `${where(pl.acct)}: the account's currency changed meanwhile`,
      );
    pl.last = r.doc.next;
  }
  const now = d.clock.now();
  for (const pl of posting) {
    pl.intents = pl.fresh.map(
      (i, k): PostingIntent => ({
        _id: intentId(pl.acct, items[i]!.key),
        accountId: pl.acct,
        key: items[i]!.key,
        hash: postingHash(items[i]!.posting),
        seq: pl.last - pl.fresh.length + 1 + k,
        posting: items[i]!.posting,
        at: now,
      }),
    );
    await d.fault('seq', pl.acct, pl.intents[0]!.key);
  }

  // 2. every intent in one write, then every entry in one write
  const allIntents = posting.flatMap((pl) => pl.intents);
  const lost = new Set(
    (allIntents.length ? await d.postings.insertMany(allIntents) : { duplicates: [] }).duplicates.map(String),
  );
  for (const pl of posting) await d.fault('intent', pl.acct, pl.intents[0]!.key);
  const entries = posting.flatMap((pl) =>
    pl.intents.filter((p) => !lost.has(p._id)).map((p) => d.entryOf(p, pl.a.registrarId)),
  );
  const clash = new Set(
    (entries.length ? await d.entries.insertMany(entries) : { duplicates: [] }).duplicates.map(String),
  );
  const written = new Map(entries.map((e) => [e._id, e]));
  /** Accounts whose numbers all carry this batch's entries: their fold is known without reading. */
  const own = new Map<string, LedgerEntry[]>();
  for (const pl of posting) {
    const run: LedgerEntry[] = [];
    for (const [k, p] of pl.intents.entries()) {
      const i = pl.fresh[k]!;
      if (lost.has(p._id)) {
        // a concurrent posting of the same key won: our number is filled, its entry is the one
        await d.closeSeq(pl.acct, p.seq);
        const other = await d.postings.get(p._id);
        if (other) later.push({ i, intent: other });
        continue;
      }
      const id = entryId(pl.acct, p.seq);
      const entry = clash.has(id) ? await d.writeEntry(p, pl.a.registrarId) : written.get(id)!;
      if (entry.seq === p.seq && !clash.has(id)) run.push(entry);
      out[i] = { entry, account: pl.a, duplicate: false };
    }
    if (run.length === pl.intents.length) own.set(pl.acct, run);
    await d.fault('entry', pl.acct, pl.intents[0]!.key);
  }

  // 3. the folds: where nothing but this batch's entries waits, one conditional write per
  // account, in one batch of writes; otherwise (or when the condition fails) fold as post() does
  const fresh = new Map(
    (own.size ? await d.accounts.find({ _id: { $in: [...own.keys()] } }) : []).map(
      (a) => [a._id, a] as const,
    ),
  );
  const quick: { pl: Plan; w: ReturnType<typeof foldWrite> }[] = [];
  const slow: Plan[] = [];
  for (const pl of posting) {
    const a = fresh.get(pl.acct);
    const run = own.get(pl.acct);
    if (a && run && a.seq === pl.last - run.length) quick.push({ pl, w: foldWrite(a, run, d.clock.now()) });
    else slow.push(pl);
  }
  const folds = await d.accounts.findOneAndUpdateEach(
    quick.map((q) => ({ filter: q.w.filter, update: q.w.update })),
  );
  const folded = new Map<string, Account>();
  for (const [k, r] of folds.entries()) {
    if (r.ok && r.doc) folded.set(quick[k]!.pl.acct, r.doc);
    else slow.push(quick[k]!.pl);
  }
  await inPool(slow, SLOW_CONCURRENCY, async (pl) => {
    folded.set(pl.acct, await d.foldUntil(pl.acct, pl.last));
  });
  for (const pl of posting) {
    const a = folded.get(pl.acct)!;
    for (const i of pl.fresh) if (out[i]) out[i] = { ...out[i]!, account: a };
  }
  // keys posted before (a replay): finish each as post() does
  await inPool(later, SLOW_CONCURRENCY, async ({ i, intent }) => {
    out[i] = await d.finish(intent, postingHash(items[i]!.posting), true);
  });
  for (const { repeats } of plans) for (const [i, f] of repeats) out[i] = { ...out[f]!, duplicate: true };
  return out;
}
