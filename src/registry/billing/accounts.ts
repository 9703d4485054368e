// Members' accounts over the ledger (docs/billing.md, "Accounts and the ledger"): a registrar
// opens, reads and posts to its own members' accounts (the admin to any); balances and entries
// are shown as decimal strings in the account's currency.
import type { Account, Clock, LedgerEntry, Member, Posting } from '#core';
import { COLLECTIONS, DuplicateKeyError } from '#core';
import {
  invalidInput,
  issue,
  ownMemberId,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
  requireCapability,
  visible,
} from '../kernel/index.ts';
import { type Ledger, postingHash } from './ledger.ts';
import { DecimalError, formatMinor, minorOf } from './money.ts';
import { AccountRef, ListEntriesInput, OpenAccountInput, PostInput } from './schemas.ts';

export interface AccountView {
  memberId: string;
  registrarId: string;
  currency: string;
  mode: 'prepaid' | 'postpaid';
  /** Decimal strings in major units of `currency`. */
  balance: string;
  creditLimit: string;
  /** What may still be spent or leased: balance (+ credit) − held. */
  available: string;
  /** Held for calls in progress and leased to redirectors. */
  held: string;
  /** Ledger entries not yet folded into the balance (normally 0). */
  pending: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export function accountView(a: Account): AccountView {
  const held = Object.values(a.leases ?? {}).reduce((s, l) => s + Math.max(0, l.amount), 0);
  return {
    memberId: a._id,
    registrarId: a.registrarId,
    currency: a.currency,
    mode: a.mode,
    balance: formatMinor(a.balance, a.currency),
    creditLimit: formatMinor(a.creditLimit, a.currency),
    available: formatMinor(a.available, a.currency),
    held: formatMinor(held, a.currency),
    pending: a.pending,
    version: a.version,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export interface EntryView {
  seq: number;
  kind: string;
  amount: string;
  currency: string;
  at: number;
  period: string | null;
  memo: string | null;
  ref: string | null;
  key: string;
}

export const entryView = (e: LedgerEntry): EntryView => ({
  seq: e.seq,
  kind: e.kind ?? 'noop',
  amount: formatMinor(e.amount ?? 0, e.currency ?? 'USD'),
  currency: e.currency ?? '',
  at: e.at,
  period: e.period ?? null,
  memo: e.memo ?? null,
  ref: e.ref ?? null,
  key: e.key ?? '',
});

export interface AccountServiceDeps {
  ledger: Ledger;
  clock: Clock;
  /** Called after a posting that adds funds (unpaid rent is charged again: docs/billing.md). */
  onCredit?: (accountId: string) => Promise<void>;
  /** Reserves `amount` for a debit that must not overdraw (rent, manual charges): a short lease. */
  leaseMs?: number;
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(deps: AccountServiceDeps) {
  const { ledger, clock } = deps;
  const accounts = ledger.accounts;

  async function ownAccount(p: Principal, memberId: string, where: string): Promise<Account> {
    if (p.role === 'member') {
      // a member reads its own account (the portal); any other id is 'not-found', as a missing one
      ownMemberId(p, memberId, where);
      const a = await accounts.get(memberId);
      if (a?.registrarId !== p.registrarId)
        throw new RegistryError('not-found', `${where}: account of member ${memberId}: not found`);
      return a;
    }
    return visible(p, await accounts.get(memberId), `${where}: account of member ${memberId}`);
  }

  async function open(
    p: Principal,
    input: OpenAccountInput,
    member: (id: string) => Promise<Member | null>,
  ): Promise<{ account: AccountView; created: boolean }> {
    const where = 'registry: billing: account';
    const v = parseInput(OpenAccountInput, input, where);
    const m = visible(p, await member(v.memberId), `${where}: member ${v.memberId}`);
    let credit: number;
    try {
      credit = minorOf(v.creditLimit, v.currency);
    } catch (err) {
      if (!(err instanceof DecimalError)) throw err;
      throw invalidInput(where, [issue('creditLimit', err.message)]);
    }
    if (v.mode === 'prepaid' && credit !== 0)
      throw invalidInput(where, [issue('creditLimit', 'a prepaid account has no credit limit')]);
    const now = clock.now();
    const fresh: Account = {
      _id: m._id,
      registrarId: m.registrarId,
      currency: v.currency,
      mode: v.mode,
      creditLimit: credit,
      next: 0,
      seq: 0,
      pending: 0,
      balance: 0,
      available: credit,
      leases: {},
      leaseCount: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (v.expectedVersion === undefined || v.expectedVersion === 0) {
      try {
        await accounts.insert(fresh);
        return { account: accountView(fresh), created: true };
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        if (v.expectedVersion === 0)
          throw new RegistryError('version-conflict', `${where}: member ${m._id} has an account already`, {
            details: { version: (await accounts.get(m._id))?.version },
          });
      }
    }
    // change an existing account: mode and credit limit; the currency only while it has no entries
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = (await accounts.get(m._id))!;
      if (v.expectedVersion !== undefined && cur.version !== v.expectedVersion)
        throw new RegistryError(
          'version-conflict',
          `${where}: account ${m._id} is at version ${cur.version}`,
          {
            details: { version: cur.version },
          },
        );
      if (cur.currency !== v.currency && cur.next > 0)
        throw new RegistryError(
          'currency-mismatch',
          `${where}: account ${m._id} is in ${cur.currency} and has entries; its currency cannot change`,
          { details: { accountCurrency: cur.currency } },
        );
      const delta = credit - cur.creditLimit;
      const done = await accounts.findOneAndUpdate(
        { _id: m._id, version: cur.version },
        {
          $set: { mode: v.mode, creditLimit: credit, currency: v.currency, updatedAt: clock.now() },
          $inc: { available: delta, version: 1 },
        },
      );
      if (done) {
        if (delta > 0) await deps.onCredit?.(m._id);
        return { account: accountView(done), created: false };
      }
    }
    throw new RegistryError('version-conflict', `${where}: account ${m._id} keeps changing; try again`);
  }

  async function get(p: Principal, input: AccountRef): Promise<AccountView> {
    const v = parseInput(AccountRef, input, 'registry: billing: account');
    return accountView(await ownAccount(p, v.memberId, 'registry: billing'));
  }

  /** A manual posting: top-up, refund, adjustment, or a charge that may not overdraw. */
  async function post(
    p: Principal,
    input: PostInput,
  ): Promise<{ entry: EntryView; account: AccountView; duplicate: boolean }> {
    const where = 'registry: billing: post';
    const v = parseInput(PostInput, input, where);
    // money comes in through a payment provider, which posts as the registrar: never the member itself
    if (p.role === 'member')
      throw new RegistryError('forbidden', `${where}: a member may not post to an account`);
    if (p.role === 'staff') requireCapability(p, 'sell', where);
    const a = await ownAccount(p, v.memberId, where);
    let amount: number;
    try {
      amount = minorOf(v.amount, v.currency, { negative: v.kind === 'adjustment' });
    } catch (err) {
      if (!(err instanceof DecimalError)) throw err;
      throw invalidInput(where, [issue('amount', err.message)]);
    }
    if (amount === 0) throw invalidInput(where, [issue('amount', 'a posting of nothing')]);
    if (v.currency !== a.currency)
      throw new RegistryError(
        'currency-mismatch',
        `${where}: the posting is in ${v.currency}; account ${a._id} is in ${a.currency}`,
        { details: { accountCurrency: a.currency } },
      );
    const signed = v.kind === 'charge' ? -amount : amount;
    const posting: Posting = {
      kind: v.kind,
      amount: signed,
      currency: v.currency,
      ...(v.memo ? { memo: v.memo } : {}),
      ...(v.ref ? { ref: v.ref } : {}),
    };
    const key = `api:${v.key}`;
    let r: Awaited<ReturnType<Ledger['post']>>;
    if (v.kind === 'charge') {
      // a charge may not take what calls in progress hold: reserve it first, then post with release
      const known = await ledger.postings.get(`${a._id}|${key}`);
      if (known) {
        const { release: _, ...was } = known.posting;
        if (postingHash(was) !== postingHash(posting))
          throw new RegistryError('key-reused', `${where}: key ${v.key} was used for another posting`);
        r = await ledger.post(a._id, key, known.posting);
      } else {
        const now = clock.now();
        const lease = await ledger.acquire(
          a._id,
          `charge:${v.key}`,
          amount,
          amount,
          now,
          now + (deps.leaseMs ?? 600_000),
        );
        if (!lease)
          throw new RegistryError(
            'insufficient-funds',
            `${where}: account ${a._id} has ${formatMinor(a.available, a.currency)} ${a.currency} available, less than ${v.amount}`,
            { details: { available: formatMinor(a.available, a.currency) } },
          );
        r = await ledger.post(a._id, key, { ...posting, release: { lease: lease.id, amount } });
      }
    } else {
      r = await ledger.post(a._id, key, posting);
      if (signed > 0 && !r.duplicate) await deps.onCredit?.(a._id);
    }
    return { entry: entryView(r.entry), account: accountView(r.account), duplicate: r.duplicate };
  }

  async function entries(p: Principal, input: ListEntriesInput): Promise<Page<EntryView>> {
    const v = parseInput(ListEntriesInput, input, 'registry: billing: ledger');
    await ownAccount(p, v.memberId, 'registry: billing: ledger');
    return page(
      ledger.entries,
      { accountId: v.memberId, noop: { $exists: false } },
      v,
      { list: 'billing: ledger', query: { memberId: v.memberId } },
      entryView,
    );
  }

  return { open, get, post, entries, collection: COLLECTIONS.accounts };
}
