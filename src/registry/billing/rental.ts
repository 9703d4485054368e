// Number rental and its life cycle (docs/billing.md, "Number rental"). A registrar's rental
// rules give each number a fee per period; the sweep charges it at the start of each period to
// the owner's account — funds first reserved with a lease, so rent never overdraws a prepaid
// account. Without funds the number enters a grace period, then is suspended (its NAPTRs leave
// DNS through the publisher, a marker takes their place so calls get 480), then released into
// quarantine (not sellable), then back to stock (the sales sweep). A top-up before the release
// pays and restores it. Every step is one conditional write, journaled when DNS changes, and
// safe to repeat: a crash between steps is finished by the next sweep.
import type { Clock, InventoryNumber, Logger, Member, Rental, RentalRules, Store } from '#core';
import { COLLECTIONS, DuplicateKeyError } from '#core';
import {
  actingRegistrar,
  invalidInput,
  issue,
  listingScope,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
  visible,
} from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { serviceContext } from '../sales/context.ts';
import { releaseNumber } from '../sales/release.ts';
import type { Ledger } from './ledger.ts';
import { DecimalError, formatMinor, minorOf } from './money.ts';
import { type PeriodUnit, periodEnd, periodOf } from './periods.ts';
import { ListRentalsInput, RentalRulesRef, SetRentalRulesInput } from './schemas.ts';

export interface RentalRulesView {
  registrarId: string;
  rules: {
    currency: string;
    amounts: { pin: string; vns: string };
    base: { country: string; kind: 'pin' | 'vns'; amount: string }[];
    graceHours: number;
    suspendDays: number;
    quarantineDays: number;
  };
  version: number;
  isDefault: boolean;
}

export interface RentalView {
  number: string;
  registrarId: string;
  memberId: string;
  amount: string;
  currency: string;
  state: Rental['state'];
  paidUntil: number;
  graceUntil: number | null;
  releaseAt: number | null;
  version: number;
}

const rentalView = (r: Rental): RentalView => ({
  number: r._id,
  registrarId: r.registrarId,
  memberId: r.memberId,
  amount: formatMinor(r.amount, r.currency),
  currency: r.currency,
  state: r.state,
  paidUntil: r.paidUntil,
  graceUntil: r.graceUntil ?? null,
  releaseAt: r.releaseAt ?? null,
  version: r.version,
});

const HOUR = 3_600_000;
const DAY = 86_400_000;

export function defaultRentalRules(registrarId: string): RentalRules {
  return {
    _id: registrarId,
    currency: 'USD',
    amounts: { pin: 0, vns: 0 },
    base: [],
    graceMs: 72 * HOUR,
    suspendMs: 14 * DAY,
    quarantineMs: 90 * DAY,
    version: 0,
    createdAt: 0,
    updatedAt: 0,
  };
}

function rulesView(r: RentalRules, isDefault: boolean): RentalRulesView {
  return {
    registrarId: r._id,
    rules: {
      currency: r.currency,
      amounts: { pin: formatMinor(r.amounts.pin, r.currency), vns: formatMinor(r.amounts.vns, r.currency) },
      base: r.base.map((b) => ({
        country: b.country,
        kind: b.kind,
        amount: formatMinor(b.amount, r.currency),
      })),
      graceHours: Math.round(r.graceMs / HOUR),
      suspendDays: Math.round(r.suspendMs / DAY),
      quarantineDays: Math.round(r.quarantineMs / DAY),
    },
    version: r.version,
    isDefault,
  };
}

export interface RentalOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  publisher: Publisher;
  unit: PeriodUnit;
}

export type RentalService = ReturnType<typeof createRentalService>;

/** counters/_id of the reconcile position (numbers updated since then are checked for rent). */
const CHECKPOINT = 'billing.rentals';
const BATCH = 500;

