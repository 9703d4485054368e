// Number sales on one store (run on the embedded store and on MongoDB/FerretDB): the whole life
// cycle, the concurrency proofs (50 reservations, concurrent payments), expiry with an injected
// clock, the crash windows between the documents of a sale, and ownership between registrars.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Member, Order, PaymentRecord } from '../../src/core/model.ts';
import { ADMIN, codeOf, REG_A, REG_B } from '../helpers/sales.ts';
import { type Harness, harnessFactory, ownersOf, type StoreOpener } from './sales-harness.ts';

const SEOUL = 'pin:+82262006200';
const SEOUL_OWNER = '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test';
const RESERVER = fileURLToPath(new URL('./fixtures/sales-reserver.ts', import.meta.url));

async function stockSeoul(h: Harness, count = 5) {
  await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', range: { first: '02-6200-6198', count } });
}

async function kim(h: Harness, email = 'kim@example.com') {
  return h.members.register(REG_A, { type: 'individual', displayName: 'Kim', email, country: 'KR' });
}

async function acme(h: Harness, domain = 'acme.example') {
  return h.members.register(REG_A, { type: 'company', displayName: 'Acme', domain, country: 'KR' });
}

function approved(r: Awaited<ReturnType<Harness['sales']['reserve']>>) {
  if (!r.approved) throw new Error(`expected an approval, got ${r.reason}: ${r.message}`);
  return r;
}

