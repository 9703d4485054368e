// The registrar console: staff users per registrar (admin, sales, support), and the operator
// (an admin API token) who sees every registrar side by side. Orders (cancel), bank transfers
// (confirm receipt), members, inventory (stock), price rules, routing data, staff users, rate
// decks when the fee system has them, and the CRM per country with SVG charts. Every table has
// a CSV export. Each action checks the role's capability (requireCapability); reads are limited
// to the staff user's registrar by the services themselves.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import {
  ADMIN,
  type Capability,
  hasCapability,
  type Principal,
  RegistryError,
  requireCapability,
  STAFF_ROLES,
} from '#registry';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../app.ts';
import { barChart, columnChart } from '../charts.ts';
import type { WebEnv } from '../context.ts';
import { allPages, csvResponse } from '../csv.ts';
import { type Form, given, readForm } from '../forms.ts';
import {
  addError,
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
import { currencyDigits, LANGUAGE_NAMES, LANGUAGES, type Language, type Locale } from '../i18n.ts';
import { showNumber } from '../numbers.ts';
import { loginPage, resetRoutes } from './account.ts';
import { proofRoutes } from './console-proofs.ts';

function staffOf(c: Context<WebEnv>): Principal | null {
  const s = c.var.v.session;
  return s?.kind === 'staff' ? s.principal : null;
}

/** The registrar a listing shows: the staff user's own; the operator's choice (?registrar=), or all. */
function scopeOf(c: Context<WebEnv>, p: Principal): string | undefined {
  if (p.role !== 'admin') return undefined;
  const r = c.req.query('registrar');
  return r && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(r) ? r : undefined;
}

const DAY = 86_400_000;
/** The order states the console filters by (a paid PIN waiting for its proof among them). */
const ORDER_STATUSES = ['reserved', 'pending-verification', 'paid', 'cancelled', 'expired'] as const;

function consoleNav(c: Context<WebEnv>, l: Locale, p: Principal): Html {
  const { t } = l;
  const s = c.var.v.session;
  const who =
    p.role === 'admin'
      ? t('console.operator')
      : p.role === 'staff'
        ? t('console.signedInAs', {
            name: s?.kind === 'staff' ? s.name : p.userId,
            role: t(`role.${p.staffRole}`),
            registrar: p.registrarId,
          })
        : '';
  const links: Array<[string, string, Capability]> = [
    ['/console/orders', t('console.orders'), 'read'],
    ['/console/transfers', t('console.transfers'), 'read'],
    ['/console/proofs', t('proofs.title'), 'read'],
    ['/console/members', t('console.members'), 'read'],
    ['/console/inventory', t('console.inventory'), 'read'],
    ['/console/prices', t('console.prices'), 'read'],
    ['/console/routing', t('console.routing'), 'read'],
    ['/console/crm', t('console.crm'), 'read'],
    ['/console/staff', t('console.staff'), 'staff'],
  ];
  if (c.var.s.billing?.rateDecks) links.push(['/console/rate-decks', t('console.rateDecks'), 'read']);
  return html`<p>${who}</p><ul class="subnav">${links
    .filter(([, , cap]) => hasCapability(p, cap))
    .map(([href, text]) => html`<li><a href="${href}">${text}</a></li>`)}</ul>`;
}

function registrarFilter(
  c: Context<WebEnv>,
  l: Locale,
  p: Principal,
  action: string,
  extra: Html = html``,
): Html {
  if (p.role !== 'admin')
    return extra
      ? html`<form method="get" action="${action}" class="grid">${extra}<div class="field"><button type="submit">${l.t('crm.show')}</button></div></form>`
      : html``;
  return html`<form method="get" action="${action}" class="grid">
${field({ name: 'registrar', label: `${l.t('console.registrar')} ${l.t('common.optional')}`, value: scopeOf(c, p) })}
${extra}<div class="field"><button type="submit">${l.t('crm.show')}</button></div></form>`;
}

export function consoleRoutes(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  const tokenForm = (c: Context<WebEnv>) => {
    const { t } = c.var.v.locale;
    return html`<h2>${t('console.operatorLogin')}</h2>
<form method="post" action="/console/login/operator">${csrfField(c)}
${field({ name: 'token', label: t('console.token'), type: 'password', required: true, autocomplete: 'off' })}
<button type="submit">${t('login.submit')}</button></form>`;
  };
  app.get('/console/login', (c) => loginPage(c, 'staff', {}, undefined, undefined, tokenForm(c)));
  app.post('/console/login', async (c) => {
    const f = await readForm(c);
    const r = await c.var.s.logins.loginStaff(
      { email: f.email ?? '', password: f.password ?? '', address: c.var.v.address },
      getCookie(c, SESSION_COOKIE),
    );
    if (!r.ok) return loginPage(c, 'staff', f, r.reason, r.retryAfterMs, tokenForm(c));
    setSessionCookie(c, r.sessionId);
    return c.redirect('/console', 303);
  });
  app.post('/console/login/operator', async (c) => {
    const f = await readForm(c);
    const s = c.var.s;
    const r = await s.logins.loginOperator(
      { token: f.token ?? '', address: c.var.v.address },
      (token) => s.auth.authenticate(token),
      getCookie(c, SESSION_COOKIE),
    );
    if (!r.ok) return loginPage(c, 'staff', {}, r.reason, r.retryAfterMs, tokenForm(c));
    setSessionCookie(c, r.sessionId);
    return c.redirect('/console', 303);
  });
  app.post('/console/logout', async (c) => {
    await c.var.s.logins.logout(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect('/console/login', 303);
  });
  resetRoutes(app, 'staff', '/console');

  const guard = async (c: Context<WebEnv>, next: () => Promise<void>) => {
    if (/^\/console\/(login|logout|reset)(\/|$)/.test(c.req.path)) return next();
    if (!staffOf(c)) return c.redirect('/console/login', 303);
    return next();
  };
  app.use('/console', guard);
  app.use('/console/*', guard);

  app.get('/console', (c) => c.redirect('/console/orders', 303));

  const page = (c: Context<WebEnv>, title: string, body: Html, status: 200 | 400 | 403 | 409 = 200) =>
    render(c, { title, status, body: html`${consoleNav(c, c.var.v.locale, staffOf(c)!)}${body}` });

  // --- orders ----------------------------------------------------------------------------------
  const orderStatus = (q: string | undefined) => ORDER_STATUSES.find((x) => x === q);
  app.get('/console/orders', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const status = orderStatus(c.req.query('status'));
    const registrarId = scopeOf(c, p);
    const list = await s.sales.listOrders(p, {
      ...(registrarId ? { registrarId } : {}),
      ...(status ? { status } : {}),
      ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}),
      limit: 50,
    });
    const canSell = hasCapability(p, 'sell');
    const rows = list.items.map((o) => [
      html`<code>${o.id}</code>`,
      html`${o.display}`,
      html`${o.registrarId}`,
      html`${o.memberId ?? ''}`,
      html`${l.money(o.price)}`,
      html`${t(`status.${o.status}`)}`,
      html`${l.dateTime(o.createdAt)}`,
      canSell && o.status === 'reserved'
        ? html`<form method="post" action="/console/orders/${o.id}/cancel" class="inline">${csrfField(c)}<button type="submit" class="link">${t('console.cancelOrder', { id: o.id.slice(0, 12) })}</button></form>`
        : html``,
    ]);
    const qs = new URLSearchParams({
      ...(registrarId ? { registrar: registrarId } : {}),
      ...(status ? { status } : {}),
    }).toString();
    return page(
      c,
      t('console.orders'),
      html`${registrarFilter(c, l, p, '/console/orders', select({ name: 'status', label: t('common.status'), value: status ?? '', options: [['', t('common.any')], ...ORDER_STATUSES.map((x): [string, string] => [x, t(`status.${x}`)])] }))}
${table(t('console.orders'), [t('console.order'), t('store.number'), t('console.registrar'), t('console.member'), t('store.price'), t('common.status'), t('console.created'), t('common.actions')], rows, `/console/orders.csv?${qs}`, l)}
${list.next ? html`<p><a rel="next" href="/console/orders?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(qs)), cursor: list.next }).toString()}">${t('common.next')}</a></p>` : ''}`,
    );
  });
  app.get('/console/orders.csv', async (c) => {
    const p = staffOf(c)!;
    const status = orderStatus(c.req.query('status'));
    const registrarId = scopeOf(c, p);
    const items = await allPages((cursor) =>
      c.var.s.sales.listOrders(p, {
        ...(registrarId ? { registrarId } : {}),
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'orders',
      ['id', 'number', 'registrar', 'member', 'amount', 'currency', 'status', 'created', 'payment_reference'],
      items.map((o) => [
        o.id,
        o.display,
        o.registrarId,
        o.memberId,
        o.price.amount,
        o.price.currency,
        o.status,
        new Date(o.createdAt).toISOString(),
        o.paymentReference,
      ]),
    );
  });
  app.post('/console/orders/:id/cancel', async (c) => {
    const p = staffOf(c)!;
    requireCapability(p, 'sell', 'web: console: cancel order');
    try {
      await c.var.s.sales.cancel(p, { orderId: c.req.param('id') });
    } catch (err) {
      if (!(err instanceof RegistryError) || err.code !== 'order-state') throw err;
    }
    return c.redirect('/console/orders', 303);
  });

  // --- bank transfers ------------------------------------------------------------------------
  app.get('/console/transfers', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const list = await s.checkout.list(p, {
      ...(registrarId ? { registrarId } : {}),
      status: 'pending',
      limit: 200,
    });
    const canSell = hasCapability(p, 'sell');
    const rows = await Promise.all(
      list.items.map(async (co) => {
        const n = await s.sales.getNumber(ADMIN, { number: co.numberId });
        return [
          html`<code>${co.reference ?? ''}</code>`,
          html`${showNumber(n).primary}`,
          html`${co.registrarId}`,
          html`${l.money(co.price)}`,
          html`${l.dateTime(co.expiresAt)}`,
          canSell
            ? html`<form method="post" action="/console/transfers/${co.id}/confirm" class="inline">${csrfField(c)}<button type="submit">${t('console.confirm', { reference: co.reference ?? '' })}</button></form>`
            : html``,
        ];
      }),
    );
    const done = c.req.query('confirmed') === '1' ? notice(t('console.confirmed'), 'ok') : '';
    return page(
      c,
      t('console.transfers'),
      html`${done}${registrarFilter(c, l, p, '/console/transfers')}
${rows.length ? table(t('console.transfers'), [t('checkout.reference'), t('store.number'), t('console.registrar'), t('checkout.amount'), t('console.expires'), t('common.actions')], rows, '/console/transfers.csv', l) : notice(t('console.noTransfers'))}`,
    );
  });
  app.get('/console/transfers.csv', async (c) => {
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const items = await allPages((cursor) =>
      c.var.s.checkout.list(p, {
        ...(registrarId ? { registrarId } : {}),
        status: 'pending',
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'bank-transfers',
      ['checkout', 'reference', 'order', 'number', 'registrar', 'amount', 'currency', 'expires'],
      items.map((x) => [
        x.id,
        x.reference,
        x.orderId,
        x.numberId,
        x.registrarId,
        x.price.amount,
        x.price.currency,
        new Date(x.expiresAt).toISOString(),
      ]),
    );
  });
  app.post('/console/transfers/:id/confirm', async (c) => {
    const co = await c.var.s.checkout.confirmTransfer(staffOf(c)!, c.req.param('id'));
    if (co.status !== 'paid')
      return page(
        c,
        c.var.v.locale.t('console.transfers'),
        notice(c.var.v.locale.t('checkout.next.failed', { reason: co.failure ?? '' }), 'warn'),
        409,
      );
    return c.redirect('/console/transfers?confirmed=1', 303);
  });

  // --- members -------------------------------------------------------------------------------
  app.get('/console/members', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const list = await s.members.list(p, {
      ...(registrarId ? { registrarId } : {}),
      ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}),
      limit: 50,
    });
    const rows = list.items.map((m) => [
      html`<a href="/console/members/${m.id}">${m.displayName}</a>`,
      html`${m.type === 'company' ? t('signup.company') : t('signup.individual')}`,
      html`${l.country(m.country)}`,
      html`${m.email ?? ''}`,
      html`${m.domain ?? ''}`,
      html`${l.number(m.numbers.length)}`,
      html`${m.registrarId}`,
    ]);
    return page(
      c,
      t('console.members'),
      html`${registrarFilter(c, l, p, '/console/members')}
${table(t('console.members'), [t('console.name'), t('console.type'), t('console.country'), t('console.email'), t('console.domain'), t('console.numbers'), t('console.registrar')], rows, `/console/members.csv${registrarId ? `?registrar=${registrarId}` : ''}`, l)}
${list.next ? html`<p><a rel="next" href="/console/members?cursor=${list.next}${registrarId ? `&registrar=${registrarId}` : ''}">${t('common.next')}</a></p>` : ''}`,
    );
  });
  app.get('/console/members.csv', async (c) => {
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const items = await allPages((cursor) =>
      c.var.s.members.list(p, {
        ...(registrarId ? { registrarId } : {}),
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'members',
      ['id', 'registrar', 'type', 'name', 'country', 'email', 'domain', 'contact_pstn', 'numbers', 'created'],
      items.map((m) => [
        m.id,
        m.registrarId,
        m.type,
        m.displayName,
        m.country,
        m.email,
        m.domain,
        m.contactPstn,
        m.numbers.map((n) => (n.kind === 'pin' ? n.e164 : `vns:${n.base}`)).join(' '),
        new Date(m.createdAt).toISOString(),
      ]),
    );
  });
  async function memberPage(
    c: Context<WebEnv>,
    f: Form | null = null,
    errors: FieldErrors = {},
    general: string[] = [],
    saved = false,
  ) {
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const m = await c.var.s.members.get(p, { memberId: c.req.param('id')! });
    const v: Form = f ?? {
      displayName: m.displayName,
      contactPstn: m.contactPstn ?? '',
      language: m.personal?.language ?? '',
      version: String(m.version),
    };
    const edit = hasCapability(p, 'members')
      ? html`<h2>${t('console.editMember')}</h2>
${errorSummary(l, errors, { displayName: t('signup.displayName'), contactPstn: t('signup.contactPstn'), 'personal.language': t('signup.language') }, general)}
<form method="post" action="/console/members/${m.id}" novalidate>${csrfField(c)}
<input type="hidden" name="version" value="${v.version ?? String(m.version)}">
${field({ name: 'displayName', label: t('signup.displayName'), value: v.displayName, required: true, errors })}
${field({ name: 'contactPstn', label: `${t('signup.contactPstn')} ${t('common.optional')}`, value: v.contactPstn, type: 'tel', errors })}
${select({ name: 'language', path: 'personal.language', label: t('signup.language'), value: v.language, options: [['', t('common.any')], ...LANGUAGES.map((x): [string, string] => [x, LANGUAGE_NAMES[x]])], errors })}
<button type="submit">${t('common.save')}</button></form>`
      : '';
    return page(
      c,
      m.displayName,
      html`${saved ? notice(t('common.saved'), 'ok') : ''}<dl class="facts">
<dt>${t('console.type')}</dt><dd>${m.type === 'company' ? t('signup.company') : t('signup.individual')}</dd>
<dt>${t('console.country')}</dt><dd>${l.country(m.country)}</dd>
<dt>${t('console.email')}</dt><dd>${m.email ?? ''}</dd>
<dt>${t('console.domain')}</dt><dd>${m.domain ?? ''}</dd>
<dt>${t('signup.contactPstn')}</dt><dd>${m.contactPstn ?? ''}</dd>
<dt>${t('signup.otherCarriers')}</dt><dd>${m.otherCarriers.join(', ')}</dd>
<dt>${t('portal.homePage')}</dt><dd>${m.homePage ?? ''}</dd>
<dt>${t('signup.language')}</dt><dd>${m.personal?.language ? (LANGUAGE_NAMES[m.personal.language as Language] ?? m.personal.language) : ''}</dd>
<dt>${t('console.numbers')}</dt><dd>${m.numbers.map((n) => (n.kind === 'pin' ? n.e164 : `VNS ${n.base}`)).join(', ')}</dd>
<dt>${t('sip.username')}</dt><dd>${m.sipUsername ?? ''}</dd>
<dt>${t('console.created')}</dt><dd>${l.dateTime(m.createdAt)}</dd>
</dl>${edit}`,
      Object.keys(errors).length || general.length ? 400 : 200,
    );
  }
  app.get('/console/members/:id', (c) => memberPage(c));
  app.post('/console/members/:id', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const p = staffOf(c)!;
    requireCapability(p, 'members', 'web: console: edit member');
    const memberId = c.req.param('id');
    const f = await readForm(c);
    const m = await s.members.get(p, { memberId });
    const version = Number(f.version);
    const lang = (LANGUAGES as readonly string[]).includes(f.language ?? '') ? f.language : undefined;
    // the other personal data stays as the member typed it; only the language is the console's
    const { language: _, ...rest } = m.personal ?? {};
    const personal = lang ? { ...rest, language: lang } : Object.keys(rest).length ? rest : null;
    try {
      await s.members.update(p, {
        memberId,
        displayName: f.displayName ?? '',
        contactPstn: given(f.contactPstn) ?? null,
        personal,
        ...(Number.isInteger(version) && version > 0 ? { expectedVersion: version } : {}),
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'invalid-input') return memberPage(c, f, fieldErrors(l, err));
      if (err.code === 'version-conflict')
        return memberPage(c, { ...f, version: String(err.details.version ?? '') }, {}, [
          l.t('error.versionConflict'),
        ]);
      throw err;
    }
    return memberPage(c, null, {}, [], true);
  });

  // --- inventory -----------------------------------------------------------------------------
  const invStatus = (q: string | undefined) =>
    q === 'available' || q === 'reserved' || q === 'sold' || q === 'assigned' || q === 'released'
      ? q
      : undefined;
  async function inventoryPage(c: Context<WebEnv>, f: Form = {}, errors: FieldErrors = {}, done?: string) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const status = invStatus(c.req.query('status'));
    const list = await s.sales.listInventory(p, {
      ...(registrarId ? { registrarId } : {}),
      ...(status ? { status } : {}),
      ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}),
      limit: 50,
    });
    const rows = list.items.map((n) => [
      html`${showNumber(n).primary}`,
      html`${showNumber(n).secondary}`,
      html`${l.country(n.country)}`,
      html`${n.kind.toUpperCase()}`,
      html`${l.money(n.price)}`,
      html`${t(`status.${n.status}`)}`,
      html`${n.registrarId}`,
    ]);
    const qs = new URLSearchParams({
      ...(registrarId ? { registrar: registrarId } : {}),
      ...(status ? { status } : {}),
    });
    const stock = hasCapability(p, 'inventory')
      ? html`<h2>${t('console.stock')}</h2>${errorSummary(l, errors, { country: t('store.country'), kind: t('store.kind'), 'range.first': t('console.stockFirst'), 'range.count': t('console.stockCount'), registrarId: t('console.registrar') })}
<form method="post" action="/console/inventory" class="grid" novalidate>${csrfField(c)}
${p.role === 'admin' ? field({ name: 'registrarId', label: t('console.registrar'), value: f.registrarId, errors }) : ''}
${field({ name: 'country', label: t('store.country'), value: f.country ?? 'KR', errors })}
${select({
  name: 'kind',
  label: t('store.kind'),
  value: f.kind,
  options: [
    ['pin', t('kind.pin')],
    ['vns', t('kind.vns')],
  ],
  errors,
})}
${field({ name: 'first', path: 'range.first', label: t('console.stockFirst'), value: f.first, errors })}
${field({ name: 'count', path: 'range.count', label: t('console.stockCount'), value: f.count ?? '10', inputmode: 'numeric', errors })}
<div class="field"><button type="submit">${t('console.stock')}</button></div></form>`
      : '';
    return page(
      c,
      t('console.inventory'),
      html`${done ? notice(done, 'ok') : ''}${registrarFilter(c, l, p, '/console/inventory', select({ name: 'status', label: t('common.status'), value: status ?? '', options: [['', t('common.any')], ...(['available', 'reserved', 'sold', 'assigned', 'released'] as const).map((x): [string, string] => [x, t(`status.${x}`)])] }))}
${table(t('console.inventory'), [t('store.number'), t('store.e164'), t('store.country'), t('store.kind'), t('store.price'), t('common.status'), t('console.registrar')], rows, `/console/inventory.csv?${qs}`, l)}
${list.next ? html`<p><a rel="next" href="/console/inventory?${new URLSearchParams({ ...Object.fromEntries(qs), cursor: list.next }).toString()}">${t('common.next')}</a></p>` : ''}
${stock}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }
  app.get('/console/inventory', (c) => inventoryPage(c));
  app.get('/console/inventory.csv', async (c) => {
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const status = invStatus(c.req.query('status'));
    const items = await allPages((cursor) =>
      c.var.s.sales.listInventory(p, {
        ...(registrarId ? { registrarId } : {}),
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'inventory',
      ['id', 'kind', 'country', 'display', 'e164', 'amount', 'currency', 'status', 'registrar'],
      items.map((n) => [
        n.id,
        n.kind,
        n.country,
        n.display,
        n.e164,
        n.price.amount,
        n.price.currency,
        n.status,
        n.registrarId,
      ]),
    );
  });
  app.post('/console/inventory', async (c) => {
    const p = staffOf(c)!;
    requireCapability(p, 'inventory', 'web: console: stock');
    const l = c.var.v.locale;
    const f = await readForm(c);
    const count = Number(f.count);
    try {
      const r = await c.var.s.sales.stock(p, {
        ...(p.role === 'admin' && given(f.registrarId) ? { registrarId: given(f.registrarId) } : {}),
        country: f.country ?? '',
        kind: f.kind === 'vns' ? 'vns' : 'pin',
        range: { first: f.first ?? '', count: Number.isInteger(count) ? count : -1 },
      });
      return inventoryPage(c, {}, {}, l.t('console.stocked', { count: l.number(r.stocked) }));
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'invalid-input')
        return inventoryPage(c, f, fieldErrors(l, err));
      throw err;
    }
  });

  // --- price rules ---------------------------------------------------------------------------
  async function pricesPage(
    c: Context<WebEnv>,
    f: Form | null = null,
    errors: FieldErrors = {},
    general: string[] = [],
    saved = false,
  ) {
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const registrarId = p.role === 'admin' ? (scopeOf(c, p) ?? given(f?.registrarId)) : undefined;
    if (p.role === 'admin' && !registrarId)
      return page(c, t('console.prices'), registrarFilter(c, l, p, '/console/prices'));
    const r = await c.var.s.sales.getPriceRules(p, registrarId ? { registrarId } : {});
    const cur = r.rules.currency;
    const digits = currencyDigits(cur);
    const major = (minor: number) => (minor / 10 ** digits).toFixed(digits);
    const v: Form = f ?? {
      version: String(r.version),
      pin: major(r.rules.defaultBase.pin),
      vns: major(r.rules.defaultBase.vns),
      ...Object.fromEntries(
        r.rules.premiums.flatMap((x, i) => [
          [`minRun${i}`, String(x.minRun)],
          [`amount${i}`, major(x.amount)],
          [`perExtra${i}`, major(x.perExtraDigit)],
        ]),
      ),
    };
    const edit = hasCapability(p, 'inventory')
      ? html`<h2>${t('console.editPrices')}</h2>
${errorSummary(
  l,
  errors,
  {
    'rules.defaultBase.pin': t('console.defaultBase', { kind: 'PIN' }),
    'rules.defaultBase.vns': t('console.defaultBase', { kind: 'VNS' }),
    ...Object.fromEntries(
      r.rules.premiums.flatMap((x, i) => [
        [`rules.premiums.${i}.minRun`, `${t('console.minRun')} — ${t(`premium.${x.pattern}`)}`],
        [`rules.premiums.${i}.amount`, `${t('console.amount')} — ${t(`premium.${x.pattern}`)}`],
        [`rules.premiums.${i}.perExtraDigit`, `${t('console.perExtra')} — ${t(`premium.${x.pattern}`)}`],
      ]),
    ),
  },
  general,
)}
<form method="post" action="/console/prices" novalidate>${csrfField(c)}
<input type="hidden" name="version" value="${v.version ?? String(r.version)}">
${registrarId ? html`<input type="hidden" name="registrarId" value="${registrarId}">` : ''}
<div class="grid">
${field({ name: 'pin', path: 'rules.defaultBase.pin', label: `${t('console.defaultBase', { kind: 'PIN' })} (${cur})`, value: v.pin, inputmode: 'decimal', errors })}
${field({ name: 'vns', path: 'rules.defaultBase.vns', label: `${t('console.defaultBase', { kind: 'VNS' })} (${cur})`, value: v.vns, inputmode: 'decimal', errors })}
</div>
${r.rules.premiums.map(
  (x, i) => html`<fieldset class="grid"><legend>${t(`premium.${x.pattern}`)}</legend>
${field({ name: `minRun${i}`, path: `rules.premiums.${i}.minRun`, label: `${t('console.minRun')} — ${t(`premium.${x.pattern}`)}`, value: v[`minRun${i}`], inputmode: 'numeric', errors })}
${field({ name: `amount${i}`, path: `rules.premiums.${i}.amount`, label: `${t('console.amount')} (${cur}) — ${t(`premium.${x.pattern}`)}`, value: v[`amount${i}`], inputmode: 'decimal', errors })}
${field({ name: `perExtra${i}`, path: `rules.premiums.${i}.perExtraDigit`, label: `${t('console.perExtra')} (${cur}) — ${t(`premium.${x.pattern}`)}`, value: v[`perExtra${i}`], inputmode: 'decimal', errors })}
</fieldset>`,
)}
<button type="submit">${t('common.save')}</button></form>`
      : '';
    return page(
      c,
      t('console.prices'),
      html`${saved ? notice(t('common.saved'), 'ok') : ''}${registrarFilter(c, l, p, '/console/prices')}<dl class="facts">
<dt>${t('console.registrar')}</dt><dd>${r.registrarId}</dd>
<dt>${t('console.currency')}</dt><dd>${cur}</dd>
<dt>${t('console.defaultBase', { kind: 'PIN' })}</dt><dd>${l.money({ amount: r.rules.defaultBase.pin, currency: cur })}</dd>
<dt>${t('console.defaultBase', { kind: 'VNS' })}</dt><dd>${l.money({ amount: r.rules.defaultBase.vns, currency: cur })}</dd>
</dl>
${table(
  t('console.premiums'),
  [t('console.pattern'), t('console.minRun'), t('console.amount'), t('console.perExtra')],
  r.rules.premiums.map((x) => [
    html`${t(`premium.${x.pattern}`)}`,
    html`${x.minRun}`,
    html`${l.money({ amount: x.amount, currency: cur })}`,
    html`${l.money({ amount: x.perExtraDigit, currency: cur })}`,
  ]),
  `/console/prices.csv${registrarId ? `?registrar=${registrarId}` : ''}`,
  l,
)}
${edit}`,
      Object.keys(errors).length || general.length ? 400 : 200,
    );
  }
  app.get('/console/prices', (c) => pricesPage(c));
  app.post('/console/prices', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const p = staffOf(c)!;
    requireCapability(p, 'inventory', 'web: console: price rules');
    const f = await readForm(c);
    const registrarId = p.role === 'admin' ? given(f.registrarId) : undefined;
    if (p.role === 'admin' && !registrarId) return c.redirect('/console/prices', 303);
    const r = await s.sales.getPriceRules(p, registrarId ? { registrarId } : {});
    const digits = currencyDigits(r.rules.currency);
    const errors: FieldErrors = {};
    const bad = l.t('err.amount');
    /** A major-units amount typed in the form, as minor units; an error on its field otherwise. */
    const minor = (name: string, path: string): number => {
      const text = (f[name] ?? '').trim().replace(',', '.');
      const ok =
        digits > 0 ? new RegExp(`^\\d{1,9}(\\.\\d{1,${digits}})?$`).test(text) : /^\d{1,9}$/.test(text);
      if (!ok) {
        addError(errors, path, bad);
        return 0;
      }
      return Math.round(Number(text) * 10 ** digits);
    };
    const rules = {
      ...r.rules,
      defaultBase: { pin: minor('pin', 'rules.defaultBase.pin'), vns: minor('vns', 'rules.defaultBase.vns') },
      premiums: r.rules.premiums.map((x, i) => ({
        ...x,
        minRun: Number(f[`minRun${i}`]),
        amount: minor(`amount${i}`, `rules.premiums.${i}.amount`),
        perExtraDigit: minor(`perExtra${i}`, `rules.premiums.${i}.perExtraDigit`),
      })),
    };
    if (Object.keys(errors).length) return pricesPage(c, f, errors);
    const version = Number(f.version);
    try {
      await s.sales.setPriceRules(p, {
        ...(registrarId ? { registrarId } : {}),
        rules,
        ...(Number.isInteger(version) && version >= 0 ? { expectedVersion: version } : {}),
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'invalid-input') return pricesPage(c, f, fieldErrors(l, err));
      if (err.code === 'version-conflict')
        return pricesPage(c, { ...f, version: String(err.details.version ?? '') }, {}, [
          l.t('error.versionConflict'),
        ]);
      throw err;
    }
    return pricesPage(c, null, {}, [], true);
  });
  app.get('/console/prices.csv', async (c) => {
    const p = staffOf(c)!;
    const registrarId = p.role === 'admin' ? scopeOf(c, p) : undefined;
    const r = await c.var.s.sales.getPriceRules(p, registrarId ? { registrarId } : {});
    return csvResponse(
      c,
      'premiums',
      ['pattern', 'min_run', 'amount', 'per_extra_digit', 'currency'],
      r.rules.premiums.map((x) => [x.pattern, x.minRun, x.amount, x.perExtraDigit, r.rules.currency]),
    );
  });

  // --- routing data (the operator's; everyone reads it) --------------------------------------
  async function routingTables(c: Context<WebEnv>) {
    const s = c.var.s;
    const p = staffOf(c)!;
    const [countries, gateways, carriers] = await Promise.all([
      allPages((cursor) => s.routing.countries.list(p, { ...(cursor ? { cursor } : {}), limit: 200 })),
      allPages((cursor) => s.routing.gateways.list(p, { ...(cursor ? { cursor } : {}), limit: 200 })),
      allPages((cursor) => s.routing.carriers.list(p, { ...(cursor ? { cursor } : {}), limit: 200 })),
    ]);
    return { countries, gateways, carriers };
  }
  app.get('/console/routing', async (c) => {
    const l = c.var.v.locale;
    const { t } = l;
    const { countries, gateways, carriers } = await routingTables(c);
    return page(
      c,
      t('console.routing'),
      html`${table(
        t('console.countries'),
        [t('console.country'), t('console.callingCode'), t('console.center')],
        countries.map((x) => [
          html`${l.country(x._id)}`,
          html`+${x.callingCode}`,
          html`${x.center.targets.map((tg) => `${tg.host}:${tg.port}/${tg.transport}`).join(', ')}`,
        ]),
        '/console/routing.csv?table=countries',
        l,
      )}
${table(
  t('console.gateways'),
  [t('console.name'), t('console.host'), t('console.prefixes')],
  gateways.map((x) => [html`${x.name}`, html`${x.host}`, html`${x.prefixes.join(', ')}`]),
  '/console/routing.csv?table=gateways',
  l,
)}
${table(
  t('console.carriers'),
  [t('console.name'), t('console.host'), t('console.prefixes')],
  carriers.map((x) => [html`${x.name}`, html`${x.ingress}`, html`${x.ranges.join(', ')}`]),
  '/console/routing.csv?table=carriers',
  l,
)}`,
    );
  });
  app.get('/console/routing.csv', async (c) => {
    const { countries, gateways, carriers } = await routingTables(c);
    const which = c.req.query('table');
    if (which === 'gateways')
      return csvResponse(
        c,
        'gateways',
        ['id', 'name', 'host', 'prefixes'],
        gateways.map((x) => [x._id, x.name, x.host, x.prefixes.join(' ')]),
      );
    if (which === 'carriers')
      return csvResponse(
        c,
        'carriers',
        ['id', 'name', 'ingress', 'ranges'],
        carriers.map((x) => [x._id, x.name, x.ingress, x.ranges.join(' ')]),
      );
    return csvResponse(
      c,
      'countries',
      ['country', 'calling_code', 'center'],
      countries.map((x) => [
        x._id,
        x.callingCode,
        x.center.targets.map((tg) => `${tg.host}:${tg.port}/${tg.transport}`).join(' '),
      ]),
    );
  });

  // --- staff users ---------------------------------------------------------------------------
  async function staffPage(c: Context<WebEnv>, f: Form = {}, errors: FieldErrors = {}) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    requireCapability(p, 'staff', 'web: console: staff');
    const registrarId = scopeOf(c, p);
    const list = await s.logins.listStaff(p, { ...(registrarId ? { registrarId } : {}), limit: 200 });
    const rows = list.items.map((u) => [
      html`${u.name}`,
      html`${u.email}`,
      html`${t(`role.${u.role}`)}`,
      html`${u.registrarId}`,
      html`${u.disabled ? t('common.yes') : t('common.no')}`,
      html`<form method="post" action="/console/staff/state" class="inline">${csrfField(c)}<input type="hidden" name="email" value="${u.email}"><input type="hidden" name="disabled" value="${u.disabled ? 'false' : 'true'}"><button type="submit" class="link">${u.disabled ? t('console.enable', { email: u.email }) : t('console.disable', { email: u.email })}</button></form>`,
    ]);
    return page(
      c,
      t('console.staff'),
      html`${registrarFilter(c, l, p, '/console/staff')}
${table(t('console.staff'), [t('console.name'), t('console.email'), t('console.role'), t('console.registrar'), t('console.disabled'), t('common.actions')], rows, `/console/staff.csv${registrarId ? `?registrar=${registrarId}` : ''}`, l)}
<h2>${t('console.addStaff')}</h2>
${errorSummary(l, errors, { email: t('console.email'), name: t('console.name'), role: t('console.role'), password: t('signup.password'), registrarId: t('console.registrar') })}
<form method="post" action="/console/staff" novalidate>${csrfField(c)}
${p.role === 'admin' ? field({ name: 'registrarId', label: t('console.registrar'), value: f.registrarId, errors }) : ''}
${field({ name: 'name', label: t('console.name'), value: f.name, required: true, errors })}
${field({ name: 'email', label: t('console.email'), value: f.email, type: 'email', required: true, autocomplete: 'off', errors })}
${select({ name: 'role', label: t('console.role'), value: f.role ?? 'support', options: STAFF_ROLES.map((r): [string, string] => [r, t(`role.${r}`)]), errors })}
${field({ name: 'password', label: t('signup.password'), type: 'password', required: true, autocomplete: 'new-password', errors })}
<button type="submit">${t('console.addStaff')}</button></form>`,
      Object.keys(errors).length ? 400 : 200,
    );
  }
  app.get('/console/staff', (c) => staffPage(c));
  app.get('/console/staff.csv', async (c) => {
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const items = await allPages((cursor) =>
      c.var.s.logins.listStaff(p, {
        ...(registrarId ? { registrarId } : {}),
        ...(cursor ? { cursor } : {}),
        limit: 200,
      }),
    );
    return csvResponse(
      c,
      'staff',
      ['email', 'name', 'role', 'registrar', 'disabled', 'created'],
      items.map((u) => [
        u.email,
        u.name,
        u.role,
        u.registrarId,
        u.disabled,
        new Date(u.createdAt).toISOString(),
      ]),
    );
  });
  app.post('/console/staff', async (c) => {
    const p = staffOf(c)!;
    const l = c.var.v.locale;
    const f = await readForm(c);
    try {
      await c.var.s.logins.createStaff(p, {
        ...(p.role === 'admin' && given(f.registrarId) ? { registrarId: given(f.registrarId) } : {}),
        email: f.email ?? '',
        name: f.name ?? '',
        role: (STAFF_ROLES as readonly string[]).includes(f.role ?? '') ? (f.role as 'admin') : 'support',
        password: f.password ?? '',
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'invalid-input') return staffPage(c, f, fieldErrors(l, err));
      if (err.code === 'email-taken') return staffPage(c, f, { email: [l.t('error.taken')] });
      throw err;
    }
    return c.redirect('/console/staff', 303);
  });
  app.post('/console/staff/state', async (c) => {
    const f = await readForm(c);
    await c.var.s.logins.updateStaff(staffOf(c)!, { email: f.email ?? '', disabled: f.disabled === 'true' });
    return c.redirect('/console/staff', 303);
  });

  // --- rate decks (the fee system's, when it runs) -------------------------------------------
  app.get('/console/rate-decks', async (c) => {
    const l = c.var.v.locale;
    const billing = c.var.s.billing;
    if (!billing?.rateDecks) return c.notFound();
    const decks = await billing.rateDecks(staffOf(c)!);
    return page(
      c,
      l.t('console.rateDecks'),
      table(
        l.t('console.rateDecks'),
        [
          'id',
          l.t('console.name'),
          l.t('console.deckKind'),
          l.t('console.currency'),
          l.t('console.deckRevision'),
          l.t('console.deckRates'),
        ],
        decks.map((d) => [
          html`${d.id}`,
          html`${d.name}`,
          html`${d.kind}`,
          html`${d.currency}`,
          html`${l.number(d.revision)}`,
          html`${l.number(d.rates)}`,
        ]),
        '/console/rate-decks.csv',
        l,
      ),
    );
  });
  app.get('/console/rate-decks.csv', async (c) => {
    const billing = c.var.s.billing;
    if (!billing?.rateDecks) return c.notFound();
    const decks = await billing.rateDecks(staffOf(c)!);
    return csvResponse(
      c,
      'rate-decks',
      ['id', 'name', 'kind', 'currency', 'revision', 'rates'],
      decks.map((d) => [d.id, d.name, d.kind, d.currency, d.revision, d.rates]),
    );
  });

  // --- CRM per country -----------------------------------------------------------------------
  function period(c: Context<WebEnv>): {
    from: number;
    to: number;
    fromText: string;
    toText: string;
    errors: FieldErrors;
  } {
    const now = c.var.s.clock.now();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const parse = (v: string | undefined) =>
      v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Number.NaN;
    const errors: FieldErrors = {};
    const fq = c.req.query('from');
    const tq = c.req.query('to');
    let from = fq ? parse(fq) : now - 30 * DAY;
    let to = tq ? parse(tq) + DAY : now + 1;
    const bad = c.var.v.locale.t('err.date');
    if (Number.isNaN(from)) {
      errors.from = [bad];
      from = now - 30 * DAY;
    }
    if (Number.isNaN(to)) {
      errors.to = [bad];
      to = now + 1;
    }
    if (to <= from) {
      errors.to = [bad];
      to = from + DAY;
    }
    return { from: Math.max(0, from), to, fromText: fq ?? day(from), toText: tq ?? day(to - 1), errors };
  }
  async function crmReport(c: Context<WebEnv>) {
    const p = staffOf(c)!;
    const registrarId = scopeOf(c, p);
    const per = period(c);
    const report = await c.var.s.crm.report(p, {
      ...(registrarId ? { registrarId } : {}),
      from: per.from,
      to: per.to,
    });
    return { per, report, registrarId };
  }
  app.get('/console/crm', async (c) => {
    const l = c.var.v.locale;
    const { t } = l;
    const p = staffOf(c)!;
    const { per, report, registrarId } = await crmReport(c);
    const admin = p.role === 'admin';
    const label = (r: { registrarId: string; country: string }) =>
      admin ? `${r.registrarId} · ${l.country(r.country)}` : l.country(r.country);
    const revenueText = (rev: Record<string, number>) =>
      Object.entries(rev)
        .map(([currency, amount]) => l.money({ amount, currency }))
        .join(', ');
    const churnRate = (r: { churned: number; activeNumbers: number }) =>
      r.churned + r.activeNumbers === 0
        ? '0%'
        : `${l.number(Math.round((1000 * r.churned) / (r.churned + r.activeNumbers)) / 10)}%`;
    const head = [
      ...(admin ? [t('console.registrar')] : []),
      t('console.country'),
      t('crm.members'),
      t('crm.newMembers'),
      t('crm.sold'),
      t('crm.revenue'),
      t('crm.active'),
      t('crm.churned'),
      t('crm.churn'),
      ...(report.calls
        ? [t('crm.calls'), t('crm.minutes'), t('crm.callRevenue'), t('crm.topDestinations')]
        : []),
    ];
    const rows = report.rows.map((r) => [
      ...(admin ? [html`${r.registrarId}`] : []),
      html`${l.country(r.country)}`,
      html`${l.number(r.members)}`,
      html`${l.number(r.newMembers)}`,
      html`${l.number(r.numbersSold)}`,
      html`${revenueText(r.revenue)}`,
      html`${l.number(r.activeNumbers)}`,
      html`${l.number(r.churned)}`,
      html`${churnRate(r)}`,
      ...(report.calls
        ? [
            html`${l.number(r.calls ?? 0)}`,
            html`${l.number(r.minutes ?? 0)}`,
            html`${revenueText(r.callRevenue ?? {})}`,
            html`${(r.topDestinations ?? []).map((d) => `${d.destination} (${d.calls})`).join(', ')}`,
          ]
        : []),
    ]);
    const days = [...new Set(report.salesByDay.map((d) => d.day))];
    const countries = [...new Set(report.salesByDay.map((d) => d.country))];
    const series = countries.map((cc) => ({
      name: l.country(cc),
      values: days.map((d) => report.salesByDay.find((x) => x.day === d && x.country === cc)?.sold ?? 0),
    }));
    const qs = new URLSearchParams({
      from: per.fromText,
      to: per.toText,
      ...(registrarId ? { registrar: registrarId } : {}),
    }).toString();
    const filter = html`${field({ name: 'from', label: t('crm.from'), value: per.fromText, type: 'date', errors: per.errors })}${field({ name: 'to', label: t('crm.to'), value: per.toText, type: 'date', errors: per.errors })}`;
    return page(
      c,
      t('crm.title'),
      html`${errorSummary(l, per.errors, { from: t('crm.from'), to: t('crm.to') })}${registrarFilter(c, l, p, '/console/crm', filter)}
<p>${t('crm.period')}: ${l.date(per.from)} – ${l.date(per.to - 1)}</p>
${table(t('crm.title'), head, rows, `/console/crm.csv?${qs}`, l)}
${report.calls ? '' : notice(t('crm.callsMissing'))}
<div class="cols">
${barChart(
  'chart-sold',
  t('crm.chartSold'),
  report.rows.map((r) => ({ label: label(r), value: r.numbersSold, text: l.number(r.numbersSold) })),
)}
${barChart(
  'chart-members',
  t('crm.chartMembers'),
  report.rows.map((r) => ({ label: label(r), value: r.members, text: l.number(r.members) })),
)}
</div>
${days.length ? columnChart('chart-daily', t('crm.chartDaily'), days, series) : ''}
${
  days.length
    ? table(
        t('crm.chartDaily'),
        [t('crm.period'), ...countries.map((cc) => l.country(cc))],
        days.map((d, i) => [html`${d}`, ...series.map((s) => html`${l.number(s.values[i] ?? 0)}`)]),
        `/console/crm-daily.csv?${qs}`,
        l,
      )
    : ''
}`,
      Object.keys(per.errors).length ? 400 : 200,
    );
  });
  app.get('/console/crm.csv', async (c) => {
    const { report } = await crmReport(c);
    return csvResponse(
      c,
      'crm',
      [
        'registrar',
        'country',
        'members',
        'new_members',
        'numbers_sold',
        'revenue',
        'active_numbers',
        'churned',
        'calls',
        'minutes',
        'call_revenue',
        'top_destinations',
      ],
      report.rows.map((r) => [
        r.registrarId,
        r.country,
        r.members,
        r.newMembers,
        r.numbersSold,
        Object.entries(r.revenue)
          .map(([cur, a]) => `${a} ${cur}`)
          .join(' '),
        r.activeNumbers,
        r.churned,
        r.calls,
        r.minutes,
        Object.entries(r.callRevenue ?? {})
          .map(([cur, a]) => `${a} ${cur}`)
          .join(' '),
        (r.topDestinations ?? []).map((d) => `${d.destination}:${d.calls}`).join(' '),
      ]),
    );
  });
  app.get('/console/crm-daily.csv', async (c) => {
    const { report } = await crmReport(c);
    return csvResponse(
      c,
      'crm-daily',
      ['day', 'country', 'sold'],
      report.salesByDay.map((d) => [d.day, d.country, d.sold]),
    );
  });

  app.route('/', proofRoutes({ staffOf, scopeOf, page }));
  return app;
}