export function createRentalService(opts: RentalOptions) {
  const { store, clock, ledger, publisher } = opts;
  const log = opts.logger.child({ component: 'billing' });
  const rulesColl = store.collection<RentalRules>(COLLECTIONS.rentalRules);
  const rentals = store.collection<Rental>(COLLECTIONS.rentals);
  const numbers = store.collection<InventoryNumber>(COLLECTIONS.numbers);
  const members = store.collection<Member>(COLLECTIONS.members);
  const counters = store.collection<{ _id: string; seq: number }>(COLLECTIONS.counters);
  const salesCtx = serviceContext({ store, publisher, logger: opts.logger, clock }, 'billing');

  async function rulesOf(registrarId: string): Promise<RentalRules> {
    return (await rulesColl.get(registrarId)) ?? defaultRentalRules(registrarId);
  }

  async function getRules(p: Principal, input: RentalRulesRef = {}): Promise<RentalRulesView> {
    const v = parseInput(RentalRulesRef, input, 'registry: billing: rental rules');
    const id = actingRegistrar(p, v.registrarId, 'registry: billing: rental rules');
    const stored = await rulesColl.get(id);
    return rulesView(stored ?? defaultRentalRules(id), !stored);
  }

  async function setRules(p: Principal, input: SetRentalRulesInput): Promise<RentalRulesView> {
    const where = 'registry: billing: rental rules';
    const v = parseInput(SetRentalRulesInput, input, where);
    const id = actingRegistrar(p, v.registrarId, where);
    const money = (path: string, s: string): number => {
      try {
        return minorOf(s, v.rules.currency);
      } catch (err) {
        if (!(err instanceof DecimalError)) throw err;
        throw invalidInput(where, [issue(path, err.message)]);
      }
    };
    const now = clock.now();
    const values = {
      currency: v.rules.currency,
      amounts: {
        pin: money('rules.amounts.pin', v.rules.amounts.pin),
        vns: money('rules.amounts.vns', v.rules.amounts.vns),
      },
      base: v.rules.base.map((b, i) => ({
        country: b.country,
        kind: b.kind,
        amount: money(`rules.base.${i}.amount`, b.amount),
      })),
      graceMs: v.rules.graceHours * HOUR,
      suspendMs: v.rules.suspendDays * DAY,
      quarantineMs: v.rules.quarantineDays * DAY,
      updatedAt: now,
    };
    const cur = await rulesColl.get(id);
    const version = cur?.version ?? 0;
    if (v.expectedVersion !== undefined && v.expectedVersion !== version)
      throw new RegistryError('version-conflict', `${where}: ${id}'s rules are at version ${version}`, {
        details: { version },
      });
    if (!cur) {
      try {
        const doc: RentalRules = { _id: id, ...values, version: 1, createdAt: now };
        await rulesColl.insert(doc);
        return rulesView(doc, false);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        throw new RegistryError('version-conflict', `${where}: ${id}'s rules were set meanwhile`);
      }
    }
    const done = await rulesColl.findOneAndUpdate(
      { _id: id, version },
      { $set: values, $inc: { version: 1 } },
    );
    if (!done) throw new RegistryError('version-conflict', `${where}: ${id}'s rules changed meanwhile`);
    return rulesView(done, false);
  }

  async function list(p: Principal, input: ListRentalsInput = {}): Promise<Page<RentalView>> {
    const v = parseInput(ListRentalsInput, input, 'registry: billing: rentals');
    const reg = listingScope(p, v.registrarId, 'registry: billing: rentals');
    const filter = {
      ...(reg ? { registrarId: reg } : {}),
      ...(v.memberId ? { memberId: v.memberId } : {}),
      ...(v.state ? { state: v.state } : {}),
    };
    return page(rentals, filter, v, { list: 'billing: rentals', query: filter }, rentalView);
  }

  async function get(p: Principal, number: string): Promise<RentalView> {
    return rentalView(visible(p, await rentals.get(number), `registry: billing: rental of ${number}`));
  }

  const amountOf = (rules: RentalRules, n: InventoryNumber): number =>
    rules.base.find((b) => b.country === n.country && b.kind === n.kind)?.amount ?? rules.amounts[n.kind];

  /** Rentals for numbers assigned since the last pass (and new owners of numbers sold again). */
  async function reconcile(): Promise<number> {
    const cp = (await counters.get(CHECKPOINT))?.seq ?? 0;
    const now = clock.now();
    const batch = await numbers.find(
      { status: 'assigned', updatedAt: { $gte: cp } },
      { sort: { updatedAt: 1 }, limit: BATCH },
    );
    const rules = new Map<string, RentalRules>();
    let n = 0;
    for (const num of batch) {
      if (!num.ownerMemberId) continue;
      let r = rules.get(num.registrarId);
      if (!r) {
        r = await rulesOf(num.registrarId);
        rules.set(num.registrarId, r);
      }
      const amount = amountOf(r, num);
      if (amount <= 0) continue;
      const cur = await rentals.get(num._id);
      if (cur?.memberId === num.ownerMemberId) continue;
      const doc: Rental = {
        _id: num._id,
        registrarId: num.registrarId,
        memberId: num.ownerMemberId,
        amount,
        currency: r.currency,
        state: 'active',
        paidUntil: now,
        version: (cur?.version ?? 0) + 1,
        createdAt: now,
        updatedAt: now,
      };
      if (cur) {
        if (await rentals.findOneAndReplace({ _id: cur._id, version: cur.version }, doc)) n++;
        if (cur.state === 'suspended') await restoreDns(cur.memberId, cur._id);
      } else {
        try {
          await rentals.insert(doc);
          n++;
        } catch (err) {
          if (!(err instanceof DuplicateKeyError)) throw err;
        }
      }
    }
    // A full batch: go on from its last time next pass. Otherwise every number up to now was
    // seen; keep a minute's margin for writes still in flight (looked at again, harmlessly).
    const next = batch.length === BATCH ? batch.at(-1)!.updatedAt : Math.max(cp, now - 60_000);
    if (next > cp)
      await counters.findOneAndUpdate({ _id: CHECKPOINT }, { $set: { seq: next } }, { upsert: true });
    return n;
  }

  /** The member's DNS follows a suspension: the number publishes only the suspension marker. */
  async function suspendDns(memberId: string, number: string): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const m = await members.get(memberId);
      if (!m || m.suspendedNumbers?.includes(number)) return;
      const done = await publisher.update<Member>(
        COLLECTIONS.members,
        { _id: memberId, version: m.version },
        { $push: { suspendedNumbers: number }, $set: { updatedAt: clock.now() } },
      );
      if (done) return;
    }
    throw new Error(
      `billing: rental: member ${memberId} keeps changing; suspension of ${number} left to the next sweep`,
    );
  }

  async function restoreDns(memberId: string, number: string): Promise<void> {
    const m = await members.get(memberId);
    if (!m?.suspendedNumbers?.includes(number)) return;
    await publisher.update<Member>(
      COLLECTIONS.members,
      { _id: memberId },
      { $pull: { suspendedNumbers: number }, $set: { updatedAt: clock.now() } },
    );
  }

  /** Writes a rental's next state, conditional on the version read. */
  const step = (r: Rental, set: Partial<Rental>, unset: string[] = []) =>
    rentals.findOneAndUpdate(
      { _id: r._id, version: r.version },
      {
        $set: { ...set, updatedAt: clock.now() },
        ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}),
        $inc: { version: 1 },
      },
    );

  /** Charges the period that starts at paidUntil; true when it is paid. */
  async function charge(r: Rental): Promise<boolean> {
    const period = periodOf(r.paidUntil, opts.unit);
    const key = `rent:${r._id}:${period}`;
    const acct = await ledger.accounts.get(r.memberId);
    if (!acct || acct.currency !== r.currency) return false;
    const posting = {
      kind: 'rental' as const,
      amount: -r.amount,
      currency: r.currency,
      ref: r._id,
      memo: `rent ${period}`,
    };
    const known = await ledger.postings.get(`${r.memberId}|${key}`);
    if (!known) {
      const now = clock.now();
      const lease = await ledger.acquire(r.memberId, `rent:${r._id}`, r.amount, r.amount, now, now + HOUR);
      if (!lease) return false;
      await ledger.post(r.memberId, key, { ...posting, release: { lease: lease.id, amount: r.amount } });
    } else await ledger.post(r.memberId, key, known.posting);
    const wasSuspended = r.state === 'suspended';
    const paid = await step(
      r,
      { state: 'active', paidUntil: periodEnd(period), ...(wasSuspended ? { dns: 'restore' as const } : {}) },
      ['graceUntil', 'releaseAt', ...(wasSuspended ? [] : ['dns'])],
    );
    if (paid?.dns === 'restore') await syncDns(paid);
    return paid !== null;
  }

  async function syncDns(r: Rental): Promise<void> {
    if (r.dns === 'suspend') await suspendDns(r.memberId, r._id);
    else if (r.dns === 'restore') await restoreDns(r.memberId, r._id);
    else return;
    await rentals.findOneAndUpdate({ _id: r._id, version: r.version }, { $unset: { dns: '' } });
  }

  /** The number left its member (released, sold again): the rental ends. */
  async function ended(r: Rental): Promise<boolean> {
    const n = await numbers.get(r._id);
    if (n && n.status === 'assigned' && n.ownerMemberId === r.memberId) return false;
    if (await rentals.findOneAndDelete({ _id: r._id, version: r.version }))
      await restoreDns(r.memberId, r._id);
    return true;
  }

  /** One rental: pay what is due, or move it on in its life cycle. */
  async function advance(r: Rental): Promise<void> {
    const now = clock.now();
    if (await ended(r)) return;
    if (r.paidUntil <= now && (await charge(r))) return;
    if (r.paidUntil > now) return;
    const rules = await rulesOf(r.registrarId);
    if (r.state === 'active') {
      await step(r, { state: 'grace', graceUntil: r.paidUntil + rules.graceMs });
      log.info({ number: r._id, memberId: r.memberId }, 'billing: rental: unpaid, in grace');
    } else if (r.state === 'grace' && now >= (r.graceUntil ?? 0)) {
      const s = await step(r, { state: 'suspended', releaseAt: now + rules.suspendMs, dns: 'suspend' });
      if (s) await syncDns(s);
      log.info({ number: r._id, memberId: r.memberId }, 'billing: rental: suspended');
    } else if (r.state === 'suspended' && now >= (r.releaseAt ?? Number.POSITIVE_INFINITY)) {
      // release: out of DNS and the member, into quarantine, the rental gone
      await restoreDns(r.memberId, r._id);
      const n = await numbers.get(r._id);
      if (n && (n.status === 'assigned' || n.status === 'sold' || n.status === 'released'))
        await releaseNumber(salesCtx, n, now + rules.quarantineMs);
      await rentals.findOneAndDelete({ _id: r._id });
      log.info({ number: r._id, memberId: r.memberId }, 'billing: rental: released into quarantine');
    }
  }

  /** Charges the member's unpaid rentals now (after a top-up). */
  async function retry(memberId: string): Promise<void> {
    for (const r of await rentals.find(
      { memberId, state: { $in: ['grace', 'suspended'] } },
      { limit: BATCH },
    ))
      await advance(r);
  }

  async function sweep(): Promise<number> {
    let n = await reconcile();
    const now = clock.now();
    for (const r of await rentals.find({ dns: { $exists: true } }, { limit: BATCH })) await syncDns(r);
    for (const r of await rentals.find(
      { state: 'active', paidUntil: { $lte: now } },
      { sort: { paidUntil: 1 }, limit: BATCH },
    )) {
      await advance(r);
      n++;
    }
    for (const r of await rentals.find(
      { state: { $in: ['grace', 'suspended'] } },
      { sort: { paidUntil: 1 }, limit: BATCH },
    )) {
      await advance(r);
      n++;
    }
    return n;
  }

  return { getRules, setRules, list, get, retry, sweep, reconcile };
}
