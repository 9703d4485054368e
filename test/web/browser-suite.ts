// The web in a real browser (Debian's Chromium through playwright-core), on a whole callx (DNS,
// SIP, one HTTP port for the pages and the API), on each store. The core flows run with
// JavaScript off; every page is checked with axe-core (no serious or critical violation) and
// saved as a screenshot under test/web/screenshots/<store>/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, registrarPrincipal } from '#registry';
import type { Store } from '../../src/core/store.ts';
import { until } from '../api/helpers/stack.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';
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
        'registrar,country,members,new_members,numbers_sold,revenue,active_numbers,churned,calls,minutes,top_destinations',
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
  });
}
