// Page templates: hono/html tagged templates, which escape every interpolated value (only
// templates nested with html`` and raw() pass through unescaped), so no user data reaches a page
// unescaped. Node 24 strips types but does not transform JSX, so .tsx would need a loader;
// tagged templates run as they are under node and vitest alike (docs/web.md, "Templates").
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { RegistryError } from '#registry';
import type { WebEnv } from './context.ts';
import { LANGUAGE_NAMES, LANGUAGES, type Locale } from './i18n.ts';
import type { MessageKey } from './locales/en.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export { html };

export interface PageSpec {
  title: string;
  body: Html;
  status?: 200 | 400 | 403 | 404 | 409 | 422 | 429 | 500;
  /** Which part of the site the page belongs to (navigation). */
  area?: 'store' | 'portal' | 'console' | 'account';
}

export function csrfField(c: Context<WebEnv>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.var.v.csrf}">`;
}

function nav(c: Context<WebEnv>, l: Locale): Html {
  const s = c.var.v.session;
  const { t } = l;
  const logout = (action: string) =>
    html`<li><form method="post" action="${action}" class="inline">${csrfField(c)}<button type="submit" class="link">${t('nav.logout')}</button></form></li>`;
  return html`<nav aria-label="${t('nav.main')}"><ul class="nav">
  <li><a href="/">${t('nav.store')}</a></li>
  ${
    s?.kind === 'member'
      ? html`<li><a href="/portal">${t('nav.portal')}</a></li>${logout('/account/logout')}`
      : s?.kind === 'staff'
        ? html`<li><a href="/console">${t('nav.console')}</a></li>${logout('/console/logout')}`
        : html`<li><a href="/account/login">${t('nav.login')}</a></li><li><a href="/console/login">${t('nav.console')}</a></li>`
  }
</ul></nav>`;
}

function switcher(c: Context<WebEnv>, l: Locale): Html {
  const back = c.req.path + (new URL(c.req.url).search || '');
  return html`<form method="post" action="/lang" class="lang">${csrfField(c)}
<input type="hidden" name="back" value="${back}">
<fieldset><legend>${l.t('lang.label')}</legend>
${LANGUAGES.map(
  (lang) =>
    html`<button type="submit" name="to" value="${lang}" lang="${lang}"${lang === l.lang ? html` aria-current="true"` : ''}>${LANGUAGE_NAMES[lang]}</button>`,
)}
</fieldset></form>`;
}

export async function render(c: Context<WebEnv>, spec: PageSpec): Promise<Response> {
  const l = c.var.v.locale;
  const page = html`<!doctype html>
<html lang="${l.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${spec.title} · ${l.t('site.name')}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${l.t('nav.skip')}</a>
<header class="top">
<p class="brand"><a href="/">${l.t('site.name')}</a> <span>${l.t('site.tagline')}</span></p>
${nav(c, l)}
${switcher(c, l)}
</header>
<main id="main" tabindex="-1">
<h1>${spec.title}</h1>
${spec.body}
</main>
<footer><p>${l.t('footer.note')}</p></footer>
</body>
</html>`;
  return c.html(await page, spec.status ?? 200);
}

/** A field's errors, by the field's dotted path ('personal.birthDate'). */
export type FieldErrors = Record<string, string[]>;

/** The message of an issue in the visitor's language (the registry's messages are English). */
export function issueText(l: Locale, message: string): string {
  const m = message;
  const least = m.match(/at least (\d+) characters/);
  if (least) return l.t('err.minChars', { n: least[1]! });
  const most = m.match(/at most (\d+) characters/);
  if (most) return l.t('err.maxChars', { n: most[1]! });
  const table: Array<[RegExp, MessageKey]> = [
    [/email|address/i, 'err.email'],
    [/sip: or sips:|SIP URI/i, 'err.sip'],
    [/domain|label/i, 'err.domain'],
    [/date/i, 'err.date'],
    [/URL|http|web address/i, 'err.url'],
    [/pattern|wildcard/i, 'err.pattern'],
    [/amount|price/i, 'err.price'],
    [/number|phone|digits|country calling|too short|too long/i, 'err.phone'],
    [/^(expected a|required|Invalid input: expected)/i, 'err.required'],
  ];
  for (const [re, key] of table) if (re.test(m)) return l.t(key);
  return l.t('err.invalid');
}

/** What a field holds, by the last part of its path: the message for a value it cannot read. */
const FIELD_KINDS: Record<string, MessageKey> = {
  email: 'err.email',
  domain: 'err.domain',
  contactPstn: 'err.phone',
  otherCarriers: 'err.phone',
  pstn: 'err.phone',
  birthDate: 'err.date',
  homePage: 'err.url',
  sipUri: 'err.sip',
  pattern: 'err.pattern',
  first: 'err.phone',
};

