// Accounts: sign up (the registration form of the original service, for the buyer of a number),
// log in and out, password reset by a mailed single-use link. Staff use the same reset pages
// under /console.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { MIN_PASSWORD, Password, RegisterMemberInput, RegistryError, registrarPrincipal } from '#registry';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../app.ts';
import type { WebEnv } from '../context.ts';
import { type Form, given, lines, readForm } from '../forms.ts';
import {
  addError,
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  fieldErrors,
  fieldIssueText,
  html,
  notice,
  render,
  select,
} from '../html.ts';
import { LANGUAGE_NAMES, LANGUAGES, type Locale } from '../i18n.ts';
import { showNumber } from '../numbers.ts';
import { servedCountries, visitorKey } from './store.ts';

export function signupLabels(l: Locale): Record<string, string> {
  const { t } = l;
  return {
    type: t('signup.type'),
    displayName: t('signup.displayName'),
    email: t('signup.email'),
    domain: t('signup.domain'),
    country: t('signup.country'),
    contactPstn: t('signup.contactPstn'),
    otherCarriers: t('signup.otherCarriers'),
    'personal.givenName': t('signup.givenName'),
    'personal.familyName': t('signup.familyName'),
    'personal.address': t('signup.address'),
    'personal.birthDate': t('signup.birthDate'),
    'personal.language': t('signup.language'),
    password: t('signup.password'),
    homePage: t('portal.homePage'),
  };
}

/** Errors of list fields ('otherCarriers.1') shown on the list. */
export function foldPaths(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const key = k.replace(/\.\d+$/, '');
    addError(out, key, ...v);
  }
  return out;
}

export function personalFrom(f: Form, l: Locale) {
  const personal = {
    ...(given(f.givenName) ? { givenName: given(f.givenName) } : {}),
    ...(given(f.familyName) ? { familyName: given(f.familyName) } : {}),
    ...(given(f.address) ? { address: f.address!.trim().replace(/\r\n/g, '\n') } : {}),
    ...(given(f.birthDate) ? { birthDate: given(f.birthDate) } : {}),
    language: (LANGUAGES as readonly string[]).includes(f.language ?? '') ? f.language! : l.lang,
  };
  return personal;
}

