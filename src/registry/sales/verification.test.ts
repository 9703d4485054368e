// Proof of ownership of a PIN (issue 11): a PIN is a real subscriber's existing number, so a
// paid PIN order is pending-verification and nothing is published until the registrar records
// the evidence (a letter of authorisation, or a code the member confirms from that line through
// the country center) and the admin or the registrar approves.
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryNumber, Member } from '#core';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';
import { CODE_TTL_MS, MAX_CODE_ATTEMPTS } from './verification.ts';

describe('PIN proof of ownership', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  /** A KR PIN reserved and paid by a member: the order as pay() leaves it. */
  async function paid(number = '+82262006200') {
    s = await embeddedServices({ verifyPins: true });
    await s.sales.stock(REG_A, { country: 'KR', kind: 'pin', numbers: [number, '+82262006201'] });
    const m = await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number, memberId: m.id });
    if (!r.approved) throw new Error(r.message);
    const p = await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-1', amount: r.price });
    return { member: m, orderId: r.order.id, pay: p, price: r.price };
  }
  const numbers = () => s.store.collection<InventoryNumber>('numbers');
  const memberNumbers = async (id: string) => (await s.store.collection<Member>('members').get(id))?.numbers;
  const journaled = async () => (await s.journal.readAfter(0, 100)).map((e) => e.source);

  it('a paid PIN waits, pending-verification, with nothing published and nothing assignable', async () => {
    const { member, orderId, pay } = await paid();
    expect(pay).toMatchObject({
      order: { status: 'pending-verification' },
      number: { status: 'sold' },
      assigned: false,
    });
    expect(pay.number.ownerMemberId).toBeUndefined(); // the buyer stays on the order only
    expect(await memberNumbers(member.id)).toEqual([]);
    // the member's document was journaled once, at registration: its number never was
    expect((await journaled()).filter((x) => x === `members/${member.id}`)).toHaveLength(1);
    expect(await codeOf(s.sales.assign(REG_A, { orderId, memberId: member.id }))).toBe(
      'verification-required',
    );
    expect(await codeOf(s.sales.approve(REG_A, { orderId }))).toBe('verification-required');
    // paying again, and the sweep, leave it waiting
    const again = await s.sales.pay(REG_A, { orderId, reference: 'psp-1', amount: pay.order.price });
    expect(again).toMatchObject({
      duplicate: true,
      assigned: false,
      order: { status: 'pending-verification' },
    });
    s.clock.advance(3_600_000);
    await s.sales.sweep();
    expect((await numbers().get('pin:+82262006200'))?.status).toBe('sold');
    expect(await memberNumbers(member.id)).toEqual([]);
  });

  it('a letter of authorisation, then the registrar approves: paid, assigned, published', async () => {
    const { member, orderId } = await paid();
    const ev = await s.sales.recordEvidence(REG_A, { orderId, method: 'loa', reference: 'LOA-2026-0042' });
    expect(ev.order.verification).toMatchObject({
      method: 'loa',
      reference: 'LOA-2026-0042',
      recordedBy: 'registrar:reg-a',
    });
    const ok = await s.sales.approve(REG_A, { orderId });
    expect(ok).toMatchObject({
      order: { status: 'paid', verification: { approvedBy: 'registrar:reg-a' } },
      number: { status: 'assigned', ownerMemberId: member.id },
      assigned: true,
    });
    expect(await memberNumbers(member.id)).toEqual([{ kind: 'pin', e164: '+82262006200' }]);
    expect(await codeOf(s.sales.approve(REG_A, { orderId }))).toBe('order-state');
  });

  it('a code the member confirms from the line through the center (the operator), then the admin approves', async () => {
    const { member, orderId } = await paid();
    const { code, order } = await s.sales.recordEvidence(REG_A, { orderId, method: 'code' });
    expect(code).toMatch(/^\d{8}$/);
    expect(JSON.stringify(order)).not.toContain(code!); // shown once, stored hashed
    expect(await codeOf(s.sales.approve(ADMIN, { orderId }))).toBe('verification-required');
    // only the operator's centers confirm; the registrar cannot confirm its own code
    expect(await codeOf(s.sales.confirmCode(REG_A, { line: '+82262006200', code: code! }))).toBe('forbidden');
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const bad = await s.sales
      .confirmCode(ADMIN, { line: '+82262006200', code: wrong })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({
      code: 'verification-failed',
      details: { attemptsLeft: MAX_CODE_ATTEMPTS - 1 },
    });
    // another line (another number) has nothing to confirm
    expect(await codeOf(s.sales.confirmCode(ADMIN, { line: '+82262006201', code: code! }))).toBe('not-found');
    const confirmed = await s.sales.confirmCode(ADMIN, { line: '02-6200-6200-082', code: code! });
    expect(confirmed.order.verification).toMatchObject({
      method: 'code',
      attempts: 1,
      confirmedAt: expect.any(Number),
    });
    expect(await s.sales.approve(ADMIN, { orderId })).toMatchObject({
      order: { status: 'paid' },
      assigned: true,
    });
    expect(await memberNumbers(member.id)).toEqual([{ kind: 'pin', e164: '+82262006200' }]);
  });

  it('a code is void after too many wrong tries, or a week; a new one replaces it', async () => {
    const { orderId } = await paid();
    const first = (await s.sales.recordEvidence(REG_A, { orderId, method: 'code' })).code!;
    const wrong = first === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++)
      expect(await codeOf(s.sales.confirmCode(ADMIN, { line: '+82262006200', code: wrong }))).toBe(
        'verification-failed',
      );
    expect(await codeOf(s.sales.confirmCode(ADMIN, { line: '+82262006200', code: first }))).toBe(
      'verification-failed',
    );
    const second = (await s.sales.recordEvidence(REG_A, { orderId, method: 'code' })).code!;
    s.clock.advance(CODE_TTL_MS);
    expect(await codeOf(s.sales.confirmCode(ADMIN, { line: '+82262006200', code: second }))).toBe(
      'verification-failed',
    );
  });

  it('another registrar sees nothing of the order; a VNS needs no proof', async () => {
    const { orderId } = await paid();
    expect(await codeOf(s.sales.recordEvidence(REG_B, { orderId, method: 'loa', reference: 'x' }))).toBe(
      'not-found',
    );
    expect(await codeOf(s.sales.approve(REG_B, { orderId }))).toBe('not-found');
    await s.sales.stock(REG_A, { country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
    const acme = await s.members.register(REG_A, {
      type: 'company',
      displayName: 'A',
      domain: 'acme.example',
      country: 'KR',
    });
    const r = await s.sales.reserve(REG_A, { number: 'vns:62006200', memberId: acme.id });
    if (!r.approved) throw new Error(r.message);
    expect(
      await s.sales.pay(REG_A, { orderId: r.order.id, reference: 'psp-vns', amount: r.price }),
    ).toMatchObject({
      order: { status: 'paid' },
      assigned: true,
    });
  });
});
