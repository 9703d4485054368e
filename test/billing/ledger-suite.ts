// The ledger and credit leases on one store (run on the embedded store and on MongoDB/FerretDB):
// a balance is always the sum of its entries, a key posts once however retried, parallel
// postings — in this process and in others — never lose or double an entry, a crash between any
// two writes leaves a state the sweep completes, and leases never promise more than an account
// has, even with two "redirectors" racing for one account.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account, LedgerEntry } from '../../src/core/model.ts';
import { createLedger, type LedgerFaultStep } from '../../src/registry/billing/ledger.ts';
import { createWallet } from '../../src/registry/billing/wallet.ts';
import { ADMIN, codeOf, KIM, REG_A } from '../helpers/sales.ts';
import { openSpec } from '../registry/fixtures/open.ts';
import { type BillingHarness, harnessFactory, type StoreOpener } from './harness.ts';

const POSTER = fileURLToPath(new URL('./fixtures/poster.ts', import.meta.url));

async function member(h: BillingHarness, email = 'kim@example.com'): Promise<string> {
  const m = await h.members.register(REG_A, { ...KIM, email });
  await h.billing.accounts.open(REG_A, { memberId: m.id, currency: 'USD' });
  return m.id;
}

async function entries(h: BillingHarness, acct: string): Promise<LedgerEntry[]> {
  return h.billing.ledger.entries.find({ accountId: acct }, { sort: { seq: 1 } });
}

/** The account's invariants: entries 1..next with no gap, balance = their sum, available = balance − held. */
async function consistent(h: BillingHarness, acct: string): Promise<Account> {
  const a = await h.billing.ledger.fold(acct);
  const es = await entries(h, acct);
  expect(es.map((e) => e.seq)).toEqual(Array.from({ length: a.next }, (_, i) => i + 1));
  expect(a.seq).toBe(a.next);
  expect(a.pending).toBe(0);
  expect(a.balance).toBe(es.reduce((s, e) => s + (e.amount ?? 0), 0));
  const held = Object.values(a.leases).reduce((s, l) => s + l.amount, 0);
  expect(a.available).toBe(a.balance + (a.mode === 'postpaid' ? a.creditLimit : 0) - held);
  expect(a.leaseCount).toBe(Object.keys(a.leases).length);
  return a;
}

const keysOf = (es: LedgerEntry[]) => es.filter((e) => !e.noop).map((e) => e.key);

function runPoster(spec: unknown, account: string, prefix: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [POSTER, JSON.stringify({ spec, account, prefix, count })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`poster: ${code}: ${err}`)),
    );
  });
}

/**
 * How many concurrent writers the parallel tests run: FerretDB serialises writes to one
 * document through its lock documents (~20 ms a write on the shared CI machine, docs/registry.md),
 * so its suite races fewer writers on the one account; the property checked is the same.
 */
export interface LedgerSuiteScale {
  local: number;
  perChild: number;
}