export function accountRoutes(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  async function signupPage(c: Context<WebEnv>, f: Form, errors: FieldErrors = {}, general: string[] = []) {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const coId = f.checkout ?? c.req.query('checkout');
    const co = coId ? await s.checkout.get(visitorKey(c), coId).catch(() => null) : null;
    if (!co)
      return render(c, {
        title: t('signup.title'),
        body: html`${notice(t('signup.needsPurchase'))}<p><a class="button" href="/">${t('nav.store')}</a></p>`,
      });
    const n = await s.sales.getNumber({ role: 'admin' }, { number: co.checkout.numberId });
    const countries = await servedCountries(s);
    const e = foldPaths(errors);
    return render(c, {
      title: t('signup.title'),
      status: Object.keys(errors).length || general.length ? 400 : 200,
      body: html`<p>${t('signup.forNumber', { number: showNumber(n).primary })}</p><p>${t('signup.intro')}</p>
${errorSummary(l, e, signupLabels(l), general)}
<form method="post" action="/account/signup" novalidate>${csrfField(c)}
<input type="hidden" name="checkout" value="${co.checkout.id}">
${select({
  name: 'type',
  label: t('signup.type'),
  value: f.type ?? (n.kind === 'vns' ? 'company' : 'individual'),
  options: [
    ['individual', t('signup.individual')],
    ['company', t('signup.company')],
  ],
  errors: e,
})}
${field({ name: 'displayName', label: t('signup.displayName'), value: f.displayName, required: true, autocomplete: 'name', errors: e })}
${field({ name: 'email', label: t('signup.email'), value: f.email, type: 'email', required: true, autocomplete: 'email', errors: e })}
${field({ name: 'domain', label: t('signup.domain'), value: f.domain, help: t('signup.domainHelp'), errors: e })}
${select({ name: 'country', label: t('signup.country'), value: f.country ?? n.country, options: countries.map((cc) => [cc, l.country(cc)]), errors: e })}
${field({ name: 'contactPstn', label: t('signup.contactPstn'), value: f.contactPstn, type: 'tel', help: t('signup.contactPstnHelp'), autocomplete: 'tel', errors: e })}
${field({ name: 'otherCarriers', label: t('signup.otherCarriers'), value: f.otherCarriers, help: t('signup.otherCarriersHelp'), textarea: true, errors: e })}
${field({ name: 'givenName', path: 'personal.givenName', label: `${t('signup.givenName')} ${t('common.optional')}`, value: f.givenName, autocomplete: 'given-name', errors: e })}
${field({ name: 'familyName', path: 'personal.familyName', label: `${t('signup.familyName')} ${t('common.optional')}`, value: f.familyName, autocomplete: 'family-name', errors: e })}
${field({ name: 'address', path: 'personal.address', label: `${t('signup.address')} ${t('common.optional')}`, value: f.address, textarea: true, autocomplete: 'street-address', errors: e })}
${field({ name: 'birthDate', path: 'personal.birthDate', label: `${t('signup.birthDate')} ${t('common.optional')}`, value: f.birthDate, type: 'date', autocomplete: 'bday', errors: e })}
${select({ name: 'language', path: 'personal.language', label: t('signup.language'), value: f.language ?? l.lang, options: LANGUAGES.map((x) => [x, LANGUAGE_NAMES[x]]), errors: e })}
${field({ name: 'password', label: t('signup.password'), type: 'password', required: true, autocomplete: 'new-password', help: t('signup.passwordHelp', { min: MIN_PASSWORD }), errors: e })}
<button type="submit">${t('signup.submit')}</button>
</form>`,
    });
  }

  app.get('/account/signup', (c) => signupPage(c, {}));

  app.post('/account/signup', async (c) => {
    const s = c.var.s;
    const l = c.var.v.locale;
    const { t } = l;
    const f = await readForm(c);
    const co = f.checkout ? await s.checkout.get(visitorKey(c), f.checkout).catch(() => null) : null;
    if (!co) return signupPage(c, f);
    const errors: FieldErrors = {};
    const pw = Password.safeParse(f.password ?? '');
    if (!pw.success) errors.password = pw.error.issues.map((i) => issueOf(l, i.message));
    if (given(f.email) && (await s.logins.loginExists(f.email!))) errors.email = [t('error.taken')];
    const reach = registrarPrincipal(co.checkout.registrarId);
    const input = {
      type: f.type === 'company' ? ('company' as const) : ('individual' as const),
      displayName: f.displayName ?? '',
      ...(given(f.email) ? { email: given(f.email) } : {}),
      ...(given(f.domain) ? { domain: given(f.domain) } : {}),
      country: f.country ?? '',
      ...(given(f.contactPstn) ? { contactPstn: given(f.contactPstn) } : {}),
      otherCarriers: lines(f.otherCarriers),
      personal: personalFrom(f, l),
    };
    if (!given(f.email)) errors.email = [t('err.required')];
    if (Object.keys(errors).length) {
      // the registry's rules run too, so every problem shows at once
      const checked = RegisterMemberInput.safeParse(input);
      if (!checked.success)
        for (const i of checked.error.issues)
          addError(
            errors,
            i.path.map(String).join('.'),
            fieldIssueText(l, i.path.map(String).join('.'), i.message),
          );
      return signupPage(c, f, errors);
    }
    let memberId: string;
    try {
      memberId = (await s.members.register(reach, input)).id;
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      if (err.code === 'email-taken') return signupPage(c, f, { email: [t('error.taken')] });
      if (err.code === 'domain-taken') return signupPage(c, f, { domain: [t('error.taken')] });
      if (err.code === 'invalid-input') return signupPage(c, f, fieldErrors(l, err));
      throw err;
    }
    try {
      await s.logins.createMemberLogin({
        email: f.email!,
        password: f.password!,
        memberId,
        registrarId: co.checkout.registrarId,
      });
    } catch (err) {
      await s.members.delete(reach, { memberId });
      if (err instanceof RegistryError && err.code === 'email-taken')
        return signupPage(c, f, { email: [t('error.taken')] });
      throw err;
    }
    await s.checkout.attachMember(visitorKey(c), co.checkout.id, memberId);
    const login = await s.logins.loginMember(
      { email: f.email!, password: f.password!, address: c.var.v.address },
      getCookie(c, SESSION_COOKIE),
    );
    if (login.ok) setSessionCookie(c, login.sessionId);
    return c.redirect('/portal', 303);
  });

  app.get('/account/login', (c) => loginPage(c, 'member', {}));
  app.post('/account/login', async (c) => {
    const f = await readForm(c);
    const r = await c.var.s.logins.loginMember(
      { email: f.email ?? '', password: f.password ?? '', address: c.var.v.address },
      getCookie(c, SESSION_COOKIE),
    );
    if (!r.ok) return loginPage(c, 'member', f, r.reason, r.retryAfterMs);
    setSessionCookie(c, r.sessionId);
    return c.redirect('/portal', 303);
  });

  app.post('/account/logout', async (c) => {
    await c.var.s.logins.logout(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect('/', 303);
  });

  resetRoutes(app, 'member', '/account');
  return app;
}

function issueOf(l: Locale, message: string): string {
  const m = message.match(/at least (\d+)/);
  return m ? l.t('err.minChars', { n: m[1]! }) : l.t('err.invalid');
}

export async function loginPage(
  c: Context<WebEnv>,
  kind: 'member' | 'staff',
  f: Form,
  failure?: 'invalid' | 'throttled',
  retryAfterMs?: number,
  extra?: unknown,
) {
  const l = c.var.v.locale;
  const { t } = l;
  const general =
    failure === 'throttled'
      ? [t('login.throttled', { minutes: Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 60_000)) })]
      : failure === 'invalid'
        ? [t('login.invalid')]
        : [];
  const base = kind === 'member' ? '/account' : '/console';
  return render(c, {
    title: kind === 'member' ? t('login.title') : t('console.login'),
    status: failure === 'throttled' ? 429 : failure ? 400 : 200,
    body: html`${errorSummary(l, {}, {}, general)}
<form method="post" action="${base}/login">${csrfField(c)}
${field({ name: 'email', label: t('login.email'), value: f.email, type: 'email', required: true, autocomplete: 'username' })}
${field({ name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password' })}
<button type="submit">${t('login.submit')}</button>
</form>
<p><a href="${base}/reset">${t('login.forgot')}</a></p>
${extra ?? ''}`,
  });
}

