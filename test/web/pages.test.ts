// The pages through the web app (app.request with a cookie jar): security headers, CSRF on every
// form, bad input answered in the visitor's language with nothing typed lost, roles in the
// console, the language switcher and a member's preference, the signed webhook route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, registrarPrincipal } from '#registry';
import { CSP } from '#web';
import { embeddedWeb, text, type WebHarness } from './helpers/harness.ts';

const PASSWORD = 'correct horse battery';
const enc = encodeURIComponent;

describe('web pages', () => {
  let h: WebHarness;
  beforeAll(async () => {
    h = await embeddedWeb();
    const s = h.services;
    await s.auth.createRegistrar(ADMIN, { id: 'acme', name: 'ACME <Telecom>' });
    await s.sales.stock(registrarPrincipal('acme'), {
      country: 'KR',
      kind: 'pin',
      range: { first: '02-6200-6200', count: 30 },
    });
    for (const [email, role] of [
      ['boss@acme.example', 'admin'],
      ['sales@acme.example', 'sales'],
      ['help@acme.example', 'support'],
    ] as const)
      await s.logins.createStaff(ADMIN, { registrarId: 'acme', email, name: role, role, password: PASSWORD });
  });
  afterAll(() => h.close());

  /** A visitor who bought `number` with the test provider and signed up; returns the browser. */
  async function buyer(number: string, email: string, lang?: string) {
    const b = h.browser(lang ? { lang } : {});
    const r = await b.post(`/store/numbers/${enc(number)}/reserve`, {}, '/');
    const co = r.location!;
    await b.post(`${co}/test`, {}, co);
    const id = co.split('/').at(-1)!;
    const done = await b.post(
      '/account/signup',
      {
        checkout: id,
        type: 'individual',
        displayName: 'Buyer',
        email,
        country: 'KR',
        password: PASSWORD,
        language: lang?.slice(0, 2) ?? 'en',
      },
      `/account/signup?checkout=${id}`,
    );
    expect(done.status).toBe(303);
    return b;
  }

  it('sends a CSP without inline scripts and the other security headers on every page', async () => {
    const page = await h.browser().get('/');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // no inline script or style anywhere in the page
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.html).not.toMatch(/\sstyle=|\son[a-z]+=/);
    const cookie = page.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/cx_visitor=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it("refuses a form without its CSRF token, or with another visitor's, and changes nothing", async () => {
    const b = h.browser();
    await b.get('/');
    const bad = await b.request('POST', `/store/numbers/${enc('pin:+82262006210')}/reserve`, {
      _csrf: 'forged',
    });
    expect(bad.status).toBe(403);
    expect(text(bad.html)).toContain('This form has expired');
    const other = h.browser();
    await other.get('/');
    const stolen = await b.request('POST', `/store/numbers/${enc('pin:+82262006210')}/reserve`, {
      _csrf: other.csrf(),
    });
    expect(stolen.status).toBe(403);
    const crossSite = await b.request(
      'POST',
      `/store/numbers/${enc('pin:+82262006210')}/reserve`,
      { _csrf: b.csrf(b.last!.html.includes('_csrf') ? b.last!.html : (await b.get('/')).html) },
      { origin: 'https://evil.example', host: 'localhost' },
    );
    expect(crossSite.status).toBe(403);
    expect((await h.services.sales.getNumber(ADMIN, { number: 'pin:+82262006210' })).status).toBe(
      'available',
    );
    const ok = await b.post(`/store/numbers/${enc('pin:+82262006210')}/reserve`, {}, '/');
    expect(ok.status).toBe(303);
  });

  it('escapes what people typed: no markup of theirs reaches a page', async () => {
    const page = await h.browser().get(`/?country=KR&kind=pin&pattern=${enc('<script>alert(1)</script>')}`);
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const n = await h.browser().get(`/store/numbers/${enc('pin:+82262006201')}`);
    expect(n.html).toContain('ACME &lt;Telecom&gt;');
  });

  it("answers bad input in the visitor's language, keeping what was typed", async () => {
    const b = h.browser({ lang: 'ko-KR' });
    const r = await b.post(`/store/numbers/${enc('pin:+82262006202')}/reserve`, {}, '/');
    await b.post(`${r.location!}/test`, {}, r.location!);
    const id = r.location!.split('/').at(-1)!;
    const page = await b.post(
      '/account/signup',
      {
        checkout: id,
        type: 'individual',
        displayName: '김민지',
        email: 'minji@',
        contactPstn: '12',
        country: 'KR',
        birthDate: '2030-02-31',
        password: 'short',
      },
      `/account/signup?checkout=${id}`,
    );
    expect(page.status).toBe(400);
    const t = text(page.html);
    expect(t).toContain('입력 내용을 확인해 주세요');
    expect(t).toContain('이메일 주소가 아닙니다');
    expect(t).toContain('10자 이상 입력해 주세요');
    expect(t).toContain('올바른 날짜가 아닙니다');
    expect(page.html).toContain('value="김민지"');
    expect(page.html).toContain('value="minji@"');
    expect(page.html).not.toContain('value="short"'); // passwords are never echoed
    // numbers are read once the rest of the form holds
    const phone = await b.post(
      '/account/signup',
      {
        checkout: id,
        type: 'individual',
        displayName: '김민지',
        email: 'minji@example.com',
        contactPstn: '12',
        country: 'KR',
        password: 'long enough password',
      },
      `/account/signup?checkout=${id}`,
    );
    expect(phone.status).toBe(400);
    expect(text(phone.html)).toContain('읽을 수 있는 전화번호가 아닙니다');
    expect(phone.html).toContain('value="minji@example.com"');
  });

  it('signs a buyer up, logs them in with a fresh session, and uses their language preference', async () => {
    const b = await buyer('pin:+82262006203', 'ja-buyer@example.com', 'ja-JP');
    const portal = await b.get('/portal');
    expect(portal.status).toBe(200);
    expect(text(portal.html)).toContain('私の番号');
    expect(text(portal.html)).toContain('02-6200-6203-082');
    // the preference wins over the browser's languages, and the switcher changes it
    const en = h.browser({ lang: 'en-US' });
    await en.post('/account/login', { email: 'ja-buyer@example.com', password: PASSWORD }, '/account/login');
    expect(text((await en.get('/portal')).html)).toContain('私の番号');
    await en.post('/lang', { to: 'ko', back: '/portal' }, '/portal');
    expect(text((await en.get('/portal')).html)).toContain('내 번호');
    const m = (await h.services.members.list(ADMIN, {})).items.find(
      (x) => x.email === 'ja-buyer@example.com',
    )!;
    expect(m.personal?.language).toBe('ko');
  });

  it('lets each staff role do what it may, and shows a refusal otherwise', async () => {
    const b = await buyer('pin:+82262006204', 'roles@example.com');
    void b;
    const support = h.browser();
    expect(
      (
        await support.post(
          '/console/login',
          { email: 'help@acme.example', password: PASSWORD },
          '/console/login',
        )
      ).status,
    ).toBe(303);
    const visitor = h.browser();
    const r = await visitor.post(`/store/numbers/${enc('pin:+82262006205')}/reserve`, {}, '/');
    await visitor.post(`${r.location!}/bank-transfer`, {}, r.location!);
    const co = r.location!.split('/').at(-1)!;
    const refused = await support.post(`/console/transfers/${co}/confirm`, {}, '/console/transfers');
    expect(refused.status).toBe(403);
    expect(text(refused.html)).toContain('Your role may not do this');
    expect((await support.get('/console/staff')).status).toBe(403);
    expect(text((await support.get('/console/inventory')).html)).not.toContain('Add numbers to stock');
    const sales = h.browser();
    await sales.post('/console/login', { email: 'sales@acme.example', password: PASSWORD }, '/console/login');
    expect((await sales.post(`/console/transfers/${co}/confirm`, {}, '/console/transfers')).status).toBe(303);
    expect(text((await visitor.get(r.location!)).html)).toContain('Paid. Next: create your account');
    const stock = await sales.post(
      '/console/inventory',
      { country: 'KR', kind: 'pin', first: '02-6400-0000', count: '3' },
      '/console/inventory',
    );
    expect(text(stock.html)).toContain('3 numbers added');
    const bad = await sales.post(
      '/console/inventory',
      { country: 'KR', kind: 'pin', first: '12', count: '0' },
      '/console/inventory',
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('value="12"');
  });

  it('lets the operator in with an admin token and shows every registrar side by side', async () => {
    await h.services.auth.createRegistrar(ADMIN, { id: 'beta', name: 'Beta' });
    await h.services.sales.stock(registrarPrincipal('beta'), {
      country: 'JP',
      kind: 'pin',
      range: { first: '03-5555-0000', count: 2 },
    });
    const op = h.browser();
    expect(
      (await op.post('/console/login/operator', { token: 'wrong-token-000000000' }, '/console/login')).status,
    ).toBe(400);
    expect(
      (
        await op.post(
          '/console/login/operator',
          { token: 'web-admin-token-0123456789abcdef' },
          '/console/login',
        )
      ).status,
    ).toBe(303);
    const inv = text((await op.get('/console/inventory')).html);
    expect(inv).toContain('acme');
    expect(inv).toContain('beta');
    const crm = await op.get('/console/crm');
    expect(crm.status).toBe(200);
    expect(text(crm.html)).toContain('Registrar');
    const csv = await op.get('/console/inventory.csv?registrar=beta');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.html.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('exports CSV that a spreadsheet cannot run as a formula', async () => {
    const { toCsv } = await import('../../src/web/csv.ts');
    expect(toCsv(['a', 'b'], [['=HYPERLINK("x")', 'plain, "quoted"']])).toBe(
      'a,b\r\n"\'=HYPERLINK(""x"")","plain, ""quoted"""\r\n',
    );
  });

  it('accepts signed webhooks only', async () => {
    const visitor = h.browser();
    const r = await visitor.post(`/store/numbers/${enc('pin:+82262006206')}/reserve`, {}, '/');
    const co = r.location!.split('/').at(-1)!;
    const { checkout } = await h.services.checkout.get(
      (await import('./helpers/visitor.ts')).visitorOf(visitor),
      co,
    );
    const body = JSON.stringify({
      id: 'evt_web_1',
      type: 'payment.succeeded',
      data: { checkout: co, reference: 'psp-777', amount: checkout.price },
    });
    const unsigned = await h.web.app.request('/webhooks/test', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(401);
    const signed = await h.web.app.request('/webhooks/test', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'callx-signature': await h.services.checkout.sign('test', body),
      },
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ status: 200, handled: 'paid' });
    expect(text((await visitor.get(r.location!)).html)).toContain('Paid.');
  });

  it('says what happens next when the reservation ran out', async () => {
    const visitor = h.browser();
    const r = await visitor.post(`/store/numbers/${enc('pin:+82262006207')}/reserve`, {}, '/');
    h.clock.advance(16 * 60_000);
    await h.services.sales.sweep();
    expect(text((await visitor.get(r.location!)).html)).toContain(
      'The reservation expired and the number went back on offer',
    );
    expect((await h.services.sales.getNumber(ADMIN, { number: 'pin:+82262006207' })).status).toBe(
      'available',
    );
  });
});
