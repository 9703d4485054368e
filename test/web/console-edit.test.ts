// The console's changes through the services, with CSRF and role checks: a member's display name,
// contact number and language (staff with `members`: admin, support), a registrar's price rules
// (staff with `inventory`: admin, sales); bad input answered on the form, nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, registrarPrincipal } from '#registry';
import { embeddedWeb, text, type WebHarness } from './helpers/harness.ts';

const PASSWORD = 'correct horse battery';

describe('web console: editing members and price rules', () => {
  let h: WebHarness;
  let memberId: string;
  const login = async (email: string, lang?: string) => {
    const b = h.browser(lang ? { lang } : {});
    const r = await b.post('/console/login', { email, password: PASSWORD }, '/console/login');
    expect(r.status).toBe(303);
    return b;
  };
  beforeAll(async () => {
    h = await embeddedWeb();
    const s = h.services;
    await s.auth.createRegistrar(ADMIN, { id: 'acme', name: 'ACME' });
    memberId = (
      await s.members.register(registrarPrincipal('acme'), {
        type: 'individual',
        displayName: 'Kim Minji',
        email: 'minji@example.com',
        country: 'KR',
        personal: { givenName: 'Minji', language: 'ko' },
      })
    ).id;
    for (const [email, role] of [
      ['boss@acme.example', 'admin'],
      ['sales@acme.example', 'sales'],
      ['help@acme.example', 'support'],
    ] as const)
      await s.logins.createStaff(ADMIN, { registrarId: 'acme', email, name: role, role, password: PASSWORD });
  });
  afterAll(() => h.close());

  it("lets support change a member's name, contact number and language, and keeps the rest", async () => {
    const help = await login('help@acme.example');
    const path = `/console/members/${memberId}`;
    const before = await help.get(path);
    expect(before.html).toContain('action="/console/members/');
    const version = before.html.match(/name="version" value="(\d+)"/)![1]!;
    // bad input first: shown on the form, typed values kept, nothing changed
    const bad = await help.post(path, { version, displayName: 'Kim M.', contactPstn: '12', language: 'ja' });
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toContain('Contact telephone number');
    expect(bad.html).toContain('value="Kim M."');
    expect((await h.services.members.get(ADMIN, { memberId })).displayName).toBe('Kim Minji');
    const ok = await help.post(path, {
      version,
      displayName: 'Kim M.',
      contactPstn: '02-555-0101',
      language: 'ja',
    });
    expect(ok.status).toBe(200);
    expect(text(ok.html)).toContain('Saved.');
    const m = await h.services.members.get(ADMIN, { memberId });
    expect(m).toMatchObject({
      displayName: 'Kim M.',
      contactPstn: '+8225550101',
      personal: { givenName: 'Minji', language: 'ja' },
    });
    // a stale version: refused, the newer data stays
    const stale = await help.post(path, { version, displayName: 'Old tab', contactPstn: '', language: 'en' });
    expect(stale.status).toBe(400);
    expect((await h.services.members.get(ADMIN, { memberId })).displayName).toBe('Kim M.');
    // without the CSRF token: refused
    const forged = await help.request('POST', path, { displayName: 'Forged', language: 'en' });
    expect(forged.status).toBe(403);
    expect((await h.services.members.get(ADMIN, { memberId })).displayName).toBe('Kim M.');
  });

  it('refuses member changes to sales staff (no form, 403), and price changes to support', async () => {
    const sales = await login('sales@acme.example');
    const page = await sales.get(`/console/members/${memberId}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(`action="/console/members/${memberId}"`);
    const r = await sales.post(`/console/members/${memberId}`, { displayName: 'By sales', language: 'en' });
    expect(r.status).toBe(403);
    expect((await h.services.members.get(ADMIN, { memberId })).displayName).not.toBe('By sales');
    const help = await login('help@acme.example');
    const prices = await help.get('/console/prices');
    expect(prices.html).not.toContain('method="post" action="/console/prices"');
    const p = await help.post('/console/prices', { version: '0', pin: '1.00', vns: '1.00' });
    expect(p.status).toBe(403);
    expect((await h.services.sales.getPriceRules(registrarPrincipal('acme'), {})).version).toBe(0);
  });

  it('lets sales change the price rules: base prices and premiums, in major units', async () => {
    const sales = await login('sales@acme.example');
    const form = await sales.get('/console/prices');
    const fields = Object.fromEntries(
      [...form.html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)]
        .map((x) => [x[1]!, x[2]!])
        .filter(([k]) => k !== '_csrf'),
    );
    expect(fields.version).toBe('0');
    // a bad amount: the field says so, nothing stored
    const bad = await sales.post('/console/prices', { ...fields, pin: '12.345' });
    expect(bad.status).toBe(400);
    expect(text(bad.html)).toMatch(/Default base price \(PIN\).*not an amount/);
    expect((await h.services.sales.getPriceRules(registrarPrincipal('acme'), {})).version).toBe(0);
    const ok = await sales.post('/console/prices', { ...fields, pin: '12.50', vns: '30', amount0: '99.99' });
    expect(ok.status).toBe(200);
    expect(text(ok.html)).toContain('Saved.');
    const r = await h.services.sales.getPriceRules(registrarPrincipal('acme'), {});
    expect(r.version).toBe(1);
    expect(r.rules.defaultBase).toEqual({ pin: 1250, vns: 3000 });
    expect(r.rules.premiums[0]!.amount).toBe(9999);
    // shown as money, and in the CSV
    expect(text(ok.html)).toContain('$12.50');
    const csv = (await sales.get('/console/prices.csv')).html.split('\r\n');
    expect(csv[1]).toMatch(/,9999,/);
    // the Korean and Japanese console label the forms
    expect(text((await (await login('boss@acme.example', 'ko-KR')).get('/console/prices')).html)).toContain(
      '가격 규칙 변경',
    );
    expect(
      text((await (await login('boss@acme.example', 'ja-JP')).get(`/console/members/${memberId}`)).html),
    ).toContain('会員情報の変更');
  });

  it('the proof desk rejects a PIN whose proof fails: the reason kept, the order cancelled, the number back in stock', async () => {
    const acme = registrarPrincipal('acme');
    await h.services.sales.stock(acme, { country: 'KR', kind: 'pin', numbers: ['+82262006299'] });
    const r = await h.services.sales.reserve(acme, { number: '+82262006299', memberId });
    if (!r.approved) throw new Error(r.message);
    await h.services.sales.pay(acme, { orderId: r.order.id, reference: 'psp-rej', amount: r.price });
    const path = `/console/proofs/${r.order.id}/reject`;
    // support staff may read the desk but not act; a reason is required
    const help = await login('help@acme.example');
    expect((await help.post(path, { reason: 'forged' }, '/console/proofs')).status).toBe(403);
    const sales = await login('sales@acme.example');
    const desk = await sales.get('/console/proofs');
    expect(text(desk.html)).toContain('Reject 02-6200-6299-082 and refund');
    const empty = await sales.post(path, { reason: ' ' }, '/console/proofs');
    expect(empty.status).toBe(409);
    expect(text(empty.html)).toMatch(/reason/);
    expect((await h.services.sales.getOrder(acme, { orderId: r.order.id })).status).toBe(
      'pending-verification',
    );
    const ok = await sales.post(path, { reason: 'the letter names another subscriber' }, '/console/proofs');
    expect(ok.status).toBe(303);
    const after = await sales.get(ok.headers.get('location')!);
    expect(text(after.html)).toContain('Rejected: the order is cancelled');
    expect(text(after.html)).not.toContain('02-6200-6299-082');
    expect(await h.services.sales.getOrder(acme, { orderId: r.order.id })).toMatchObject({
      status: 'cancelled',
      rejection: { by: 'staff:acme:sales@acme.example', reason: 'the letter names another subscriber' },
    });
    expect(await h.services.sales.getNumber(acme, { number: '+82262006299' })).toMatchObject({
      status: 'available',
    });
  });
});