export function resetRoutes(app: Hono<WebEnv>, kind: 'member' | 'staff', base: string): void {
  const requestPage = (c: Context<WebEnv>, sent: boolean) => {
    const { t } = c.var.v.locale;
    return render(c, {
      title: t('reset.title'),
      body: sent
        ? notice(t('reset.sent'), 'ok')
        : html`<p>${t('reset.intro')}</p><form method="post" action="${base}/reset">${csrfField(c)}
${field({ name: 'email', label: t('login.email'), type: 'email', required: true, autocomplete: 'email' })}
<button type="submit">${t('reset.submit')}</button></form>`,
    });
  };
  app.get(`${base}/reset`, (c) => requestPage(c, false));
  app.post(`${base}/reset`, async (c) => {
    const f = await readForm(c);
    const origin = new URL(c.req.url).origin;
    await c.var.s.logins.requestReset(kind, f.email ?? '', (token) => `${origin}${base}/reset/${token}`);
    return requestPage(c, true);
  });
  const choosePage = async (c: Context<WebEnv>, token: string, errors: FieldErrors = {}) => {
    const l = c.var.v.locale;
    const { t } = l;
    const check = await c.var.s.logins.checkReset(token);
    if (!check.ok)
      return render(c, {
        title: t('reset.title'),
        status: 400,
        body: html`${notice(t(`reset.${check.reason}`), 'warn')}<p><a href="${base}/reset">${t('reset.submit')}</a></p>`,
      });
    return render(c, {
      title: t('reset.choose'),
      status: Object.keys(errors).length ? 400 : 200,
      body: html`${errorSummary(l, errors, { password: t('reset.newPassword') })}
<form method="post" action="${base}/reset/${token}">${csrfField(c)}
${field({ name: 'password', label: t('reset.newPassword'), type: 'password', required: true, autocomplete: 'new-password', help: t('signup.passwordHelp', { min: MIN_PASSWORD }), errors })}
<button type="submit">${t('reset.choose')}</button></form>`,
    });
  };
  app.get(`${base}/reset/:token`, (c) => choosePage(c, c.req.param('token')));
  app.post(`${base}/reset/:token`, async (c) => {
    const l = c.var.v.locale;
    const token = c.req.param('token');
    const f = await readForm(c);
    const pw = Password.safeParse(f.password ?? '');
    if (!pw.success)
      return choosePage(c, token, { password: pw.error.issues.map((i) => issueOf(l, i.message)) });
    const r = await c.var.s.logins.completeReset(token, f.password!);
    if (!r.ok) return choosePage(c, token);
    return render(c, {
      title: l.t('reset.title'),
      body: html`${notice(l.t('reset.done'), 'ok')}<p><a class="button" href="${base}/login">${l.t('login.submit')}</a></p>`,
    });
  });
}
