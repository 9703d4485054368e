// Number pages: any identifier (PIN, VNS, E.164, domain, address) to its home page. GET
// /n/{identifier} resolves it through the same DNS path as the SIP redirector — our trees, then
// the partners' ENUM trees, so zone-file data and partners' numbers have pages too — and answers
// 302 to its E2U+web target. With CALLX_WEB_DOMAIN the same by host name:
// http://<digits>.<web domain>/ (E.164 digits, a PIN's digits, or reversed ENUM digits). A number
// without a page gets a small page saying so, not an error. Public: no token.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { PageDecision } from '#resolve';
import type { ApiApp, Services } from '../context.ts';

const Html = { 'text/html': { schema: z.string() } };
const page = (description: string) => ({ description, content: Html });

const IdentifierParam = z.object({
  identifier: z
    .string()
    .min(1)
    .max(512)
    .openapi({
      param: { name: 'identifier', in: 'path' },
      description: 'A PIN, VNS (its # written %23), E.164 number, domain or email address',
      example: '02-6200-6200-082',
    }),
});

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function html(title: string, lines: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
${lines.map((l) => `<p>${l}</p>`).join('\n')}
</body></html>
`;
}

/** How long the answer may be kept: the smallest TTL of the DNS answers it used (at most 5 minutes). */
function maxAge(d: PageDecision): number {
  const ttls = d.queries.map((q) => q.ttl).filter((t) => t > 0);
  return Math.min(300, ...(ttls.length ? ttls : [0]));
}

/** The answer for a page decision: a redirect, or a small page that says why there is none. */
function answer(c: Context, d: PageDecision): Response {
  const shown = d.classification?.display ?? d.target;
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
  if (d.status === 200 && d.web) {
    return c.body(null, 302, { location: d.web, 'cache-control': `public, max-age=${maxAge(d)}` });
  }
  if (d.status === 200) {
    const mail = d.email?.startsWith('mailto:')
      ? [`Mail: <a href="${escapeHtml(d.email)}">${escapeHtml(d.email.slice(7))}</a>`]
      : [];
    headers['cache-control'] = `public, max-age=${maxAge(d)}`;
    return c.body(html(shown, ['No home page is published for this number.', ...mail]), 200, headers);
  }
  headers['cache-control'] = 'no-store';
  if (d.status === 503) {
    headers['retry-after'] = '5';
    return c.body(
      html(shown, ['The directory cannot be reached just now; try again shortly.']),
      503,
      headers,
    );
  }
  const why = escapeHtml(d.warning ?? 'unknown');
  if (d.status === 400)
    return c.body(html('Not a number', [`callx cannot read ${escapeHtml(d.target)}: ${why}.`]), 400, headers);
  return c.body(html(shown, [`Nobody has this number: ${why}.`]), 404, headers);
}

/**
 * The identifier a host name `<digits>.<webDomain>` names, or null: one label of digits is an
 * E.164 number (a PIN's digits when it starts with 0, as dialled), several one-digit labels are
 * the reversed digits of ENUM (RFC 6116).
 */
export function identifierOfHost(host: string, webDomain: string): string | null {
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!h.endsWith(`.${webDomain}`)) return null;
  const labels = h.slice(0, -webDomain.length - 1).split('.');
  if (labels.length === 1 && /^\d{4,20}$/.test(labels[0]!))
    return labels[0]!.startsWith('0') ? labels[0]! : `+${labels[0]}`;
  if (labels.length > 1 && labels.every((l) => /^\d$/.test(l))) return `+${labels.reverse().join('')}`;
  return null;
}

export function registerNumberPageRoutes(app: ApiApp, s: Services): void {
  const webDomain = s.config.http.webDomain;
  if (webDomain) {
    app.use('/', async (c, next) => {
      const id =
        c.req.method === 'GET' || c.req.method === 'HEAD'
          ? identifierOfHost(c.req.header('host') ?? '', webDomain)
          : null;
      if (id === null || !s.page) return next();
      c.res = answer(c, await s.page(id));
    });
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/n/{identifier}',
      tags: ['number pages'],
      summary:
        "An identifier's home page: 302 to its E2U+web target, found as the SIP redirector finds calls",
      description:
        'Public (no token). Our trees first, then the partners ENUM trees (CALLX_ENUM_SUFFIXES). A number without ' +
        'a home page gets a small HTML page saying so (200). With CALLX_WEB_DOMAIN, `http://<digits>.<web domain>/` ' +
        'answers the same.',
      request: { params: IdentifierParam },
      responses: {
        302: { description: 'To the home page', headers: { location: { schema: { type: 'string' } } } },
        200: page('No home page is published: a page that says so (and the published address, if any)'),
        400: page('Not an identifier callx can read'),
        404: page('Nobody has this identifier'),
        503: page('DNS did not answer; try again (Retry-After)'),
      },
    }),
    async (c) => {
      if (!s.page) {
        return c.body(html('Number pages', ['This process has no resolver configured.']), 503, {
          'content-type': 'text/html; charset=utf-8',
          'retry-after': '5',
        });
      }
      // biome-ignore lint/suspicious/noExplicitAny: the route's responses are HTML, typed by hand above
      return answer(c, await s.page(c.req.valid('param').identifier)) as any;
    },
  );
}
