// The fee system in the pages (through the web app with a cookie jar): a member's balance and
// top-up with the test provider (a double submit tops up once), call history and statements from
// rated CDRs, the CRM's calls, minutes and call revenue, the console's rate decks; and the
// billing service's member and staff cases (a member sees only its own, staff only its registrar's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type BillingService, registrarPrincipal } from '#registry';
import { type Caller, callsReady, placeCall } from './helpers/billing.ts';
import { type Browser, embeddedWeb, text, type WebHarness } from './helpers/harness.ts';

const PASSWORD = 'correct horse battery';

describe('web: the fee system in the portal and console', () => {
  let h: WebHarness;
  let fee: BillingService;
  let sip: Caller;
  let kim: string;
  let lee: string;
  let park: string;
  const login = async (path: string, email: string, lang?: string) => {
    const b = h.browser(lang ? { lang } : {});
    const r = await b.post(path, { email, password: PASSWORD }, path);
    expect(r.status).toBe(303);
    return b;
  };

  beforeAll(async () => {
    h = await embeddedWeb({ billing: true });
    fee = h.billing!;
    const s = h.services;
    for (const id of ['acme', 'beta']) await s.auth.createRegistrar(ADMIN, { id, name: id });
    const acme = registrarPrincipal('acme');
    const beta = registrarPrincipal('beta');
    const reg = async (p: typeof acme, name: string, email: string, country: string) => {
      const m = await s.members.register(p, { type: 'individual', displayName: name, email, country });
      await s.logins.createMemberLogin({
        email,
        password: PASSWORD,
        memberId: m.id,
        registrarId: p.registrarId,
      });
      await fee.accounts.open(p, { memberId: m.id, currency: 'USD' });
      return m.id;
    };
    kim = await reg(acme, 'Kim', 'kim@acme.example', 'KR');
    lee = await reg(acme, 'Lee', 'lee@acme.example', 'JP');
    park = await reg(beta, 'Park', 'park@beta.example', 'KR');
    for (const [registrarId, email, role] of [
      ['acme', 'boss@acme.example', 'admin'],
      ['acme', 'help@acme.example', 'support'],
      ['beta', 'boss@beta.example', 'admin'],
    ] as const)
      await s.logins.createStaff(ADMIN, { registrarId, email, name: email, role, password: PASSWORD });
    sip = await callsReady(fee, s.routing, ['acme', 'beta']);
  });
  afterAll(() => h.close());

  /** The balance shown on the portal, as text. */
  const balanceOf = async (b: Browser) => {
    const page = await b.get('/portal');
    return page.html.match(/<strong id="balance">([^<]*)<\/strong>/)?.[1];
  };

  it('tops up with the test provider: the balance shows it, and the same form submitted twice tops up once', async () => {
    const b = await login('/account/login', 'kim@acme.example');
    expect(await balanceOf(b)).toBe('$0.00');
    const form = await b.get('/portal');
    const key = form.html.match(/name="key" value="([^"]+)"/)![1]!;
    const csrf = b.csrf(form.html);
    for (let i = 0; i < 2; i++) {
      const r = await b.request('POST', '/portal/top-up', { _csrf: csrf, key, amount: '20.50' });
      expect(r.status).toBe(303);
      expect(r.location).toBe('/portal?topup=ok#billing');
    }
    expect(await balanceOf(b)).toBe('$20.50');
    expect(text((await b.get('/portal?topup=ok')).html)).toContain('Your account was topped up');
    // a new form is a new top-up
    await b.post('/portal/top-up', {
      key: (await b.get('/portal')).html.match(/name="key" value="([^"]+)"/)![1]!,
      amount: '1',
    });
    expect(await balanceOf(b)).toBe('$21.50');
    // nonsense changes nothing
    for (const amount of ['0', '-5', 'abc', '1.234', '']) {
      const r = await b.post('/portal/top-up', { key: `bad-key-${amount.length}x`, amount }, '/portal');
      expect(r.location).toBe('/portal?topup=bad#billing');
    }
    expect(await balanceOf(b)).toBe('$21.50');
    // without the CSRF token: refused, nothing posted
    const forged = await b.request('POST', '/portal/top-up', { key: 'forged-key-1', amount: '100' });
    expect(forged.status).toBe(403);
    expect(await balanceOf(b)).toBe('$21.50');
    // the Korean and Japanese portal name the same parts
    expect(
      text((await (await login('/account/login', 'kim@acme.example', 'ko-KR')).get('/portal')).html),
    ).toMatch(/잔액.*충전 금액/);
    expect(
      text((await (await login('/account/login', 'kim@acme.example', 'ja-JP')).get('/portal')).html),
    ).toMatch(/残高.*チャージする金額/);
  });

  it("shows a rated call in the member's history and statements, and in the CRM's calls and minutes", async () => {
    await fee.accounts.post(registrarPrincipal('acme'), {
      memberId: lee,
      kind: 'topup',
      amount: '10',
      currency: 'USD',
      key: 'lee-1',
    });
    const { charge } = await placeCall(fee, sip, h.clock, {
      memberId: lee,
      registrarId: 'acme',
      destination: '+442079460000',
      callId: 'lee-call-1',
      seconds: 125,
    });
    expect(charge).toBe('0.30'); // 3 minutes at 0.10
    const b = await login('/account/login', 'lee@acme.example');
    const portal = text((await b.get('/portal')).html);
    expect(portal).toMatch(/Call history.*\+442079460000 125 s Answered \$0\.30/);
    expect(portal).toMatch(/Statements.*\$10\.00 \$0\.30 \$9\.70/);
    expect(await balanceOf(b)).toBe('$9.70');
    const csv = await b.get('/portal/calls.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.html.split('\r\n')[1]).toMatch(/^\S+Z,'?\+442079460000,125,answered,0\.30,USD$/);
    // Kim, another member of the same registrar, sees none of it
    const kimPage = text((await (await login('/account/login', 'kim@acme.example')).get('/portal')).html);
    expect(kimPage).not.toContain('442079460000');
    expect(kimPage).toContain('No calls yet.');

    // the console: calls, minutes and call revenue per country (Lee is in Japan)
    const boss = await login('/console/login', 'boss@acme.example');
    const crm = text((await boss.get('/console/crm')).html);
    expect(crm).toMatch(/Japan 1 1 0 0 0 0% 1 2\.1 \$0\.30 GB \(1\)/);
    expect(crm).not.toContain('Calls and minutes appear when call records exist');
    const crmCsv = (await boss.get('/console/crm.csv')).html.split('\r\n');
    expect(crmCsv[0]).toContain(',calls,minutes,call_revenue,top_destinations');
    expect(crmCsv.find((r) => r.startsWith('acme,JP,'))).toMatch(/,1,2\.1,30 USD,GB:1$/);
    // another registrar's staff sees neither the call nor the deck
    const beta = await login('/console/login', 'boss@beta.example');
    const betaCrm = text((await beta.get('/console/crm')).html);
    expect(betaCrm).not.toContain('Japan');
    expect(betaCrm).not.toContain('GB (1)');
  });

  it('lists the rate decks in the console, with CSV, each registrar its own', async () => {
    const help = await login('/console/login', 'help@acme.example');
    const page = text((await help.get('/console/rate-decks')).html);
    expect(page).toContain('registrar.acme.USD');
    expect(page).not.toContain('registrar.beta.USD');
    expect(page).not.toContain('gateway.gw-uk.USD');
    const csv = (await help.get('/console/rate-decks.csv')).html.split('\r\n');
    expect(csv[0]).toBe('id,name,kind,currency,revision,rates');
    expect(csv[1]).toMatch(/^registrar\.acme\.USD,.*,sell,USD,1,2$/);
    expect(csv).toHaveLength(3);
  });

  it('keeps members to their own account and calls, and staff to their registrar, in the billing service', async () => {
    const lee$ = { role: 'member', registrarId: 'acme', memberId: lee } as const;
    await fee.accounts.post(registrarPrincipal('acme'), {
      memberId: kim,
      kind: 'topup',
      amount: '10',
      currency: 'USD',
      key: 'kim-1',
    });
    await placeCall(fee, sip, h.clock, {
      memberId: kim,
      registrarId: 'acme',
      destination: '+442079460001',
      callId: 'kim-call-1',
      seconds: 30,
    });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect((await fee.cdrs.list(lee$, {})).items.map((c) => c.memberId)).toEqual([lee]);
    expect((await fee.cdrs.list(lee$, {})).items[0]!.cost).toBeNull();
    expect(await code(fee.cdrs.list(lee$, { memberId: kim }))).toBe('not-found');
    expect(await code(fee.cdrs.list(lee$, { registrarId: 'beta' }))).toBe('not-found');
    expect(await code(fee.accounts.get(lee$, { memberId: kim }))).toBe('not-found');
    expect(await code(fee.accounts.get(lee$, { memberId: park }))).toBe('not-found');
    expect(await code(fee.accounts.entries(lee$, { memberId: kim }))).toBe('not-found');
    expect((await fee.accounts.get(lee$, { memberId: lee })).balance).toBe('9.70');
    // money comes in through a payment provider, never posted by the member itself
    expect(
      await code(
        fee.accounts.post(lee$, { memberId: lee, kind: 'topup', amount: '5', currency: 'USD', key: 'x' }),
      ),
    ).toBe('forbidden');
    expect(await code(fee.settlement.statement(lee$, { party: 'registrar:acme', period: '2026-01' }))).toBe(
      'not-found',
    );
    const staff = (registrarId: string, staffRole: 'admin' | 'support') =>
      ({ role: 'staff', registrarId, userId: 'u1', staffRole }) as const;
    expect((await fee.cdrs.list(staff('acme', 'support'), {})).items.map((c) => c.memberId).sort()).toEqual(
      [kim, lee].sort(),
    );
    expect((await fee.cdrs.list(staff('beta', 'admin'), {})).items).toEqual([]);
    expect(await code(fee.cdrs.list(staff('beta', 'admin'), { registrarId: 'acme' }))).toBe('forbidden');
    expect(await code(fee.accounts.get(staff('beta', 'admin'), { memberId: lee }))).toBe('not-found');
    expect(
      (
        await fee.settlement.statement(staff('acme', 'support'), {
          party: 'registrar:acme',
          period: '2026-01',
        })
      ).party,
    ).toBe('registrar:acme');
    expect(
      await code(
        fee.settlement.statement(staff('beta', 'admin'), { party: 'registrar:acme', period: '2026-01' }),
      ),
    ).toBe('not-found');
    // a support user reads, but posts nothing (needs sell)
    expect(
      await code(
        fee.accounts.post(staff('acme', 'support'), {
          memberId: lee,
          kind: 'topup',
          amount: '5',
          currency: 'USD',
          key: 'y',
        }),
      ),
    ).toBe('forbidden');
  });
});
