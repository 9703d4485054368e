// The member portal: my numbers (and where they answer in DNS), profile and forwarding, home page
// and email publication, SIP credentials with the settings to type into a phone, VNS branches,
// password; balance, top-up, calls and statements when the fee system provides them.

import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { MemberNumber } from '#core';
import {
  callingCodeOf,
  e164ToPin,
  formatInternational,
  formatVns,
  formatVnsBase,
  vnsOwner,
} from '#numbering';
import { billing as fee, type MemberPrincipal, type MemberView, RegistryError } from '#registry';
import type { WebEnv } from '../context.ts';
import { csvResponse } from '../csv.ts';
import { type Form, given, lines, readForm } from '../forms.ts';
import {
  addError,
  checkbox,
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
import { currencyDigits, LANGUAGE_NAMES, LANGUAGES, type Locale } from '../i18n.ts';
import { dnsOwner } from '../numbers.ts';
import { foldPaths, personalFrom, signupLabels } from './account.ts';
import { servedCountries } from './store.ts';

function memberOf(c: Context<WebEnv>): MemberPrincipal | null {
  const s = c.var.v.session;
  return s?.kind === 'member' ? s.principal : null;
}

const subnav = (l: Locale, m: MemberView) => html`<ul class="subnav">
<li><a href="/portal">${l.t('portal.numbers')}</a></li>
<li><a href="/portal/profile">${l.t('portal.profile')}</a></li>
<li><a href="/portal/sip">${l.t('portal.sip')}</a></li>
${m.numbers.some((n) => n.kind === 'vns') ? html`<li><a href="/portal/branches">${l.t('portal.branches')}</a></li>` : ''}
<li><a href="/portal/password">${l.t('portal.password')}</a></li>
</ul>`;

function numberRow(l: Locale, n: MemberNumber, m: MemberView, apex: string): Html[] {
  if (n.kind === 'pin') {
    let pin = n.e164;
    try {
      pin = e164ToPin(n.e164);
    } catch {}
    return [
      html`${pin}`,
      html`${formatInternational(n.e164)}`,
      html`${l.country(m.country)}`,
      html`<code>${dnsOwner(n.e164, apex)}</code>`,
    ];
  }
  let owner = '';
  let dial = formatVnsBase(n.base);
  try {
    const cc = callingCodeOf(m.country);
    owner = vnsOwner(n.base, cc, apex);
    dial = formatVns(n.base, cc);
  } catch {}
  return [
    html`${dial}`,
    html`${formatVnsBase(n.base)}`,
    html`${l.country(m.country)}`,
    html`<code>${owner}</code>`,
  ];
}

export function portalRoutes(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.use('/portal/*', async (c, next) => (memberOf(c) ? next() : c.redirect('/account/login', 303)));
  app.use('/portal', async (c, next) => (memberOf(c) ? next() : c.redirect('/account/login', 303)));

  app.get('/portal', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const p = memberOf(c)!;
    const m = await s.portal.me(p);
    const awaiting = await s.portal.awaitingProof(p);
    const billing = s.billing;
    let money: Html = html``;
    if (billing && (billing.balance || billing.calls || billing.statements)) {
      const balance = billing.balance ? await billing.balance(p) : null;
      const calls = billing.calls ? await billing.calls(p, { limit: 50 }) : [];
      const statements = billing.statements ? await billing.statements(p) : [];
      const topped = c.req.query('topup');
      money = html`<h2 id="billing">${t('portal.billing')}</h2>
${topped === 'ok' ? notice(t('portal.toppedUp'), 'ok') : topped === 'bad' ? notice(t('portal.topUpInvalid'), 'warn') : ''}
${balance ? html`<p>${t('portal.balance')}: <strong id="balance">${l.money(balance)}</strong></p>` : billing.balance ? notice(t('portal.noAccount')) : ''}
${
  billing.topUp && balance
    ? html`<form method="post" action="/portal/top-up">${csrfField(c)}<input type="hidden" name="key" value="${randomUUID()}">
${field({ name: 'amount', label: `${t('portal.topUpAmount')} (${balance.currency})`, inputmode: 'decimal', required: true, help: t('portal.topUpHelp') })}
<button type="submit">${t('portal.topUp')}</button></form>`
    : ''
}
${
  billing.calls
    ? calls.length
      ? table(
          t('portal.calls'),
          [
            t('portal.callAt'),
            t('portal.callTo'),
            t('portal.callDuration'),
            t('portal.callResult'),
            t('portal.callCost'),
          ],
          calls.map((x) => [
            html`${l.dateTime(x.at)}`,
            html`${x.to}`,
            html`${l.number(Math.round(x.seconds))} s`,
            html`${t(`portal.disposition.${x.disposition}`)}`,
            html`${x.cost ? l.money(x.cost) : ''}`,
          ]),
          '/portal/calls.csv',
          l,
        )
      : notice(t('portal.noCalls'))
    : ''
}
${
  billing.statements && statements.length
    ? table(
        t('portal.statements'),
        [
          t('portal.statementPeriod'),
          t('portal.statementCredits'),
          t('portal.statementCharges'),
          t('portal.statementTotal'),
        ],
        statements.map((x) => [
          html`${l.date(x.from)} – ${l.date(x.to)}`,
          html`${l.money(x.credits)}`,
          html`${l.money(x.charges)}`,
          html`${l.money(x.total)}`,
        ]),
        '/portal/statements.csv',
        l,
      )
    : ''
}`;
    }
    return render(c, {
      title: t('portal.title'),
      body: html`<p>${t('portal.welcome', { name: m.displayName })}</p>${subnav(l, m)}
${
  m.numbers.length
    ? table(
        t('portal.numbers'),
        [t('store.number'), t('store.e164'), t('store.country'), 'DNS'],
        m.numbers.map((n) => numberRow(l, n, m, s.apex)),
      )
    : notice(t('portal.noNumbers'))
}
${
  awaiting.length
    ? html`${table(
        t('portal.awaitingProof'),
        [t('store.number'), t('console.order'), t('common.status')],
        awaiting.map((o) => [
          html`${o.display}`,
          html`<code>${o.id}</code>`,
          html`${t(`status.${o.status}`)}`,
        ]),
      )}<p class="steps">${t('portal.awaitingProofNext')}</p>`
    : ''
}
<p><a href="/">${t('portal.buyAnother')}</a></p>
${money}`,
    });
  });

  app.post('/portal/top-up', async (c) => {
    const s = c.var.s;
    const p = memberOf(c)!;
    if (!s.billing?.topUp || !s.billing.balance) return c.notFound();
    const f = await readForm(c);
    const balance = await s.billing.balance(p);
    const key = f.key ?? '';
    const text = (f.amount ?? '').trim().replace(',', '.');
    const digits = balance ? currencyDigits(balance.currency) : 0;
    const ok =
      digits > 0 ? new RegExp(`^\\d{1,9}(\\.\\d{1,${digits}})?$`).test(text) : /^\d{1,9}$/.test(text);
    const minor = ok ? Math.round(Number(text) * 10 ** digits) : 0;
    // the account's currency, not the form's: the form only shows it
    if (!balance || !/^[A-Za-z0-9-]{8,64}$/.test(key) || minor <= 0)
      return c.redirect('/portal?topup=bad#billing', 303);
    await s.billing.topUp(p, { amount: minor, currency: balance.currency }, key);
    return c.redirect('/portal?topup=ok#billing', 303);
  });

  app.get('/portal/calls.csv', async (c) => {
    const s = c.var.s;
    if (!s.billing?.calls) return c.notFound();
    const calls = await s.billing.calls(memberOf(c)!, { limit: 5000 });
    return csvResponse(
      c,
      'calls',
      ['start', 'to', 'seconds', 'disposition', 'cost', 'currency'],
      calls.map((x) => [
        new Date(x.at).toISOString(),
        x.to,
        x.seconds,
        x.disposition,
        x.cost ? fee.formatMinor(x.cost.amount, x.cost.currency) : '',
        x.cost?.currency ?? '',
      ]),
    );
  });

  app.get('/portal/statements.csv', async (c) => {
    const s = c.var.s;
    if (!s.billing?.statements) return c.notFound();
    const rows = await s.billing.statements(memberOf(c)!);
    const fmt = (m: { amount: number; currency: string }) => fee.formatMinor(m.amount, m.currency);
    return csvResponse(
      c,
      'statements',
      ['period', 'from', 'to', 'credits', 'charges', 'total', 'currency'],
      rows.map((x) => [
        x.id,
        new Date(x.from).toISOString(),
        new Date(x.to).toISOString(),
        fmt(x.credits),
        fmt(x.charges),
        fmt(x.total),
        x.total.currency,
      ]),
    );
  });

  async function profilePage(
    c: Context<WebEnv>,
    f: Form | null,
    errors: FieldErrors = {},
    general: string[] = [],
    saved = false,
  ) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const m = await s.portal.me(memberOf(c)!);
    const v: Form = f ?? {
      displayName: m.displayName,
      contactPstn: m.contactPstn ?? '',
      otherCarriers: m.otherCarriers.join('\n'),
      homePage: m.homePage ?? '',
      publishEmail: m.publishEmail ? 'on' : '',
      givenName: m.personal?.givenName ?? '',
      familyName: m.personal?.familyName ?? '',
      address: m.personal?.address ?? '',
      birthDate: m.personal?.birthDate ?? '',
      language: m.personal?.language ?? l.lang,
      country: m.country,
      version: String(m.version),
    };
    const e = foldPaths(errors);
    const countries = await servedCountries(s);
    return render(c, {
      title: t('portal.profile'),
      status: Object.keys(errors).length || general.length ? 400 : 200,
      body: html`${subnav(l, m)}${saved ? notice(t('common.saved'), 'ok') : ''}
${errorSummary(l, e, signupLabels(l), general)}
<form method="post" action="/portal/profile" novalidate>${csrfField(c)}
<input type="hidden" name="version" value="${v.version ?? String(m.version)}">
${field({ name: 'displayName', label: t('signup.displayName'), value: v.displayName, required: true, errors: e })}
${select({ name: 'country', label: t('signup.country'), value: v.country, options: countries.map((cc) => [cc, l.country(cc)]), errors: e })}
<h2>${t('portal.forwarding')}</h2>
<p class="help">${t('portal.forwardingHelp')}</p>
${field({ name: 'otherCarriers', label: t('signup.otherCarriers'), value: v.otherCarriers, textarea: true, help: t('signup.otherCarriersHelp'), errors: e })}
${field({ name: 'contactPstn', label: t('signup.contactPstn'), value: v.contactPstn, type: 'tel', help: t('signup.contactPstnHelp'), errors: e })}
${field({ name: 'homePage', label: `${t('portal.homePage')} ${t('common.optional')}`, value: v.homePage, type: 'url', errors: e })}
${checkbox({ name: 'publishEmail', label: t('portal.publishEmail'), checked: v.publishEmail === 'on', help: t('portal.publishEmailHelp') })}
${field({ name: 'givenName', path: 'personal.givenName', label: `${t('signup.givenName')} ${t('common.optional')}`, value: v.givenName, errors: e })}
${field({ name: 'familyName', path: 'personal.familyName', label: `${t('signup.familyName')} ${t('common.optional')}`, value: v.familyName, errors: e })}
${field({ name: 'address', path: 'personal.address', label: `${t('signup.address')} ${t('common.optional')}`, value: v.address, textarea: true, errors: e })}
${field({ name: 'birthDate', path: 'personal.birthDate', label: `${t('signup.birthDate')} ${t('common.optional')}`, value: v.birthDate, type: 'date', errors: e })}
${select({ name: 'language', path: 'personal.language', label: t('signup.language'), value: v.language, options: LANGUAGES.map((x) => [x, LANGUAGE_NAMES[x]]), errors: e })}
<button type="submit">${t('common.save')}</button>
</form>`,
    });
  }

  app.get('/portal/profile', (c) => profilePage(c, null));
  app.post('/portal/profile', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const p = memberOf(c)!;
    const f = await readForm(c);
    const version = Number(f.version);
    try {
      await s.portal.update(p, {
        ...(given(f.displayName) !== undefined ? { displayName: f.displayName } : { displayName: '' }),
        ...(given(f.country) ? { country: given(f.country) } : {}),
        contactPstn: given(f.contactPstn) ?? null,
        otherCarriers: lines(f.otherCarriers),
        homePage: given(f.homePage) ?? null,
        publishEmail: f.publishEmail === 'on',
        personal: personalFrom(f, l),
        ...(Number.isInteger(version) && version > 0 ? { expectedVersion: version } : {}),
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'invalid-input') return profilePage(c, f, fieldErrors(l, err));
      if (err.code === 'version-conflict')
        return profilePage(c, { ...f, version: String(err.details.version ?? '') }, {}, [
          l.t('error.versionConflict'),
        ]);
      if (err.code === 'email-taken' || err.code === 'domain-taken')
        return profilePage(c, f, {}, [l.t('error.taken')]);
      throw err;
    }
    const lang = given(f.language);
    if (lang && c.var.v.session) await s.logins.sessions.setLanguage(c.var.v.session.sessionId, lang);
    return profilePage(c, null, {}, [], true);
  });

  async function sipPage(c: Context<WebEnv>, f: Form = {}, errors: FieldErrors = {}, saved = false) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const m = await s.portal.me(memberOf(c)!);
    return render(c, {
      title: t('sip.title'),
      status: Object.keys(errors).length ? 400 : 200,
      body: html`${subnav(l, m)}${saved ? notice(t('common.saved'), 'ok') : ''}
<p>${t('sip.intro')}</p>
<dl class="facts">
<dt>${t('sip.domain')}</dt><dd><code>${s.realm}</code></dd>
<dt>${t('sip.user')}</dt><dd>${m.sipUsername ? html`<code>${m.sipUsername}</code>` : t('sip.none')}</dd>
<dt>${t('sip.transport')}</dt><dd>UDP, TCP</dd>
<dt>${t('sip.port')}</dt><dd>${s.sipPort}</dd>
</dl>
${errorSummary(l, errors, { username: t('sip.username'), password: t('sip.password') })}
<form method="post" action="/portal/sip" novalidate>${csrfField(c)}
${field({ name: 'username', label: t('sip.username'), value: f.username ?? m.sipUsername, required: true, autocomplete: 'off', errors })}
${field({ name: 'password', label: t('sip.password'), type: 'password', required: true, autocomplete: 'new-password', help: t('sip.passwordHelp'), errors })}
<button type="submit">${t('sip.set')}</button>
</form>
${m.sipUsername ? html`<form method="post" action="/portal/sip/clear">${csrfField(c)}<button type="submit" class="secondary">${t('sip.clear')}</button></form>` : ''}`,
    });
  }
  app.get('/portal/sip', (c) => sipPage(c));
  app.post('/portal/sip', async (c) => {
    const l = c.var.v.locale;
    const f = await readForm(c);
    try {
      await c.var.s.portal.setSipCredentials(memberOf(c)!, {
        username: (f.username ?? '').trim(),
        password: f.password ?? '',
      });
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'invalid-input') return sipPage(c, f, fieldErrors(l, err));
      if (err.code === 'username-taken') return sipPage(c, f, { username: [l.t('error.taken')] });
      throw err;
    }
    return sipPage(c, {}, {}, true);
  });
  app.post('/portal/sip/clear', async (c) => {
    await c.var.s.portal.clearSipCredentials(memberOf(c)!);
    return c.redirect('/portal/sip', 303);
  });

  async function branchesPage(c: Context<WebEnv>, f: Form = {}, errors: FieldErrors = {}, saved = false) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const m = await s.portal.me(memberOf(c)!);
    const countries = await servedCountries(s);
    const sections = m.numbers
      .filter((n): n is Extract<MemberNumber, { kind: 'vns' }> => n.kind === 'vns')
      .map((n) => {
        const base = formatVnsBase(n.base);
        const rows = n.branches.map((b) => {
          let dial = base;
          try {
            dial = formatVns(n.base, callingCodeOf(b.country));
          } catch {}
          return [
            html`${l.country(b.country)}`,
            html`${dial}`,
            html`${b.sipUri ?? ''}`,
            html`${b.pstn ?? ''}`,
            html`<form method="post" action="/portal/branches" class="inline">${csrfField(c)}<input type="hidden" name="base" value="${n.base}"><input type="hidden" name="remove" value="${b.country}"><button type="submit" class="link">${t('branches.remove', { country: b.country })}</button></form>`,
          ];
        });
        return html`<h2>${t('branches.title', { base })}</h2><p>${t('branches.intro', { base })}</p>
${table(t('portal.branches'), [t('branches.country'), t('branches.dial'), t('branches.sipUri'), t('branches.pstn'), t('common.actions')], rows)}
<form method="post" action="/portal/branches" novalidate>${csrfField(c)}<input type="hidden" name="base" value="${n.base}">
<h3>${t('branches.add')}</h3>
${select({ name: 'country', label: t('branches.country'), value: f.country, options: countries.map((cc) => [cc, l.country(cc)]), errors, path: 'branches.0.country' })}
${field({ name: 'sipUri', label: `${t('branches.sipUri')} ${t('common.optional')}`, value: f.sipUri, errors, path: 'branches.sipUri' })}
${field({ name: 'pstn', label: `${t('branches.pstn')} ${t('common.optional')}`, value: f.pstn, type: 'tel', errors, path: 'branches.pstn' })}
<button type="submit">${t('common.save')}</button></form>`;
      });
    return render(c, {
      title: t('portal.branches'),
      status: Object.keys(errors).length ? 400 : 200,
      body: html`${subnav(l, m)}${saved ? notice(t('common.saved'), 'ok') : ''}
${errorSummary(l, errors, { 'branches.sipUri': t('branches.sipUri'), 'branches.pstn': t('branches.pstn'), 'branches.0.country': t('branches.country') })}
${sections.length ? sections : notice(t('portal.noNumbers'))}`,
    });
  }
  app.get('/portal/branches', (c) => branchesPage(c));
  app.post('/portal/branches', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const p = memberOf(c)!;
    const f = await readForm(c);
    const m = await s.portal.me(p);
    const n = m.numbers.find(
      (x): x is Extract<MemberNumber, { kind: 'vns' }> => x.kind === 'vns' && x.base === f.base,
    );
    if (!n) return branchesPage(c);
    let branches = n.branches.map((b) => ({ ...b }));
    if (f.remove) branches = branches.filter((b) => b.country !== f.remove);
    else {
      const country = (f.country ?? '').toUpperCase();
      branches = branches.filter((b) => b.country !== country);
      branches.push({
        country,
        ...(given(f.sipUri) ? { sipUri: given(f.sipUri)! } : {}),
        ...(given(f.pstn) ? { pstn: given(f.pstn)! } : {}),
      });
    }
    try {
      await s.portal.setBranches(p, { base: n.base, branches });
    } catch (err) {
      if (!(err instanceof RegistryError) || err.code !== 'invalid-input') throw err;
      // issues name 'branches.<i>.<field>': shown on the form's fields
      const errors: FieldErrors = {};
      for (const [k, v] of Object.entries(fieldErrors(l, err))) {
        const leaf = k.split('.').at(-1);
        const key = leaf === 'sipUri' || leaf === 'pstn' ? `branches.${leaf}` : 'branches.0.country';
        addError(errors, key, ...v);
      }
      return branchesPage(c, f, errors);
    }
    return branchesPage(c, {}, {}, true);
  });

  async function passwordPage(
    c: Context<WebEnv>,
    errors: FieldErrors = {},
    general: string[] = [],
    saved = false,
  ) {
    const l = c.var.v.locale;
    const { t } = l;
    const m = await c.var.s.portal.me(memberOf(c)!);
    return render(c, {
      title: t('portal.password'),
      status: Object.keys(errors).length || general.length ? 400 : 200,
      body: html`${subnav(l, m)}${saved ? notice(t('common.saved'), 'ok') : ''}
${errorSummary(l, errors, { current: t('password.current'), password: t('reset.newPassword') }, general)}
<form method="post" action="/portal/password">${csrfField(c)}
${field({ name: 'current', label: t('password.current'), type: 'password', required: true, autocomplete: 'current-password', errors })}
${field({ name: 'password', label: t('reset.newPassword'), type: 'password', required: true, autocomplete: 'new-password', errors })}
<button type="submit">${t('password.change')}</button></form>`,
    });
  }
  app.get('/portal/password', (c) => passwordPage(c));
  app.post('/portal/password', async (c) => {
    const l = c.var.v.locale;
    const f = await readForm(c);
    try {
      const ok = await c.var.s.logins.changeMemberPassword(memberOf(c)!, f.current ?? '', f.password ?? '');
      if (!ok) return passwordPage(c, { current: [l.t('password.wrong')] });
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'invalid-input')
        return passwordPage(c, { password: Object.values(fieldErrors(l, err)).flat() });
      throw err;
    }
    return passwordPage(c, {}, [], true);
  });

  return app;
}
