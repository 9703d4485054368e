// The web in a real browser (Debian's Chromium through playwright-core), on a whole callx (DNS,
// SIP, one HTTP port for the pages and the API), on each store. The core flows run with
// JavaScript off; every page is checked with axe-core (no serious or critical violation) and
// saved as a screenshot under test/web/screenshots/<store>/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#core';
import { ADMIN, registrarPrincipal } from '#registry';
import type { Store } from '../../src/core/store.ts';
import { until } from '../api/helpers/stack.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';
import { callsReady, placeCall } from './helpers/billing.ts';
import { axe, type Chromium, launchChromium, screenshot, serious } from './helpers/browser.ts';
import { startWebStack, type WebStack } from './helpers/stack.ts';

export interface StoreUnderTest {
  store: Store;
  dataDir: string;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery';

export function defineBrowserSuite(kind: string, open: () => Promise<StoreUnderTest>): void {
  describe(`web in Chromium (${kind} store)`, () => {
    let t: StoreUnderTest;
    let s: WebStack;
    let chrome: Chromium;
    const shot = (page: Page, name: string) => screenshot(page, kind, name);
    const jsContext = (locale = 'en-US') => chrome.browser.newContext({ locale, javaScriptEnabled: true });
    const noJs = (locale = 'en-US') => chrome.browser.newContext({ locale, javaScriptEnabled: false });

    /** axe on the page; screenshots it; no serious or critical violations. */
    async function check(page: Page, name: string, jsOff = true) {
      await shot(page, name);
      const found = serious(await axe(page, jsOff ? () => jsContext() : undefined));
      expect(found, `${name}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
    }

    beforeAll(async () => {
      t = await open();
      s = await startWebStack(t.store, t.dataDir);
      chrome = await launchChromium();
      const svc = s.web.services;
      // the operator's routing data, a registrar, its staff, its stock
      for (const [code, name, addr] of [
        ['KR', 'Korea', '127.0.21.1'],
        ['JP', 'Japan', '127.0.21.2'],
      ] as const)
        await svc.routing.countries.create(ADMIN, {
          code,
          name,
          center: {
            targets: [
              {
                host: `sip1.${code.toLowerCase()}.center.callx.test`,
                port: 5060,
                transport: 'udp',
                addresses: [addr],
              },
            ],
          },
        });
      await svc.auth.createRegistrar(ADMIN, { id: 'acme', name: 'ACME Telecom' });
      await svc.auth.createRegistrar(ADMIN, { id: 'beta', name: 'Beta Numbers' });
      const acme = registrarPrincipal('acme');
      await svc.sales.stock(acme, {
        country: 'KR',
        kind: 'pin',
        range: { first: '02-6200-6200', count: 20 },
      });
      await svc.sales.stock(acme, {
        country: 'JP',
        kind: 'pin',
        range: { first: '03-1234-5670', count: 10 },
      });
      await svc.sales.stock(acme, { country: 'KR', kind: 'vns', numbers: ['6200-6200', '7100-7100'] });
      await svc.logins.createStaff(ADMIN, {
        registrarId: 'acme',
        email: 'boss@acme.example',
        name: 'Boss',
        role: 'admin',
        password: PASSWORD,
      });
      await svc.logins.createStaff(ADMIN, {
        registrarId: 'acme',
        email: 'help@acme.example',
        name: 'Help',
        role: 'support',
        password: PASSWORD,
      });
    }, 120_000);

    afterAll(async () => {
      await chrome?.close();
      await s?.stop();
      await t?.close();
    });

    it('a visitor finds a number, reserves it, pays with the test provider, signs up and sets SIP credentials — without JavaScript; then the number answers in DNS and an INVITE gets the 302', async () => {
      const ctx = await noJs();
      const page = await ctx.newPage();
      await page.goto(`${s.base}/`);
      await check(page, 'store');
      await page.getByLabel('Country').selectOption('KR');
      await page.getByLabel('Pattern').fill('*6200*');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.url()).toContain('pattern=');
      await check(page, 'store-results');
      // the memorable 02-6200-6200 shows its premium
      const first = page.getByRole('row', { name: /02-6200-6200-082/ });
      await expect.poll(() => first.textContent()).toMatch(/doubled block/);
      await page.getByRole('link', { name: 'Details of 02-6200-6200-082' }).click();
      await check(page, 'number');
      expect(await page.locator('main').textContent()).toContain('+82 2 6200 6200');
      await page.getByRole('button', { name: 'Reserve this number' }).click();
      await expect.poll(() => page.url()).toMatch(/\/store\/checkout\/co_/);
      await check(page, 'checkout');
      expect(await page.locator('main').textContent()).toMatch(/Held for you until .* UTC/);
      await page.getByRole('button', { name: 'Pay now (test provider)' }).click();
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain('Paid. Next: create your account');
      await check(page, 'checkout-paid');
      await page.getByRole('link', { name: 'Create your account' }).click();
      await check(page, 'signup');
      // bad input first: clear errors in the page, nothing typed is lost
      await page.getByLabel('Name shown to callers').fill('Kim Minji');
      await page.getByLabel('Email address (your login)').fill('minji@example');
      await page.getByLabel('Contact telephone number').fill('02-555-01');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect
        .poll(() => page.locator('.errors').textContent())
        .toMatch(/Email address .*not an email address/);
      expect(await page.locator('.errors').textContent()).toMatch(/Password: at least 10 characters/);
      expect(await page.getByLabel('Name shown to callers').inputValue()).toBe('Kim Minji');
      await check(page, 'signup-errors');
      await page.getByLabel('Email address (your login)').fill('minji@example.com');
      await page.getByLabel('Contact telephone number').fill('02-555-0101');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.url()).toMatch(/\/portal$/);
      // a personal number is someone's line: paid, it waits for proof of ownership, unpublished
      await check(page, 'portal-awaiting-proof');
      const awaiting = await page.getByRole('table', { name: /waiting for proof/ }).textContent();
      expect(awaiting).toContain('02-6200-6200-082');
      expect(await page.locator('main').textContent()).not.toContain('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test');
      // (the demo zone files publish this number too; the member's own records name its contact line)
      expect((await s.dig('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', 'NAPTR')).join('\n')).not.toContain(
        'tel:+8225550101',
      );
      // the registrar records the letter of authorisation and approves, in the console
      const staff = await noJs();
      const desk = await staff.newPage();
      await desk.goto(`${s.base}/console/login`);
      await desk.getByLabel('Email address').fill('boss@acme.example');
      await desk.getByLabel('Password').fill(PASSWORD);
      await desk.getByRole('button', { name: 'Log in' }).first().click();
      await expect.poll(() => desk.url()).toMatch(/\/console\/orders$/);
      await desk.getByRole('link', { name: 'Proof of ownership' }).click();
      // approving before any evidence is refused, with the reason on the page
      await desk.getByRole('button', { name: 'Approve 02-6200-6200-082' }).click();
      await expect.poll(() => desk.locator('main').textContent()).toContain('no proof that the buyer holds');
      await desk.getByLabel('Letter of authorisation reference for 02-6200-6200-082').fill('LOA-2026-0042');
      await desk.getByRole('button', { name: 'Record the letter' }).click();
      await expect.poll(() => desk.locator('main').textContent()).toContain('Evidence recorded');
      expect(await desk.locator('main').textContent()).toContain('letter of authorisation LOA-2026-0042');
      await check(desk, 'console-proofs');
      await desk.getByRole('button', { name: 'Approve 02-6200-6200-082' }).click();
      await expect.poll(() => desk.locator('main').textContent()).toContain('Approved');
      await staff.close();
      await page.reload();
      await check(page, 'portal');
      expect(await page.locator('main').textContent()).toContain('0.0.2.6.0.0.2.6.2.2.8.e164.callx.test');
      await page.getByRole('link', { name: 'SIP phones' }).click();
      await page.getByLabel('SIP user name').fill('minji');
      await page.getByLabel('SIP password').fill('sip-secret-1');
      await page.getByRole('button', { name: 'Save SIP credentials' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Saved.');
      const settings = (await page.locator('dl.facts').textContent()) ?? '';
      expect(settings).toContain('callx.test');
      expect(settings).toContain('minji');
      expect(settings).toContain(String(s.sipPort));
      await check(page, 'portal-sip');
      await ctx.close();

      // DNS: the sold number answers; SIP: an INVITE to it is redirected to the Korean center
      const owner = '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test';
      const naptr = await until('the NAPTR of the number sold in the store', 5000, async () => {
        const a = await s.dig(owner, 'NAPTR');
        return a.join('\n').includes('tel:+8225550101') ? a : null;
      });
      expect(naptr.join('\n')).toContain('sip:+82262006200@kr.center.callx.test');
      const ua = await new UdpClient().open();
      try {
        const answer = await ua.ask(
          s.sipPort,
          request({ uri: 'sip:+82262006200@callx.test;user=phone', localPort: ua.port }),
        );
        expect(status(answer)).toBe(302);
        expect(headers(answer!, 'Contact').join(' ')).toContain('sip:+82262006200@kr.center.callx.test');
      } finally {
        ua.close();
      }
    });

    it('a company buys a VNS number and adds two branches', async () => {
      const ctx = await noJs();
      const page = await ctx.newPage();
      await page.goto(`${s.base}/?country=KR&kind=vns`);
      await page.getByRole('link', { name: /Details of 6200-6200#082/ }).click();
      await page.getByRole('button', { name: 'Reserve this number' }).click();
      await page.getByRole('button', { name: 'Pay now (test provider)' }).click();
      await page.getByRole('link', { name: 'Create your account' }).click();
      await page.getByLabel('Account for').selectOption('company');
      await page.getByLabel('Name shown to callers').fill('Hanbit Trading');
      await page.getByLabel('Email address (your login)').fill('office@hanbit.example');
      await page.getByLabel('Company domain name').fill('hanbit.example');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.url()).toMatch(/\/portal$/);
      await page.getByRole('link', { name: 'Company branches' }).click();
      await page.getByLabel('Branch country').selectOption('JP');
      await page.getByLabel(/SIP address of the branch/).fill('sip:tokyo@pbx.hanbit.example');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Saved.');
      await page.getByLabel('Branch country').selectOption('KR');
      await page.getByLabel(/Telephone number of the branch/).fill('02-6200-9000');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Saved.');
      const rows = await page.getByRole('row').allTextContents();
      expect(rows.join('\n')).toMatch(/6200-6200#081[\s\S]*sip:tokyo@pbx\.hanbit\.example/);
      expect(rows.join('\n')).toMatch(/6200-6200#082[\s\S]*\+82262009000/);
      await check(page, 'portal-branches');
      await ctx.close();
      // both branches answer in the vns tree
      const jp = await until('the Japanese branch in DNS', 5000, async () => {
        const a = await s.dig('0.0.2.6.0.0.2.6.81.vns.callx.test', 'NAPTR');
        return a.length ? a : null;
      });
      expect(jp.join(' ')).toContain('tokyo@pbx.hanbit.example');
      const kr = await until('the Korean branch in DNS', 5000, async () => {
        const a = await s.dig('0.0.2.6.0.0.2.6.82.vns.callx.test', 'NAPTR');
        return a.length ? a : null;
      });
      expect(kr.join(' ')).toContain('+82262009000');
    });

    it('a registrar confirms a bank transfer in the console and reads the CRM for two countries', async () => {
      const visitor = await jsContext();
      const vp = await visitor.newPage();
      await vp.goto(`${s.base}/?country=JP&kind=pin`);
      await vp.getByRole('link', { name: /Details of 03-1234-5671-081/ }).click();
      await vp.getByRole('button', { name: 'Reserve this number' }).click();
      // with JavaScript the hold counts down
      await expect.poll(() => vp.locator('time.countdown').textContent()).toMatch(/^1[45]:\d\d$/);
      await vp.getByRole('button', { name: 'Pay by bank transfer' }).click();
      await expect.poll(() => vp.locator('main').textContent()).toContain('Transfer reference');
      const reference = ((await vp.locator('dl.facts code').textContent()) ?? '').trim();
      expect(reference).toMatch(/^CX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      await check(vp, 'checkout-bank-transfer', false);

      const ctx = await noJs();
      const page = await ctx.newPage();
      await page.goto(`${s.base}/console/login`);
      await check(page, 'console-login');
      await page.getByLabel('Email address').fill('boss@acme.example');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).first().click();
      await expect.poll(() => page.url()).toMatch(/\/console\/orders$/);
      await check(page, 'console-orders');
      await page.getByRole('link', { name: 'Bank transfers' }).click();
      await check(page, 'console-transfers');
      await page.getByRole('button', { name: `Confirm receipt of ${reference}` }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Transfer confirmed');
      // the visitor's page now says what happens next
      await vp.reload();
      await expect.poll(() => vp.locator('main').textContent()).toContain('Paid. Next: create your account');
      expect(await vp.locator('main').textContent()).toContain('proof that the line is yours');
      await visitor.close();
      // the PIN is the buyer's line: the registrar records the letter and approves; it is sold then
      await page.getByRole('link', { name: 'Proof of ownership' }).click();
      const jpRow = page.getByRole('row', { name: /03-1234-5671-081/ });
      await jpRow.getByLabel('Letter of authorisation reference for 03-1234-5671-081').fill('LOA-JP-7');
      await jpRow.getByRole('button', { name: 'Record the letter' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Evidence recorded');
      await page.getByRole('button', { name: 'Approve 03-1234-5671-081' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Approved');

      for (const [link, name] of [
        ['Members', 'console-members'],
        ['Inventory', 'console-inventory'],
        ['Price rules', 'console-prices'],
        ['Routing data', 'console-routing'],
        ['Staff users', 'console-staff'],
      ] as const) {
        await page.getByRole('link', { name: link, exact: true }).click();
        await check(page, name);
      }
      await page.getByRole('link', { name: 'CRM by country' }).click();
      await check(page, 'console-crm');
      const crm = await page.getByRole('table', { name: /CRM by country/ }).textContent();
      expect(crm).toMatch(/South Korea\s*2\s*2\s*2/); // two members, two new, two numbers sold
      expect(crm).toMatch(/Japan\s*0\s*0\s*1/); // the transfer: one number sold, no member yet
      expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('svg.chart title').first().textContent()).toBe('Numbers sold per country');
      // CSV of the same table
      const csv = await page.request.get(`${s.base}/console/crm.csv`);
      expect(csv.headers()['content-type']).toContain('text/csv');
      const body = await csv.text();
      expect(body.split('\r\n')[0]).toBe(
        'registrar,country,members,new_members,numbers_sold,revenue,active_numbers,churned,calls,minutes,call_revenue,top_destinations',
      );
      expect(body).toContain('acme,JP,0,0,1,');
      await ctx.close();
    });

    it('shows the same pages in Korean and Japanese', async () => {
      const ctx = await noJs('ko-KR');
      const page = await ctx.newPage();
      await page.goto(`${s.base}/?country=KR&kind=pin`);
      expect(await page.locator('html').getAttribute('lang')).toBe('ko');
      expect(await page.locator('h1').textContent()).toBe('번호 찾기');
      await check(page, 'ko-store');
      await page.getByRole('link', { name: /02-6200-6201-082/ }).click();
      await check(page, 'ko-number');
      expect(await page.locator('main').textContent()).toMatch(/₩|US\$|\$/);
      await page.goto(`${s.base}/account/login`);
      await check(page, 'ko-login');
      await page.goto(`${s.base}/console/login`);
      await check(page, 'ko-console-login');
      // the switcher: Japanese from here on
      await page.getByRole('button', { name: '日本語' }).click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
      expect(page.url()).toMatch(/\/console\/login$/);
      await check(page, 'ja-console-login');
      await page.goto(`${s.base}/?country=JP&kind=pin`);
      expect(await page.locator('h1').textContent()).toBe('番号を探す');
      await check(page, 'ja-store');
      await page.getByRole('link', { name: /03-1234-5672-081/ }).click();
      await check(page, 'ja-number');
      await page.getByRole('button', { name: 'この番号を予約する' }).click();
      await check(page, 'ja-checkout');
      expect(await page.locator('main').textContent()).toContain('UTC');
      await ctx.close();
    });
    it('a member tops up and sees the balance, a rated call shows in the history and in the CRM — and another member or registrar sees none of it', async () => {
      const svc = s.web.services;
      const fee = s.billing;
      const acme = registrarPrincipal('acme');
      const beta = registrarPrincipal('beta');
      const member = async (p: typeof acme, name: string, email: string) => {
        const m = await svc.members.register(p, {
          type: 'individual',
          displayName: name,
          email,
          country: 'KR',
        });
        await svc.logins.createMemberLogin({
          email,
          password: PASSWORD,
          memberId: m.id,
          registrarId: p.registrarId,
        });
        await fee.accounts.open(p, { memberId: m.id, currency: 'USD' });
        return m.id;
      };
      const yuna = await member(acme, 'Yuna', 'yuna@example.com');
      const sora = await member(beta, 'Sora', 'sora@example.com');
      await svc.logins.createStaff(ADMIN, {
        registrarId: 'beta',
        email: 'boss@beta.example',
        name: 'Beta Boss',
        role: 'admin',
        password: PASSWORD,
      });
      const sip = await callsReady(fee, svc.routing, ['acme', 'beta']);
      await fee.accounts.post(beta, {
        memberId: sora,
        kind: 'topup',
        amount: '55.55',
        currency: 'USD',
        key: 's1',
      });
      await placeCall(fee, sip, systemClock, {
        memberId: sora,
        registrarId: 'beta',
        destination: '+441632960777',
        callId: 'sora-1',
        seconds: 30,
      });

      const login = async (locale: string, email: string) => {
        const ctx = await noJs(locale);
        const page = await ctx.newPage();
        await page.goto(`${s.base}/account/login`);
        await page.locator('input[name="email"]').fill(email);
        await page.locator('input[name="password"]').fill(PASSWORD);
        await page.locator('form[action="/account/login"] button[type="submit"]').click();
        await expect.poll(() => page.url()).toMatch(/\/portal$/);
        return { ctx, page };
      };
      const { ctx, page } = await login('en-US', 'yuna@example.com');
      const balance = () => page.locator('#balance').textContent();
      expect(await balance()).toBe('$0.00');
      await check(page, 'portal-billing');
      await page.getByLabel('Amount to add (USD)').fill('25');
      await page.getByRole('button', { name: 'Top up' }).click();
      await expect.poll(() => page.locator('main').textContent()).toContain('Your account was topped up');
      expect(await balance()).toBe('$25.00');
      await check(page, 'portal-topped-up');
      // the same form sent twice (a double click, a resubmit): one top-up
      const form = page.locator('form[action="/portal/top-up"]');
      const fields = {
        _csrf: (await form.locator('input[name="_csrf"]').getAttribute('value'))!,
        key: (await form.locator('input[name="key"]').getAttribute('value'))!,
        amount: '10',
      };
      const sent = await Promise.all(
        [0, 1].map(() => page.request.post(`${s.base}/portal/top-up`, { form: fields, maxRedirects: 0 })),
      );
      expect(sent.map((r) => r.status())).toEqual([303, 303]);
      await page.reload();
      expect(await balance()).toBe('$35.00');

      // a call: rated from its CDR, charged, in the history
      await placeCall(fee, sip, systemClock, {
        memberId: yuna,
        registrarId: 'acme',
        destination: '+442079460000',
        callId: 'yuna-1',
        seconds: 65,
      });
      await page.reload();
      const history = page.getByRole('table', { name: /Call history/ });
      await expect.poll(() => history.textContent()).toMatch(/\+442079460000\s*65 s\s*Answered\s*\$0\.20/);
      expect(await balance()).toBe('$34.80');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).not.toContain('441632960777');
      expect(main).not.toContain('55.55');
      await check(page, 'portal-calls');
      await ctx.close();

      // the other member sees only their own
      const other = await login('en-US', 'sora@example.com');
      const otherMain = (await other.page.locator('main').textContent()) ?? '';
      expect(otherMain).toContain('441632960777');
      expect(otherMain).not.toContain('442079460000');
      expect(otherMain).not.toContain('34.80');
      await other.ctx.close();

      // Korean and Japanese: the same parts, labelled
      for (const [locale, labels, name] of [
        ['ko-KR', ['잔액', '충전 금액 (USD)', '통화 기록', '연결됨'], 'ko-portal-billing'],
        ['ja-JP', ['残高', 'チャージする金額 (USD)', '通話履歴', '応答'], 'ja-portal-billing'],
      ] as const) {
        const l = await login(locale, 'yuna@example.com');
        const text = (await l.page.locator('main').textContent()) ?? '';
        for (const label of labels) expect(text, `${locale}: ${label}`).toContain(label);
        await l.page.getByLabel(labels[1]).fill('1');
        await check(l.page, name);
        await l.ctx.close();
      }

      // the registrar's console: calls and minutes in the CRM, the rate decks
      const staff = async (email: string) => {
        const c = await noJs();
        const p = await c.newPage();
        await p.goto(`${s.base}/console/login`);
        await p.getByLabel('Email address').fill(email);
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByRole('button', { name: 'Log in' }).first().click();
        await expect.poll(() => p.url()).toMatch(/\/console\/orders$/);
        return { c, p };
      };
      const boss = await staff('boss@acme.example');
      await boss.p.getByRole('link', { name: 'CRM by country' }).click();
      const crm = boss.p.getByRole('table', { name: /CRM by country/ });
      const korea = (await crm.getByRole('row', { name: /South Korea/ }).textContent()) ?? '';
      // one call of 65 s: 1.1 minutes, charged 0.20, to the United Kingdom
      expect(korea).toMatch(/1\s*1\.1\s*\$0\.20\s*GB \(1\)/);
      await check(boss.p, 'console-crm-calls');
      await boss.p.getByRole('link', { name: 'Rate decks' }).click();
      const decks = (await boss.p.locator('main').textContent()) ?? '';
      expect(decks).toContain('registrar.acme.USD');
      expect(decks).not.toContain('registrar.beta.USD');
      await check(boss.p, 'console-rate-decks');
      // the console's forms: a member's details, the price rules
      await boss.p.goto(`${s.base}/console/members/${yuna}`);
      await boss.p.getByLabel('Name shown to callers').fill('Yuna Park');
      await boss.p.getByLabel('Preferred language').selectOption('ko');
      await boss.p.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => boss.p.locator('main').textContent()).toContain('Saved.');
      expect((await svc.members.get(ADMIN, { memberId: yuna })).displayName).toBe('Yuna Park');
      await check(boss.p, 'console-member-edit');
      await boss.p.getByRole('link', { name: 'Price rules' }).click();
      await check(boss.p, 'console-prices-edit');
      await boss.c.close();
      // another registrar's staff: its own call only
      const other2 = await staff('boss@beta.example');
      await other2.p.getByRole('link', { name: 'CRM by country' }).click();
      const betaKorea =
        (await other2.p
          .getByRole('table', { name: /CRM by country/ })
          .getByRole('row', { name: /South Korea/ })
          .textContent()) ?? '';
      expect(betaKorea).toMatch(/1\s*0\.5\s*\$0\.10\s*GB \(1\)/);
      await other2.p.getByRole('link', { name: 'Rate decks' }).click();
      expect(await other2.p.locator('main').textContent()).not.toContain('registrar.acme.USD');
      await other2.c.close();
    }, 120_000);
  });
}
