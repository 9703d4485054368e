// The web app: security headers (CSP without inline scripts), the visitor (cookies, language,
// session, CSRF token), CSRF checks on every form, the pages, static assets. main.ts serves it
// on the API's port in front of the API (`isWebPath`).

import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isSecretId, newSecretId, RegistryError } from '#registry';
import { assetRoutes } from './assets.ts';
import type { SessionInfo, WebEnv, WebServices } from './context.ts';
import { html, notice, render } from './html.ts';
import { languageOf, localeFor, negotiate } from './i18n.ts';
import { accountRoutes } from './pages/account.ts';
import { consoleRoutes } from './pages/console.ts';
import { portalRoutes } from './pages/portal.ts';
import { storeRoutes } from './pages/store.ts';

export const SESSION_COOKIE = 'cx_session';
export const VISITOR_COOKIE = 'cx_visitor';
export const LANG_COOKIE = 'cx_lang';

/** Paths the web serves; everything else is the API's (/v1, /docs, /openapi.json, /metrics, /healthz, /readyz). */
export function isWebPath(path: string): boolean {
  return (
    path === '/' ||
    /^\/(store|portal|console|account|assets|webhooks|lang)(\/|\.|$)/.test(path) ||
    path === '/favicon.ico'
  );
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

function secureRequest(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function setSessionCookie(c: Context<WebEnv>, id: string): void {
  setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Lax', path: '/', secure: secureRequest(c) });
}

export function clearSessionCookie(c: Context<WebEnv>): void {
  setCookie(c, SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: 0,
    secure: secureRequest(c),
  });
}

function addressOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/** The session as the pages see it (the logins service's answer, typed for the web). */
async function sessionOf(s: WebServices, id: string | undefined): Promise<SessionInfo | null> {
  const r = await s.logins.principalOf(id);
  if (!r) return null;
  return r.kind === 'member'
    ? {
        kind: 'member',
        principal: r.principal,
        sessionId: r.sessionId,
        ...(r.language ? { language: r.language } : {}),
      }
    : {
        kind: 'staff',
        principal: r.principal,
        name: r.name,
        sessionId: r.sessionId,
        ...(r.language ? { language: r.language } : {}),
      };
}

export function createWebApp(s: WebServices): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const log = s.logger.child({ component: 'web' });

  app.use('*', async (c, next) => {
    c.set('s', s);
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'same-origin');
    if (!c.req.path.startsWith('/assets/')) c.header('cache-control', 'no-store');
  });

  app.route('/', assetRoutes());

  // the visitor: cookies, session, language, CSRF token
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/assets/') || c.req.path.startsWith('/webhooks/')) return next();
    let visitorId = getCookie(c, VISITOR_COOKIE);
    if (!isSecretId(visitorId)) {
      visitorId = newSecretId();
      setCookie(c, VISITOR_COOKIE, visitorId, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        maxAge: 30 * 86_400,
        secure: secureRequest(c),
      });
    }
    const session = await sessionOf(s, getCookie(c, SESSION_COOKIE));
    const lang = negotiate(session?.language, getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
    const binding = session ? session.sessionId : visitorId;
    c.set('v', {
      locale: localeFor(lang),
      visitorId,
      session,
      csrf: await s.logins.sessions.csrfToken(binding),
      address: addressOf(c),
    });
    if (c.req.method === 'POST') {
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      const body = await c.req.parseBody();
      const token = typeof body._csrf === 'string' ? body._csrf : undefined;
      const sameOrigin = !origin || (host !== undefined && new URL(origin).host === host);
      if (!sameOrigin || !(await s.logins.sessions.checkCsrf(binding, token))) {
        log.warn({ path: c.req.path, sameOrigin }, `web: ${c.req.path}: CSRF check failed`);
        const l = c.var.v.locale;
        return render(c, {
          title: l.t('error.title'),
          status: 403,
          body: notice(l.t('error.csrf'), 'warn'),
        });
      }
    }
    return next();
  });

  // language switcher: a form, so it works without JavaScript; a member's choice is their preference
  app.post('/lang', async (c) => {
    const body = await c.req.parseBody();
    const lang = languageOf(typeof body.to === 'string' ? body.to : undefined) ?? 'en';
    setCookie(c, LANG_COOKIE, lang, {
      sameSite: 'Lax',
      path: '/',
      maxAge: 365 * 86_400,
      secure: secureRequest(c),
    });
    const session = c.var.v.session;
    if (session) {
      await s.logins.sessions.setLanguage(session.sessionId, lang);
      if (session.kind === 'member') {
        // the member's preference, through the portal: the member acts for itself
        const m = await s.portal.me(session.principal);
        await s.portal.update(session.principal, { personal: { ...(m.personal ?? {}), language: lang } });
      } else if (session.principal.role === 'staff') await s.logins.setStaffLanguage(session.principal, lang);
    }
    const back = typeof body.back === 'string' && /^\/(?!\/)[^\s\\]*$/.test(body.back) ? body.back : '/';
    return c.redirect(back, 303);
  });

  app.route('/', storeRoutes());
  app.route('/', accountRoutes());
  app.route('/', portalRoutes());
  app.route('/', consoleRoutes());

  app.notFound(async (c) => {
    if (!c.var.v) return c.text('not found', 404);
    return render(c, { title: c.var.v.locale.t('error.notFound'), status: 404, body: html`` });
  });
  app.onError(async (err, c) => {
    if (err instanceof RegistryError && err.code === 'not-found' && c.var.v)
      return render(c, { title: c.var.v.locale.t('error.notFound'), status: 404, body: html`` });
    if (err instanceof RegistryError && err.code === 'forbidden' && c.var.v)
      return render(c, { title: c.var.v.locale.t('error.forbidden'), status: 403, body: html`` });
    log.error({ err, path: c.req.path }, `web: ${c.req.method} ${c.req.path}: ${(err as Error).message}`);
    if (!c.var.v) return c.text('internal error', 500);
    const l = c.var.v.locale;
    return render(c, { title: l.t('error.title'), status: 500, body: notice(l.t('error.generic'), 'warn') });
  });
  return app;
}