export function defineLedgerSuite(
  label: string,
  open: StoreOpener,
  scale: LedgerSuiteScale = { local: 30, perChild: 25 },
): void {
  describe(`billing ledger: ${label}`, () => {
    const stores = harnessFactory(open);
    afterEach(() => stores.closeAll());

    it('keeps the balance the sum of its entries; a key posts once; another posting under a key is refused', async () => {
      const h = await stores.fresh();
      const m = await member(h);
      const top = await h.billing.accounts.post(REG_A, {
        memberId: m,
        kind: 'topup',
        amount: '10.00',
        currency: 'USD',
        key: 'k1',
      });
      expect(top).toMatchObject({
        duplicate: false,
        account: { balance: '10.00', available: '10.00' },
        entry: { seq: 1, amount: '10.00' },
      });
      const again = await h.billing.accounts.post(REG_A, {
        memberId: m,
        kind: 'topup',
        amount: '10.00',
        currency: 'USD',
        key: 'k1',
      });
      expect(again).toMatchObject({ duplicate: true, entry: { seq: 1 }, account: { balance: '10.00' } });
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: m,
            kind: 'topup',
            amount: '11.00',
            currency: 'USD',
            key: 'k1',
          }),
        ),
      ).toBe('key-reused');
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: m,
            kind: 'topup',
            amount: '1.00',
            currency: 'EUR',
            key: 'k2',
          }),
        ),
      ).toBe('currency-mismatch');
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: m,
            kind: 'topup',
            amount: '1.001',
            currency: 'USD',
            key: 'k3',
          }),
        ),
      ).toBe('invalid-input');
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: m,
            kind: 'topup',
            amount: '-1',
            currency: 'USD',
            key: 'k3',
          }),
        ),
      ).toBe('invalid-input');
      await h.billing.accounts.post(REG_A, {
        memberId: m,
        kind: 'adjustment',
        amount: '-2.50',
        currency: 'USD',
        key: 'k4',
      });
      const charged = await h.billing.accounts.post(REG_A, {
        memberId: m,
        kind: 'charge',
        amount: '7.00',
        currency: 'USD',
        key: 'k5',
      });
      expect(charged.account).toMatchObject({ balance: '0.50', available: '0.50', held: '0.00' });
      // a charge never overdraws a prepaid account
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: m,
            kind: 'charge',
            amount: '0.51',
            currency: 'USD',
            key: 'k6',
          }),
        ),
      ).toBe('insufficient-funds');
      const list = await h.billing.accounts.entries(REG_A, { memberId: m, limit: 2 });
      expect(list.items.map((e) => [e.kind, e.amount])).toEqual([
        ['topup', '10.00'],
        ['adjustment', '-2.50'],
      ]);
      await consistent(h, m);
      // another registrar's account is not there
      expect(
        await codeOf(h.billing.accounts.get({ role: 'registrar', registrarId: 'reg-b' }, { memberId: m })),
      ).toBe('not-found');
    });

    it('never loses or doubles an entry under parallel postings, in this process and in two others', async () => {
      const h = await stores.fresh();
      const m = await member(h);
      const posting = { kind: 'topup' as const, amount: 1, currency: 'USD' };
      const here = Promise.all(
        Array.from({ length: scale.local }, (_, i) =>
          Promise.all([
            h.billing.ledger.post(m, `here-${i}`, posting),
            h.billing.ledger.post(m, `here-${i}`, posting),
          ]),
        ),
      );
      const n = scale.perChild;
      const [local, c1, c2] = await Promise.all([
        here,
        runPoster(h.spec, m, 'one', n),
        runPoster(h.spec, m, 'two', n),
      ]);
      expect(local.flat().filter((r) => !r.duplicate)).toHaveLength(scale.local);
      expect([c1, c2]).toEqual([n, n]);
      const total = scale.local + 2 * n;
      const a = await consistent(h, m);
      expect(a.balance).toBe(total);
      const es = await entries(h, m);
      expect(new Set(keysOf(es)).size).toBe(total);
      expect(keysOf(es)).toHaveLength(total);
    });

    for (const step of ['seq', 'intent', 'entry'] as LedgerFaultStep[]) {
      it(`completes a posting that crashed after its ${step} write, and a retry does not post it twice`, async () => {
        let crash = false;
        const h = await stores.fresh({
          ledger: {
            graceMs: 1000,
            fault: (s) => {
              if (crash && s === step) throw new Error(`crash after ${s}`);
            },
          },
        });
        const m = await member(h);
        await h.billing.ledger.post(m, 'before', { kind: 'topup', amount: 100, currency: 'USD' });
        crash = true;
        await expect(
          h.billing.ledger.post(m, 'x', { kind: 'topup', amount: 5, currency: 'USD' }),
        ).rejects.toThrow(/crash/);
        crash = false;
        // a later posting is written; the sweep finishes the crashed one (or closes its number)
        await h.billing.ledger.post(m, 'after', { kind: 'topup', amount: 7, currency: 'USD' });
        h.clock.advance(2000);
        await h.billing.sweep();
        let a = await consistent(h, m);
        expect(a.balance).toBe(step === 'seq' ? 107 : 112);
        // the client retries its crashed request: posted exactly once in the end
        const r = await h.billing.ledger.post(m, 'x', { kind: 'topup', amount: 5, currency: 'USD' });
        expect(r.duplicate).toBe(step !== 'seq');
        a = await consistent(h, m);
        expect(a.balance).toBe(112);
        expect(keysOf(await entries(h, m)).filter((k) => k === 'x')).toHaveLength(1);
      });
    }

    for (const step of ['seq', 'intent', 'entry'] as LedgerFaultStep[]) {
      it(`completes a batch on many accounts that crashed after its ${step} writes, and a retry posts each key once`, async () => {
        let crashAt: string | null = null;
        const h = await stores.fresh({
          ledger: {
            graceMs: 1000,
            fault: (s, acct) => {
              if (s === step && acct === crashAt) throw new Error(`crash after ${s} (${acct})`);
            },
          },
        });
        const ms: string[] = [];
        for (let k = 0; k < 4; k++) ms.push(await member(h, `batch${k}@example.com`));
        for (const m of ms)
          await h.billing.ledger.post(m, 'before', { kind: 'topup', amount: 100, currency: 'USD' });
        const call = (amount: number) => ({ kind: 'call' as const, amount: -amount, currency: 'USD' });
        const items = ms.flatMap((m) => [
          { accountId: m, key: 'c1', posting: call(1) },
          { accountId: m, key: 'c2', posting: call(2) },
          { accountId: m, key: 'c1', posting: call(1) }, // the same key twice in the batch
          { accountId: m, key: 'c3', posting: call(3) },
        ]);
        // every account's writes of the step are done; the crash comes while the third's are looked at
        crashAt = ms[2]!;
        await expect(h.billing.ledger.postMany(items)).rejects.toThrow(/crash/);
        crashAt = null;
        await h.billing.ledger.post(ms[0]!, 'after', { kind: 'topup', amount: 10, currency: 'USD' });
        // numbers taken and never used are closed once seen older than the grace period: two passes
        for (let pass = 0; pass < 2; pass++) {
          h.clock.advance(2000);
          await h.billing.sweep();
        }
        for (const [k, m] of ms.entries())
          expect((await consistent(h, m)).balance).toBe((step === 'seq' ? 100 : 94) + (k === 0 ? 10 : 0));
        // the batch again (a retry, or the CDR sweep): each key posted exactly once in the end
        const again = await h.billing.ledger.postMany(items);
        expect(again.map((r) => r.duplicate)).toEqual(items.map((_, i) => i % 4 === 2 || step !== 'seq'));
        for (const [k, m] of ms.entries()) {
          expect((await consistent(h, m)).balance).toBe(94 + (k === 0 ? 10 : 0));
          expect(keysOf(await entries(h, m)).sort()).toEqual(
            ['before', 'c1', 'c2', 'c3', ...(k === 0 ? ['after'] : [])].sort(),
          );
        }
      });
    }

    it('moves a posting whose writer stalled past the grace period to a new number', async () => {
      let release!: () => void;
      const stalled = new Promise<void>((r) => {
        release = r;
      });
      let stall = true;
      const h = await stores.fresh({
        ledger: {
          graceMs: 1000,
          fault: async (s, _acct, key) => {
            if (s === 'seq' && key === 'slow' && stall) await stalled;
          },
        },
      });
      const m = await member(h);
      const slow = h.billing.ledger.post(m, 'slow', { kind: 'topup', amount: 3, currency: 'USD' });
      await new Promise((r) => setTimeout(r, 50));
      await h.billing.ledger.post(m, 'fast', { kind: 'topup', amount: 4, currency: 'USD' });
      h.clock.advance(2000);
      await h.billing.ledger.foldPending(); // closes the slow writer's number as a gap
      expect((await entries(h, m))[0]).toMatchObject({ seq: 1, noop: true });
      stall = false;
      release();
      const r = await slow;
      expect(r.entry.seq).toBe(3);
      const a = await consistent(h, m);
      expect(a.balance).toBe(7);
      expect(keysOf(await entries(h, m)).sort()).toEqual(['fast', 'slow']);
    });

    it('never leases more than is available; postings release holds; returns and expiry give the rest back', async () => {
      const h = await stores.fresh();
      const m = await member(h);
      await h.billing.ledger.post(m, 'top', { kind: 'topup', amount: 1000, currency: 'USD' });
      const now = h.clock.now();
      const l1 = await h.billing.ledger.acquire(m, 'r1', 700, 1, now + 60_000, now + 120_000);
      expect(l1?.lease.amount).toBe(700);
      const l2 = await h.billing.ledger.acquire(m, 'r2', 700, 1, now + 60_000, now + 120_000);
      expect(l2?.lease.amount).toBe(300); // what was left
      expect(await h.billing.ledger.acquire(m, 'r3', 100, 1, now, now)).toBeNull();
      // a call under l1 held 200 and cost 120: the charge posts and its hold is released
      await h.billing.ledger.post(m, 'cdr-1', {
        kind: 'call',
        amount: -120,
        currency: 'USD',
        release: { lease: l1!.id, amount: 200 },
      });
      let a = await consistent(h, m);
      expect([a.balance, a.available, a.leases[l1!.id]!.amount]).toEqual([880, 80, 500]);
      // r1 used 450 in all (200 of it released above): 250 stay held, 250 come back
      a = (await h.billing.ledger.giveBack(m, l1!.id, 450))!;
      expect([a.available, a.leases[l1!.id]!.amount]).toEqual([330, 250]);
      // r2 vanished (a crashed redirector): its lease is held until its holdUntil
      h.clock.advance(119_000);
      await h.billing.ledger.expireLeases();
      expect((await consistent(h, m)).available).toBe(330);
      h.clock.advance(2000);
      await h.billing.ledger.expireLeases();
      a = await consistent(h, m);
      expect([a.available, a.leaseCount]).toEqual([880, 0]);
    });

    it('two redirectors racing for one account never hold more than it has', async () => {
      const h = await stores.fresh();
      const m = await member(h);
      await h.billing.ledger.post(m, 'top', { kind: 'topup', amount: 10_000, currency: 'USD' });
      const other = await openSpec(h.spec);
      try {
        const ledger2 = createLedger({
          store: other,
          clock: h.clock,
          logger: (await import('../../src/core/log.ts')).silentLogger,
          periodOf: () => '2026-01',
        });
        const w1 = createWallet({
          ledger: h.billing.ledger,
          holder: 'sip-1',
          clock: h.clock,
          holdMs: 3_600_000,
          slices: 3,
        });
        const w2 = createWallet({
          ledger: ledger2,
          holder: 'sip-2',
          clock: h.clock,
          holdMs: 3_600_000,
          slices: 3,
        });
        let held = 0;
        let refused = 0;
        const call = async (w: typeof w1, hold: number) => {
          const t = await w.reserve(m, hold, hold);
          if (t.amount === hold) held += t.amount;
          else {
            expect(t.amount).toBe(0);
            refused++;
          }
        };
        // 400 calls want ~15,600 of the 10,000 the account has
        await Promise.all(Array.from({ length: 400 }, (_, i) => call(i % 2 ? w1 : w2, 37 + (i % 5))));
        expect(held).toBeLessThanOrEqual(10_000);
        // they did not leave much unused: a call or two per lease, and at most one renewal ahead —
        // capped at the share (1/8) of what was available then — that the other redirector took
        // for calls that did not come (docs/billing.md, "Known limits"; given back when idle)
        expect(held).toBeGreaterThan(10_000 - 3 * 41 * 2 - 41 - 10_000 / 8);
        expect(refused).toBeGreaterThan(0);
        const a = await consistent(h, m);
        expect(a.available).toBeGreaterThanOrEqual(0);
        // both give back what they did not use: the account holds exactly what calls hold
        await w1.close();
        await w2.close();
        const after = await consistent(h, m);
        expect(10_000 - after.available).toBe(held);
      } finally {
        await other.close();
      }
    });

    it('charges a postpaid account up to its credit limit', async () => {
      const h = await stores.fresh();
      const mm = await h.members.register(REG_A, { ...KIM, email: 'post@example.com' });
      await h.billing.accounts.open(ADMIN, {
        memberId: mm.id,
        currency: 'EUR',
        mode: 'postpaid',
        creditLimit: '50.00',
      });
      const r = await h.billing.accounts.post(REG_A, {
        memberId: mm.id,
        kind: 'charge',
        amount: '49.99',
        currency: 'EUR',
        key: 'c1',
      });
      expect(r.account).toMatchObject({ balance: '-49.99', available: '0.01', creditLimit: '50.00' });
      expect(
        await codeOf(
          h.billing.accounts.post(REG_A, {
            memberId: mm.id,
            kind: 'charge',
            amount: '0.02',
            currency: 'EUR',
            key: 'c2',
          }),
        ),
      ).toBe('insufficient-funds');
      // the currency cannot change once it has entries
      expect(
        await codeOf(
          h.billing.accounts.open(REG_A, {
            memberId: mm.id,
            currency: 'USD',
            mode: 'postpaid',
            creditLimit: '50.00',
          }),
        ),
      ).toBe('currency-mismatch');
      await consistent(h, mm.id);
    });
  });
}