export function defineSalesSuite(label: string, open: StoreOpener): void {
  describe(`sales: ${label}`, () => {
    const stores = harnessFactory(open);
    afterEach(() => stores.closeAll());

    it('runs the whole life cycle: stock, search, reserve, pay, assign, DNS, release, sell again', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const found = await h.sales.search(REG_A, { country: 'KR', kind: 'pin', pattern: '262006200' });
      expect(found.items.map((o) => [o.id, o.display])).toEqual([[SEOUL, '02-6200-6200-082']]);
      const m = await kim(h);
      const r = approved(await h.sales.reserve(REG_A, { number: '02-6200-6200-082', memberId: m.id }));
      expect(r.order.status).toBe('reserved');
      expect(r.expiresAt).toBe(h.clock.now() + 60_000);
      expect(
        (await h.sales.search(REG_A, { country: 'KR', kind: 'pin', pattern: '262006200' })).items,
      ).toEqual([]);

      const paid = await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-1', amount: r.price });
      expect(paid).toMatchObject({
        assigned: true,
        duplicate: false,
        order: { status: 'paid', paymentReference: 'psp-1' },
      });
      expect(paid.number).toMatchObject({ status: 'assigned', ownerMemberId: m.id });
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toEqual([
        { kind: 'pin', e164: '+82262006200' },
      ]);
      expect(await ownersOf(h.journal, m.id)).toContain(SEOUL_OWNER);

      const released = await h.sales.release(REG_A, { number: SEOUL });
      expect(released.status).toBe('available');
      expect(released.ownerMemberId).toBeUndefined();
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toEqual([]);
      expect(await ownersOf(h.journal, m.id)).not.toContain(SEOUL_OWNER);
      // The historical order stays paid.
      expect((await h.sales.getOrder(REG_A, { orderId: r.order.id })).status).toBe('paid');

      const again = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      expect(again.order.id).not.toBe(r.order.id);
    });

    it("answers patterns that start with '*' from the n-grams: the same pages as the digits index, in digit order", async () => {
      const h = await stores.fresh();
      // 02-6200-0000 .. 02-6200-0299 and a few others, two registrars
      await h.sales.stock(REG_A, {
        country: 'KR',
        kind: 'pin',
        range: { first: '02-6200-0000', count: 300 },
      });
      await h.sales.stock(REG_B, { country: 'KR', kind: 'pin', numbers: ['031-888-8888', '02-1234-8888'] });
      await h.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200', '1888-8123'] });
      const m = await kim(h);
      const held = approved(await h.sales.reserve(REG_A, { number: '02-6200-0188-082', memberId: m.id }));
      const patterns = ['*0188', '*0?88', '*8888', '*6200*', '*00*1?8', '*888*', '*2000*'];
      const queries = [
        ...patterns.map((pattern) => ({ country: 'KR', kind: 'pin' as const, pattern })),
        { country: 'KR', kind: 'vns' as const, pattern: '*8888*' },
        { country: 'KR', kind: 'vns' as const, pattern: '*8812*' },
        { country: 'KR', kind: 'pin' as const, pattern: '*0188*', maxPrice: 1 },
      ];
      /** Every page of a search, 40 at a time. */
      const all = async (q: (typeof queries)[number], who = ADMIN) => {
        const out: string[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < 200; i++) {
          const p = await h.sales.search(who, { ...q, limit: 40, ...(cursor ? { cursor } : {}) });
          out.push(...p.items.map((o) => o.id));
          if (!p.next) break;
          cursor = p.next;
        }
        return out;
      };
      const before = new Map<string, string[]>();
      for (const q of queries) before.set(JSON.stringify(q), await all(q));
      expect(before.get(JSON.stringify(queries[2]))).toEqual(['pin:+82212348888', 'pin:+82318888888']);
      expect(before.get(JSON.stringify(queries[0]))).toEqual([]); // reserved: not offered
      expect(before.get(JSON.stringify(queries[3]))!.length).toBe(299);
      // the grams of the numbers stocked are written with them; the backfill marks them ready
      expect(await h.sales.indexGrams()).toBeGreaterThanOrEqual(304);
      const grams = h.store.collection<{ _id: string; numberId?: string }>('numberGrams');
      expect(await grams.get('KR|pin|8888|82318888888')).toMatchObject({ numberId: 'pin:+82318888888' });
      for (const q of queries) expect(await all(q), JSON.stringify(q)).toEqual(before.get(JSON.stringify(q)));
      // a registrar sees its own only; a cursor of one path continues on the other's pages
      expect(await all(queries[2]!, REG_A)).toEqual([]);
      await h.sales.cancel(REG_A, { orderId: held.order.id });
      expect(await all(queries[0]!)).toEqual(['pin:+82262000188']);
      expect(await h.sales.indexGrams()).toBe(0);
      // the answer came from the grams: a number whose gram is gone is not found by it
      await grams.findOneAndDelete({ _id: 'KR|pin|8888|82318888888' });
      expect(await all(queries[2]!)).toEqual(['pin:+82212348888']);
    }, 120_000);

    it('sells a VNS base once worldwide and publishes the branches a company registers', async () => {
      const h = await stores.fresh();
      await h.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
      const other = await h.sales.stock(REG_B, {
        country: 'US',
        kind: 'vns',
        numbers: ['62006200', '7000-7000'],
      });
      expect(other).toEqual({ registrarId: 'reg-b', stocked: 1, existing: ['vns:62006200'] });

      const person = await kim(h);
      expect(await codeOf(h.sales.reserve(REG_A, { number: 'vns:62006200', memberId: person.id }))).toBe(
        'member-type',
      );
      const company = await acme(h);
      const r = approved(await h.sales.reserve(REG_A, { number: '6200-6200#082', memberId: company.id }));
      await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'vns-1', amount: r.price });
      const m = await h.members.setBranches(REG_A, {
        memberId: company.id,
        base: '6200-6200',
        branches: [
          { country: 'KR', pstn: '02-6200-6200' },
          { country: 'US', sipUri: 'sip:acme@us.acme.example' },
        ],
      });
      expect(m.numbers).toEqual([
        {
          kind: 'vns',
          base: '62006200',
          branches: [
            { country: 'KR', pstn: '+82262006200' },
            { country: 'US', sipUri: 'sip:acme@us.acme.example' },
          ],
        },
      ]);
      expect(await ownersOf(h.journal, company.id)).toEqual([
        '0.0.2.6.0.0.2.6.1.vns.callx.test',
        '0.0.2.6.0.0.2.6.82.vns.callx.test',
        'acme.example.domains.callx.test',
      ]);
      // Sold: nobody else can have it, whatever registrar asks.
      expect(await h.sales.reserve(ADMIN, { number: 'vns:62006200' })).toMatchObject({
        approved: false,
        reason: 'taken',
      });
    });

    it('rejects reservations with a machine-readable reason', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      const reasons = async (number: string, p = REG_A) => {
        const r = await h.sales.reserve(p, { number });
        return r.approved ? 'approved' : r.reason;
      };
      expect(await reasons('02-6200')).toBe('invalid');
      expect(await reasons('alice@example.com')).toBe('invalid');
      expect(await reasons('+82 2 6300 0000')).toBe('not-offered');
      expect(await reasons('02-6200-6199-082', REG_B)).toBe('not-offered'); // reg-a's number
      expect(await reasons(SEOUL)).toBe('held');
      const sold = approved(await h.sales.reserve(REG_A, { number: '02-6200-6199-082' }));
      await h.sales.pay(REG_A, { orderId: sold.order.id, reference: 'x', amount: sold.price });
      expect(await reasons('02-6200-6199-082')).toBe('taken');
      const r = await h.sales.reserve(REG_A, { number: '02-6200' });
      expect(r).toMatchObject({ approved: false, message: expect.stringContaining('02-6200') });
    });

    it('approves exactly one of 50 concurrent reservations of one number', async () => {
      const h = await stores.fresh();
      await stockSeoul(h, 1);
      await h.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200'] });
      const results = await Promise.all(
        Array.from({ length: 50 }, () => h.sales.reserve(REG_A, { number: SEOUL })),
      );
      const wins = results.filter((r) => r.approved);
      expect(wins).toHaveLength(1);
      expect(results.filter((r) => !r.approved && r.reason === 'held')).toHaveLength(49);
      const n = await h.store.collection<InventoryNumber>('numbers').get(SEOUL);
      expect(n?.reservation?.orderId).toBe(wins[0]!.approved ? wins[0]!.order.id : '');
      expect(await h.store.collection<Order>('orders').count({ numberId: SEOUL })).toBe(1);
    }, 120_000);

    it('approves exactly one reservation across four processes racing for one number', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const runs = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          runReserver({ spec: h.spec, number: SEOUL, count: 12, tag: `p${i}` }),
        ),
      );
      const lines = runs.flat();
      expect(lines).toHaveLength(48);
      expect(lines.filter((l) => l.startsWith('approved'))).toHaveLength(1);
      expect(lines.filter((l) => l === 'held')).toHaveLength(47);
    }, 120_000);

    it('records the same payment reference once, even concurrently', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const m = await kim(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          h.sales.pay(REG_A, { orderId: r.order.id, reference: 'same', amount: r.price }),
        ),
      );
      expect(results.filter((p) => !p.duplicate)).toHaveLength(1);
      expect(new Set(results.map((p) => p.order.status))).toEqual(new Set(['paid']));
      expect(await h.store.collection<PaymentRecord>('payments').count({})).toBe(1);
      const member = await h.store.collection<Member>('members').get(m.id);
      expect(member?.numbers).toEqual([{ kind: 'pin', e164: '+82262006200' }]);
      expect(await h.store.collection<InventoryNumber>('numbers').get(SEOUL)).toMatchObject({
        status: 'assigned',
      });
    }, 120_000);

    it('sells an order once when payments with different references race', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const m = await kim(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      const refs = ['a', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
      const results = await Promise.allSettled(
        refs.map((reference) => h.sales.pay(REG_A, { orderId: r.order.id, reference, amount: r.price })),
      );
      const ok = results.flatMap((x, i) => (x.status === 'fulfilled' ? [refs[i]!] : []));
      const failed = results.flatMap((x) =>
        x.status === 'rejected' ? [(x.reason as { code: string }).code] : [],
      );
      expect(new Set(ok).size).toBe(1);
      expect(failed.every((c) => c === 'already-paid')).toBe(true);
      const winner = ok[0]!;
      const order = await h.sales.getOrder(REG_A, { orderId: r.order.id });
      expect(order).toMatchObject({ status: 'paid', paymentReference: winner });
      const n = await h.store.collection<InventoryNumber>('numbers').get(SEOUL);
      expect(n).toMatchObject({ status: 'assigned', paymentId: `reg-a:${winner}`, ownerMemberId: m.id });
      const payments = await h.store.collection<PaymentRecord>('payments').find({}, { sort: { _id: 1 } });
      expect(payments.map((p) => [p.reference, p.refundDue !== undefined])).toEqual(
        [...new Set(refs)].sort().map((ref) => [ref, ref !== winner]),
      );
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toHaveLength(1);
    }, 120_000);

    it('refuses payments that do not fit: wrong amount, reused reference, unknown order', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const r1 = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      const r2 = approved(await h.sales.reserve(REG_A, { number: '02-6200-6199-082' }));
      expect(
        await codeOf(
          h.sales.pay(REG_A, {
            orderId: r1.order.id,
            reference: 'p',
            amount: { amount: 1, currency: 'USD' },
          }),
        ),
      ).toBe('amount-mismatch');
      expect(
        await codeOf(
          h.sales.pay(REG_A, {
            orderId: r1.order.id,
            reference: 'p',
            amount: { ...r1.price, currency: 'EUR' },
          }),
        ),
      ).toBe('amount-mismatch');
      await h.sales.pay(REG_A, { orderId: r1.order.id, reference: 'p', amount: r1.price });
      expect(
        await codeOf(h.sales.pay(REG_A, { orderId: r2.order.id, reference: 'p', amount: r2.price })),
      ).toBe('payment-reference-reused');
      expect(await codeOf(h.sales.pay(REG_A, { orderId: 'o_nope', reference: 'q', amount: r2.price }))).toBe(
        'not-found',
      );
      expect(
        await codeOf(
          h.sales.pay(REG_A, {
            orderId: r2.order.id,
            reference: 'q',
            amount: { amount: -1, currency: 'USD' },
          }),
        ),
      ).toBe('invalid-input');
    });

    it('expires reservations by the injected clock: lazily at the next reserve, and by the sweep', async () => {
      const h = await stores.fresh({ reservationTtlMs: 60_000 });
      await stockSeoul(h);
      const first = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      const other = approved(await h.sales.reserve(REG_A, { number: '02-6200-6199-082' }));
      h.clock.advance(59_999);
      expect(await h.sales.reserve(REG_A, { number: SEOUL })).toMatchObject({
        approved: false,
        reason: 'held',
      });
      h.clock.advance(1);
      // Lazily: the next reservation takes the number over and closes the old order.
      const second = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      expect((await h.sales.getOrder(REG_A, { orderId: first.order.id })).status).toBe('expired');
      // Paying the expired order now is refused and the payment is marked for refund.
      expect(
        await codeOf(h.sales.pay(REG_A, { orderId: first.order.id, reference: 'late', amount: first.price })),
      ).toBe('order-not-payable');
      expect(
        (await h.store.collection<PaymentRecord>('payments').get('reg-a:late'))?.refundDue,
      ).toBeDefined();
      // By the sweep: the other reservation expired too.
      h.clock.advance(1);
      expect(await h.sales.sweep()).toMatchObject({ expired: 1 });
      expect((await h.sales.getOrder(REG_A, { orderId: other.order.id })).status).toBe('expired');
      expect((await h.sales.getNumber(REG_A, { number: '02-6200-6199-082' })).status).toBe('available');
      // The second reservation is still within its time.
      expect((await h.sales.getOrder(REG_A, { orderId: second.order.id })).status).toBe('reserved');
    });

    it('a payment recorded in time wins over expiry, even when its sale was interrupted', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const m = await kim(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      // Crash right after the payment was recorded (pay()'s first write).
      await h.store.collection<PaymentRecord>('payments').insert({
        _id: 'reg-a:early',
        orderId: r.order.id,
        amount: r.price,
        at: h.clock.now(),
        registrarId: 'reg-a',
        reference: 'early',
      });
      h.clock.advance(120_000);
      expect(await h.sales.reserve(REG_A, { number: SEOUL })).toMatchObject({
        approved: false,
        reason: 'taken',
      });
      expect((await h.sales.getOrder(REG_A, { orderId: r.order.id })).status).toBe('paid');
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toEqual([
        { kind: 'pin', e164: '+82262006200' },
      ]);
    });

    it('a retried payment completes a sale interrupted after any of its writes', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const m = await kim(h);
      const numbers = h.store.collection<InventoryNumber>('numbers');
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      // Crash after step 1: the payment is recorded and the number sold, nothing else.
      await h.store.collection<PaymentRecord>('payments').insert({
        _id: 'reg-a:p1',
        orderId: r.order.id,
        amount: r.price,
        at: h.clock.now(),
        registrarId: 'reg-a',
        reference: 'p1',
      });
      await numbers.findOneAndUpdate(
        { _id: SEOUL },
        {
          $set: { status: 'sold', orderId: r.order.id, paymentId: 'reg-a:p1', ownerMemberId: m.id },
          $unset: { reservation: '' },
          $inc: { version: 1 },
        },
      );
      const retried = await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'p1', amount: r.price });
      expect(retried).toMatchObject({ duplicate: true, assigned: true, order: { status: 'paid' } });
      expect(await numbers.get(SEOUL)).toMatchObject({ status: 'assigned', ownerMemberId: m.id });
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toHaveLength(1);
      // And again: nothing changes.
      const third = await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'p1', amount: r.price });
      expect(third.number.version).toBe(retried.number.version);
    });

    it('the sweep finishes an assignment and a release that a crash interrupted', async () => {
      const h = await stores.fresh({ settleMs: 1_000 });
      await stockSeoul(h);
      const m = await kim(h);
      const numbers = h.store.collection<InventoryNumber>('numbers');
      // A sale that stopped after the member got the number (step 4), before step 5.
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
      await numbers.findOneAndUpdate({ _id: SEOUL }, { $set: { status: 'sold', updatedAt: h.clock.now() } });
      // A release that stopped after its first step.
      const r2 = approved(await h.sales.reserve(REG_A, { number: '02-6200-6199-082', memberId: m.id }));
      await h.sales.pay(REG_A, { orderId: r2.order.id, reference: 'q', amount: r2.price });
      await numbers.findOneAndUpdate(
        { _id: 'pin:+82262006199' },
        { $set: { status: 'released', releasedAt: h.clock.now(), updatedAt: h.clock.now() } },
      );
      expect(await h.sales.sweep()).toMatchObject({ completed: 0, released: 0 }); // too fresh
      h.clock.advance(2_000);
      expect(await h.sales.sweep()).toMatchObject({ completed: 1, released: 1 });
      expect(await numbers.get(SEOUL)).toMatchObject({ status: 'assigned' });
      expect(await numbers.get('pin:+82262006199')).toMatchObject({ status: 'available' });
      expect((await h.members.get(REG_A, { memberId: m.id })).numbers).toEqual([
        { kind: 'pin', e164: '+82262006200' },
      ]);
      expect(await ownersOf(h.journal, m.id)).toContain(SEOUL_OWNER);
    });

    it('cancels a reservation; a cancelled order cannot be paid, a paid one cannot be cancelled', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      expect((await h.sales.cancel(REG_A, { orderId: r.order.id })).status).toBe('cancelled');
      expect((await h.sales.cancel(REG_A, { orderId: r.order.id })).status).toBe('cancelled');
      expect((await h.sales.getNumber(REG_A, { number: SEOUL })).status).toBe('available');
      expect(await codeOf(h.sales.pay(REG_A, { orderId: r.order.id, reference: 'x', amount: r.price }))).toBe(
        'order-not-payable',
      );
      const r2 = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      await h.sales.pay(REG_A, { orderId: r2.order.id, reference: 'y', amount: r2.price });
      expect(await codeOf(h.sales.cancel(REG_A, { orderId: r2.order.id }))).toBe('order-state');
      // Releasing a reserved number is refused (cancel its order); an available one is already released.
      approved(await h.sales.reserve(REG_A, { number: '02-6200-6198-082' }));
      expect(await codeOf(h.sales.release(REG_A, { number: '02-6200-6198-082' }))).toBe('number-state');
      expect((await h.sales.release(REG_A, { number: '02-6200-6199-082' })).status).toBe('available');
    });

    it('assigns a paid order to a member registered after paying', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL }));
      const paid = await h.sales.pay(REG_A, { orderId: r.order.id, reference: 'p', amount: r.price });
      expect(paid).toMatchObject({ assigned: false, number: { status: 'sold' } });
      const m = await kim(h);
      const done = await h.sales.assign(REG_A, { orderId: r.order.id, memberId: m.id });
      expect(done.number).toMatchObject({ status: 'assigned', ownerMemberId: m.id });
      expect(done.order.memberId).toBe(m.id);
      const other = await kim(h, 'lee@example.com');
      expect(await codeOf(h.sales.assign(REG_A, { orderId: r.order.id, memberId: other.id }))).toBe(
        'number-state',
      );
    });

    it('keeps registrars apart: B neither sees nor changes A’s numbers, orders and members', async () => {
      const h = await stores.fresh();
      await stockSeoul(h);
      const m = await kim(h);
      const r = approved(await h.sales.reserve(REG_A, { number: SEOUL, memberId: m.id }));
      expect((await h.sales.search(REG_B, { country: 'KR', kind: 'pin' })).items).toEqual([]);
      expect((await h.sales.search(ADMIN, { country: 'KR', kind: 'pin' })).items).toHaveLength(4);
      expect(await codeOf(h.sales.search(REG_B, { country: 'KR', kind: 'pin', registrarId: 'reg-a' }))).toBe(
        'forbidden',
      );
      expect(
        await codeOf(
          h.sales.stock(REG_B, {
            registrarId: 'reg-a',
            country: 'KR',
            kind: 'pin',
            numbers: ['02-6300-0000'],
          }),
        ),
      ).toBe('forbidden');
      expect(await codeOf(h.sales.getOrder(REG_B, { orderId: r.order.id }))).toBe('not-found');
      expect(await codeOf(h.sales.pay(REG_B, { orderId: r.order.id, reference: 'b', amount: r.price }))).toBe(
        'not-found',
      );
      expect(await codeOf(h.sales.cancel(REG_B, { orderId: r.order.id }))).toBe('not-found');
      expect(await codeOf(h.sales.getNumber(REG_B, { number: SEOUL }))).toBe('not-found');
      expect(await codeOf(h.sales.release(REG_B, { number: SEOUL }))).toBe('not-found');
      expect((await h.sales.listOrders(REG_B)).items).toEqual([]);
      expect((await h.sales.listInventory(REG_B)).items).toEqual([]);
      expect((await h.sales.listOrders(REG_A)).items.map((o) => o.id)).toEqual([r.order.id]);
      expect((await h.sales.listInventory(ADMIN, { registrarId: 'reg-a' })).items).toHaveLength(5);
      // Reserving for another registrar's member is refused.
      await h.sales.stock(REG_B, { country: 'KR', kind: 'pin', numbers: ['02-6300-0000'] });
      expect(await codeOf(h.sales.reserve(REG_B, { number: '02-6300-0000-082', memberId: m.id }))).toBe(
        'not-found',
      );
      expect(await codeOf(h.members.get(REG_B, { memberId: m.id }))).toBe('not-found');
      // The admin sees everything.
      expect((await h.sales.getOrder(ADMIN, { orderId: r.order.id })).id).toBe(r.order.id);
    });

    it('prices by the registrar’s rules when stocked, and re-prices available numbers only', async () => {
      const h = await stores.fresh();
      const rules = {
        currency: 'KRW',
        defaultBase: { pin: 10_000, vns: 50_000 },
        base: [{ country: 'KR', kind: 'pin' as const, amount: 20_000 }],
        premiums: [{ pattern: 'doubled' as const, minRun: 8, amount: 100_000, perExtraDigit: 0 }],
      };
      expect(await h.sales.getPriceRules(REG_A)).toMatchObject({ isDefault: true, version: 0 });
      const set = await h.sales.setPriceRules(REG_A, { rules, expectedVersion: 0 });
      expect(set).toMatchObject({ version: 1, isDefault: false });
      expect(await codeOf(h.sales.setPriceRules(REG_A, { rules, expectedVersion: 0 }))).toBe(
        'version-conflict',
      );
      await h.sales.stock(REG_A, {
        country: 'KR',
        kind: 'vns',
        numbers: ['6200-6200', '6200-6201', '1234-1234'],
      });
      const prices = async () =>
        Object.fromEntries(
          (await h.sales.listInventory(REG_A)).items.map((n) => [
            n.base,
            [n.status, n.price.amount, n.price.currency],
          ]),
        );
      expect(await prices()).toEqual({
        '12341234': ['available', 150_000, 'KRW'],
        '62006200': ['available', 150_000, 'KRW'],
        '62006201': ['available', 50_000, 'KRW'],
      });
      const cheap = await h.sales.search(REG_A, { country: 'KR', kind: 'vns', maxPrice: 60_000 });
      expect(cheap.items.map((o) => o.base)).toEqual(['62006201']);
      approved(await h.sales.reserve(REG_A, { number: 'vns:62006200' }));
      await h.sales.setPriceRules(REG_A, {
        rules: { ...rules, defaultBase: { pin: 1, vns: 2 } },
        expectedVersion: 1,
      });
      expect(await h.sales.reprice(REG_A, { kind: 'vns' })).toEqual({
        registrarId: 'reg-a',
        examined: 2,
        changed: 2,
      });
      expect(await prices()).toEqual({
        '12341234': ['available', 100_002, 'KRW'],
        '62006200': ['reserved', 150_000, 'KRW'],
        '62006201': ['available', 2, 'KRW'],
      });
    });

    it('pages search results with an opaque cursor, in digit order, stable under reservations', async () => {
      const h = await stores.fresh();
      await h.sales.stock(REG_A, { country: 'KR', kind: 'vns', range: { first: '5000-0000', count: 30 } });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await h.sales.search(REG_A, {
          country: 'KR',
          kind: 'vns',
          pattern: '5000*',
          limit: 7,
          cursor,
        });
        seen.push(...res.items.map((o) => o.base!));
        if (page === 1) approved(await h.sales.reserve(REG_A, { number: 'vns:50000029' }));
        if (!res.next) break;
        cursor = res.next;
      }
      const expected = Array.from({ length: 29 }, (_, i) => String(50_000_000 + i));
      expect(seen).toEqual(expected);
      const first = await h.sales.search(REG_A, { country: 'KR', kind: 'vns', limit: 5 });
      expect(
        await codeOf(h.sales.search(REG_A, { country: 'KR', kind: 'pin', limit: 5, cursor: first.next! })),
      ).toBe('bad-cursor');
      expect(await codeOf(h.sales.search(REG_A, { country: 'KR', kind: 'vns', limit: 500 }))).toBe(
        'invalid-input',
      );
      expect(await codeOf(h.sales.search(REG_A, { country: 'KR', kind: 'vns', pattern: '5000[0-9]' }))).toBe(
        'invalid-input',
      );
    });

    it('refuses invalid stock blocks whole, with the reason for each number', async () => {
      const h = await stores.fresh();
      const err = await h.sales
        .stock(REG_A, { country: 'KR', kind: 'pin', numbers: ['02-6200-6200', '+1 212 555 0100', 'x'] })
        .catch((e) => e);
      expect(err).toMatchObject({ code: 'invalid-input', details: { invalidCount: 2 } });
      expect(err.issues.map((i: { message: string }) => i.message)).toEqual([
        expect.stringContaining('not of KR'),
        expect.stringContaining('not a telephone number'),
      ]);
      expect((await h.sales.listInventory(ADMIN)).items).toEqual([]);
      expect(
        await codeOf(
          h.sales.stock(REG_A, {
            country: 'KR',
            kind: 'pin',
            range: { first: '02-6200-0000', count: 10_001 },
          }),
        ),
      ).toBe('invalid-input');
      expect(
        await codeOf(h.sales.stock(ADMIN, { country: 'KR', kind: 'pin', numbers: ['02-6200-0000'] })),
      ).toBe('invalid-input');
    });
  });
}

/** Runs the reserver fixture in a child process; resolves with its output lines. */
function runReserver(args: {
  spec: Harness['spec'];
  number: string;
  count: number;
  tag: string;
}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RESERVER, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out.split('\n').filter((l) => l !== ''))
        : reject(new Error(`reserver ${args.tag} exited ${code}: ${err}`)),
    );
  });
}
