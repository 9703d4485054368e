// The number store (public): search, a number's details, reserve, checkout with a payment
// provider, and the provider webhooks. Works without JavaScript; the countdown is an enhancement.

import type { Context } from 'hono';
import { Hono } from 'hono';
import type { NumberKind } from '#core';
import {
  ADMIN,
  type CheckoutView,
  RegistryError,
  registrarPrincipal,
  SIGNATURE_HEADER,
  sha256hex,
} from '#registry';
import type { WebEnv, WebServices } from '../context.ts';
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  fieldErrors,
  type Html,
  html,
  notice,
  render,
  select,
  table,
} from '../html.ts';
import type { Locale } from '../i18n.ts';
import { premiumReader, showNumber } from '../numbers.ts';

export const visitorKey = (c: Context<WebEnv>): string => sha256hex(c.var.v.visitorId);

const DEFAULT_COUNTRIES = ['KR', 'JP', 'US'];

export async function servedCountries(s: WebServices): Promise<string[]> {
  const page = await s.routing.countries.list(ADMIN, { limit: 200 });
  const codes = new Set([...page.items.map((c) => c._id), ...DEFAULT_COUNTRIES]);
  return [...codes].sort();
}

/** A price typed in major units ('12.50') as minor units, or undefined; NaN when not an amount. */
function minorUnits(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const t = text.trim().replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

function premiumTags(
  l: Locale,
  premiums: Array<{ pattern: string; length: number; amount: number }>,
  currency: string,
): Html {
  return html`${premiums.map(
    (p) =>
      html`<span class="tag">${l.t('premium.detail', {
        pattern: l.t(`premium.${p.pattern}` as 'premium.repeated'),
        length: p.length,
        amount: l.money({ amount: p.amount, currency }),
      })}</span>`,
  )}`;
}

export function storeRoutes(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get('/', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const q = c.req.query();
    const countries = await servedCountries(s);
    const country = ((q.country ?? countries.includes('KR')) ? 'KR' : countries[0]) as string;
    const chosen = q.country && /^[A-Za-z]{2}$/.test(q.country) ? q.country.toUpperCase() : country;
    const kind: NumberKind = q.kind === 'vns' ? 'vns' : 'pin';
    const errors: FieldErrors = {};
    const minPrice = minorUnits(q.minPrice);
    const maxPrice = minorUnits(q.maxPrice);
    if (Number.isNaN(minPrice)) errors.minPrice = [t('err.price')];
    if (Number.isNaN(maxPrice)) errors.maxPrice = [t('err.price')];
    let results: Html = html``;
    if (Object.keys(errors).length === 0) {
      try {
        const page = await s.sales.search(ADMIN, {
          country: chosen,
          kind,
          ...(q.pattern ? { pattern: q.pattern } : {}),
          ...(minPrice !== undefined ? { minPrice } : {}),
          ...(maxPrice !== undefined ? { maxPrice } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: 20,
        });
        const premiums = premiumReader(s.sales);
        const rows: Html[][] = [];
        for (const o of page.items) {
          const shown = showNumber(o);
          // offers do not name their registrar; its price rules say which premiums the price holds
          const { registrarId } = await s.sales.getNumber(ADMIN, { number: o.id });
          const p = await premiums(o, registrarId);
          rows.push([
            html`<a href="/store/numbers/${encodeURIComponent(o.id)}" aria-label="${t('store.view', { number: shown.primary })}">${shown.primary}</a>`,
            html`${shown.secondary}`,
            html`${l.country(o.country)}`,
            html`${l.money(o.price)}`,
            premiumTags(l, p, o.price.currency),
          ]);
        }
        const next = page.next
          ? html`<p><a href="/?${new URLSearchParams({ ...q, cursor: page.next }).toString()}" rel="next">${t('common.next')}</a></p>`
          : '';
        results =
          rows.length === 0
            ? notice(t('store.noResults'))
            : html`${table(t('store.results'), [t('store.number'), t('store.e164'), t('store.country'), t('store.price'), t('store.premium')], rows)}${next}`;
      } catch (err) {
        if (!(err instanceof RegistryError) || (err.code !== 'invalid-input' && err.code !== 'bad-cursor'))
          throw err;
        Object.assign(errors, fieldErrors(l, err));
      }
    }
    const labels = {
      country: t('store.country'),
      kind: t('store.kind'),
      pattern: t('store.pattern'),
      minPrice: t('store.minPrice'),
      maxPrice: t('store.maxPrice'),
      cursor: t('common.next'),
    };
    return render(c, {
      title: t('store.title'),
      status: Object.keys(errors).length ? 400 : 200,
      body: html`<p>${t('store.intro')}</p>
${errorSummary(l, errors, labels)}
<form method="get" action="/" role="search" class="grid">
${select({ name: 'country', label: t('store.country'), value: chosen, options: countries.map((cc) => [cc, l.country(cc)]), errors })}
${select({
  name: 'kind',
  label: t('store.kind'),
  value: kind,
  options: [
    ['pin', t('kind.pin')],
    ['vns', t('kind.vns')],
  ],
  errors,
})}
${field({ name: 'pattern', label: t('store.pattern'), value: q.pattern, help: t('store.patternHelp'), errors, inputmode: 'tel' })}
${field({ name: 'minPrice', label: t('store.minPrice'), value: q.minPrice, errors, inputmode: 'decimal' })}
${field({ name: 'maxPrice', label: t('store.maxPrice'), value: q.maxPrice, errors, inputmode: 'decimal' })}
<div class="field"><button type="submit">${t('common.search')}</button></div>
</form>
${results}`,
    });
  });

  async function numberPage(c: Context<WebEnv>, id: string, problem?: string, status: 200 | 409 = 200) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const n = await s.sales.getNumber(ADMIN, { number: id }).catch((err: unknown) => {
      if (err instanceof RegistryError && (err.code === 'not-found' || err.code === 'invalid-input'))
        return null;
      throw err;
    });
    if (!n)
      return render(c, {
        title: t('error.notFound'),
        status: 404,
        body: html`<p><a href="/">${t('checkout.searchAgain')}</a></p>`,
      });
    const shown = showNumber(n);
    const premiums = await premiumReader(s.sales)(n, n.registrarId);
    const base = n.price.amount - premiums.reduce((a, p) => a + p.amount, 0);
    const registrar = await s.auth.getRegistrar(ADMIN, n.registrarId).catch(() => null);
    return render(c, {
      title: t('number.title', { number: shown.primary }),
      status,
      body: html`${problem ? notice(problem, 'warn') : ''}
<h2>${t('number.forms')}</h2>
<dl class="facts">
<dt>${n.kind === 'pin' ? t('number.pinForm') : t('number.vnsForm')}</dt><dd>${shown.primary}</dd>
<dt>${t('store.e164')}</dt><dd>${shown.secondary}</dd>
<dt>${t('store.country')}</dt><dd>${l.country(n.country)}</dd>
<dt>${t('store.kind')}</dt><dd>${n.kind === 'pin' ? t('kind.pin') : t('kind.vns')}</dd>
<dt>${t('store.seller')}</dt><dd>${registrar?.name ?? n.registrarId}</dd>
<dt>${t('number.basePrice')}</dt><dd>${l.money({ amount: base, currency: n.price.currency })}</dd>
${premiums.length ? html`<dt>${t('store.premium')}</dt><dd>${premiumTags(l, premiums, n.price.currency)}</dd>` : ''}
<dt>${t('number.total')}</dt><dd><strong>${l.money(n.price)}</strong></dd>
</dl>
${
  n.status === 'available'
    ? html`<form method="post" action="/store/numbers/${encodeURIComponent(n.id)}/reserve">${csrfField(c)}
<p>${t('number.reserveHelp', { minutes: s.reservationMinutes })}</p>
<button type="submit">${t('number.reserve')}</button></form>`
    : notice(t('number.notAvailable'))
}
<p><a href="/">${t('checkout.searchAgain')}</a></p>`,
    });
  }

  app.get('/store/numbers/:id', (c) => numberPage(c, c.req.param('id')));

  app.post('/store/numbers/:id/reserve', async (c) => {
    const s = c.var.s;
    const { t } = c.var.v.locale;
    const id = c.req.param('id');
    const n = await s.sales.getNumber(ADMIN, { number: id }).catch(() => null);
    if (!n) return numberPage(c, id);
    const session = c.var.v.session;
    // a logged-in member of the same registrar gets the number straight into the account
    const memberId =
      session?.kind === 'member' && session.principal.registrarId === n.registrarId
        ? session.principal.memberId
        : undefined;
    const r = await s.sales.reserve(registrarPrincipal(n.registrarId), {
      number: n.id,
      ...(memberId ? { memberId } : {}),
    });
    if (!r.approved) {
      const why =
        r.reason === 'held'
          ? t('reserve.held')
          : r.reason === 'taken'
            ? t('reserve.taken')
            : t('reserve.notOffered');
      return numberPage(c, id, why, 409);
    }
    const co = await s.checkout.start(
      visitorKey(c),
      {
        id: r.order.id,
        registrarId: r.order.registrarId,
        numberId: r.order.numberId,
        price: r.price,
        expiresAt: r.expiresAt,
      },
      memberId,
    );
    return c.redirect(`/store/checkout/${co.id}`, 303);
  });

  async function checkoutPage(c: Context<WebEnv>, id: string, status: 200 | 409 = 200, problem?: string) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const { checkout: co, order } = await s.checkout.get(visitorKey(c), id);
    const n = await s.sales.getNumber(ADMIN, { number: co.numberId });
    const shown = showNumber(n);
    const now = s.clock.now();
    const expired =
      order.status === 'expired' ||
      (order.status === 'reserved' && co.status === 'open' && order.expiresAt <= now);
    const member = c.var.v.session?.kind === 'member';
    const state = (): Html => {
      // a PIN is set up only once its buyer's hold of the line is proven (docs/sales.md)
      const proof =
        order.status === 'pending-verification'
          ? html`<p class="steps">${t('portal.awaitingProofNext')}</p>`
          : '';
      if (co.status === 'paid' || order.status === 'paid' || order.status === 'pending-verification')
        return html`${proof}${
          co.memberId || member
            ? html`<p class="steps">${t('checkout.next.paidMember')}</p><p><a class="button" href="/portal">${t('checkout.toPortal')}</a></p>`
            : html`<p class="steps">${t('checkout.next.paid')}</p><p><a class="button" href="/account/signup?checkout=${co.id}">${t('checkout.signup')}</a></p>`
        }`;
      if (co.status === 'failed')
        return html`<p class="steps">${t('checkout.next.failed', { reason: co.failure ?? '' })}</p><p><a href="/">${t('checkout.searchAgain')}</a></p>`;
      if (expired)
        return html`<p class="steps">${t('checkout.next.expired')}</p><p><a href="/">${t('checkout.searchAgain')}</a></p>`;
      if (co.status === 'closed' || order.status === 'cancelled')
        return html`<p class="steps">${t('checkout.next.closed')}</p><p><a href="/">${t('checkout.searchAgain')}</a></p>`;
      const until = html`<p>${t('checkout.heldUntil', { time: l.dateTime(order.expiresAt) })} — ${t('checkout.remaining')}: <time class="countdown" datetime="${new Date(order.expiresAt).toISOString()}" data-countdown="${order.expiresAt}">${t('checkout.minutesLeft', { n: Math.max(0, Math.ceil((order.expiresAt - now) / 60_000)) })}</time></p>`;
      const giveBack = html`<form method="post" action="/store/checkout/${co.id}/cancel" class="giveback">${csrfField(c)}<button type="submit" class="secondary">${t('checkout.giveBack')}</button></form>`;
      if (co.status === 'pending')
        return html`<p class="steps">${t('checkout.next.pending', { amount: l.money(co.price), reference: co.reference ?? '', time: l.dateTime(order.expiresAt) })}</p>
<dl class="facts"><dt>${t('checkout.reference')}</dt><dd><code>${co.reference ?? ''}</code></dd><dt>${t('checkout.amount')}</dt><dd>${l.money(co.price)}</dd></dl>
${until}${giveBack}`;
      return html`<p class="steps">${t('checkout.next.open')}</p>${until}
<h2>${t('checkout.chooseProvider')}</h2>
<div class="cols">
<form method="post" action="/store/checkout/${co.id}/test">${csrfField(c)}<p>${t('checkout.payTestHelp')}</p><button type="submit">${t('checkout.payTest')}</button></form>
<form method="post" action="/store/checkout/${co.id}/bank-transfer">${csrfField(c)}<p>${t('checkout.bankTransferHelp', { days: s.transferHoldDays })}</p><button type="submit" class="secondary">${t('checkout.bankTransfer')}</button></form>
</div>
${giveBack}`;
    };
    return render(c, {
      title: t('checkout.title', { number: shown.primary }),
      status,
      body: html`${problem ? notice(problem, 'warn') : ''}
<dl class="facts">
<dt>${t('store.number')}</dt><dd>${shown.primary} (${shown.secondary})</dd>
<dt>${t('store.price')}</dt><dd>${l.money(co.price)}</dd>
<dt>${t('common.status')}</dt><dd>${t(`checkout.status.${co.status}` as 'checkout.status.open')}</dd>
</dl>
${state()}`,
    });
  }

  app.get('/store/checkout/:id', (c) => checkoutPage(c, c.req.param('id')));

  const act = (name: string, run: (s: WebServices, visitor: string, id: string) => Promise<CheckoutView>) =>
    app.post(`/store/checkout/:id/${name}`, async (c) => {
      const id = c.req.param('id');
      try {
        await run(c.var.s, visitorKey(c), id);
      } catch (err) {
        if (!(err instanceof RegistryError) || err.code === 'not-found') throw err;
        return checkoutPage(c, id, 409, c.var.v.locale.t('checkout.next.expired'));
      }
      return c.redirect(`/store/checkout/${id}`, 303);
    });
  act('test', (s, v, id) => s.checkout.payWithTest(v, id));
  act('bank-transfer', (s, v, id) => s.checkout.chooseBankTransfer(v, id));
  act('cancel', (s, v, id) => s.checkout.abandon(v, id));

  // payment providers' webhooks: the raw body, verified by signature (no CSRF: no cookies)
  app.post('/webhooks/:provider', async (c) => {
    const body = await c.req.text();
    const out = await c.var.s.checkout.webhook(c.req.param('provider'), body, c.req.header(SIGNATURE_HEADER));
    return c.json(out, out.status);
  });

  return app;
}