/** An issue of a field in the visitor's language: length limits as such, else what the field expects. */
export function fieldIssueText(l: Locale, path: string, message: string): string {
  if (/at (least|most) \d+ characters/.test(message)) return issueText(l, message);
  const leaf = path
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .at(-1);
  const kind = leaf ? FIELD_KINDS[leaf] : undefined;
  return kind ? l.t(kind) : issueText(l, message);
}

export function fieldErrors(l: Locale, err: RegistryError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of err.issues) addError(out, i.path, fieldIssueText(l, i.path, i.message));
  return out;
}

/** The error summary at the top of a form: every problem, linked to its field. */
export function errorSummary(
  l: Locale,
  errors: FieldErrors,
  labels: Record<string, string>,
  general: string[] = [],
): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0 && general.length === 0) return html``;
  return html`<div class="errors" role="alert" tabindex="-1" id="errors">
<h2>${l.t('error.title')}</h2>
<ul>
${general.map((g) => html`<li>${g}</li>`)}
${entries.map(([path, msgs]) => {
  const label = labels[path] ?? labels[path.split('.')[0] ?? ''] ?? path;
  return html`<li><a href="#f-${fieldId(path)}">${l.t('error.field', { field: label, message: msgs.join('; ') })}</a></li>`;
})}
</ul></div>`;
}

export function addError(errors: FieldErrors, path: string, ...messages: string[]): void {
  errors[path] = [...(errors[path] ?? []), ...messages];
}

export const fieldId = (path: string): string => path.replace(/[^A-Za-z0-9_-]/g, '-');

export interface FieldSpec {
  name: string;
  label: string;
  value?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'date' | 'url' | 'tel' | 'number' | 'search';
  help?: string;
  required?: boolean;
  autocomplete?: string;
  errors?: FieldErrors;
  /** The error path, when it is not the name ('personal.givenName' for 'givenName'). */
  path?: string;
  textarea?: boolean;
  inputmode?: string;
  min?: string;
  step?: string;
}

export function field(f: FieldSpec): Html {
  const path = f.path ?? f.name;
  const id = `f-${fieldId(path)}`;
  const errs = f.errors?.[path] ?? [];
  const describedBy = [f.help ? `${id}-help` : '', errs.length ? `${id}-err` : ''].filter(Boolean).join(' ');
  const attrs = html`id="${id}" name="${f.name}"${f.required ? html` required` : ''}${
    f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}${errs.length ? html` aria-invalid="true"` : ''}${
    f.inputmode ? html` inputmode="${f.inputmode}"` : ''
  }${f.min !== undefined ? html` min="${f.min}"` : ''}${f.step !== undefined ? html` step="${f.step}"` : ''}`;
  return html`<div class="field${errs.length ? ' invalid' : ''}">
<label for="${id}">${f.label}</label>
${f.help ? html`<p class="help" id="${id}-help">${f.help}</p>` : ''}
${errs.length ? html`<p class="error" id="${id}-err">${errs.join('; ')}</p>` : ''}
${
  f.textarea
    ? html`<textarea ${attrs} rows="4">${f.value ?? ''}</textarea>`
    : html`<input type="${f.type ?? 'text'}" ${attrs} value="${f.value ?? ''}">`
}
</div>`;
}

export function select(f: {
  name: string;
  label: string;
  options: Array<[value: string, text: string]>;
  value?: string | undefined;
  errors?: FieldErrors;
  path?: string;
  help?: string;
}): Html {
  const path = f.path ?? f.name;
  const id = `f-${fieldId(path)}`;
  const errs = f.errors?.[path] ?? [];
  return html`<div class="field${errs.length ? ' invalid' : ''}">
<label for="${id}">${f.label}</label>
${f.help ? html`<p class="help" id="${id}-help">${f.help}</p>` : ''}
${errs.length ? html`<p class="error" id="${id}-err">${errs.join('; ')}</p>` : ''}
<select id="${id}" name="${f.name}"${errs.length ? html` aria-invalid="true" aria-describedby="${id}-err"` : ''}>
${f.options.map(([v, text]) => html`<option value="${v}"${v === f.value ? html` selected` : ''}>${text}</option>`)}
</select></div>`;
}

/** A data table with a caption and column headers; `csv` links the same data as CSV. */
export function table(caption: string, head: string[], rows: Html[][], csv?: string, l?: Locale): Html {
  return html`<div class="table">
<table>
<caption>${caption}${csv && l ? html` <a class="csv" href="${csv}">${l.t('common.csv')}</a>` : ''}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

export function notice(text: string, kind: 'info' | 'ok' | 'warn' = 'info'): Html {
  return html`<p class="notice ${kind}" role="status">${text}</p>`;
}

export function checkbox(f: { name: string; label: string; checked: boolean; help?: string }): Html {
  const id = `f-${fieldId(f.name)}`;
  return html`<div class="field check">
<input type="checkbox" id="${id}" name="${f.name}" value="on"${f.checked ? html` checked` : ''}${f.help ? html` aria-describedby="${id}-help"` : ''}>
<label for="${id}">${f.label}</label>
${f.help ? html`<p class="help" id="${id}-help">${f.help}</p>` : ''}
</div>`;
}
