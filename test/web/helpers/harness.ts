// The web app over a real store (embedded, or MongoDB/FerretDB) with the real registry services,
// driven through app.request() with a cookie jar per visitor: forms are posted as a browser
// posts them, with the CSRF token read from the page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivationFor } from '#publish';
import {
  ADMIN,
  type BillingService,
  createBilling,
  createJournal,
  createMembers,
  createOutbox,
  createPublisher,
  createSales,
  type Outbox,
  SCHEMA,
} from '#registry';
import { billingPort, createWeb, type Web } from '#web';
import { silentLogger } from '../../../src/core/log.ts';
import type { Store } from '../../../src/core/store.ts';
import { createEmbeddedStore } from '../../../src/registry/stores/embedded/index.ts';

export const APEX = 'callx.test';
export const ADMIN_TOKEN = 'web-admin-token-0123456789abcdef';

export interface Clocked {
  now(): number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 15, 9)): Clocked {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface WebHarness {
  store: Store;
  web: Web;
  outbox: Outbox;
  clock: Clocked;
  services: Web['services'];
  /** The fee system, when the harness was asked for it (`billing: true`). */
  billing?: BillingService;
  browser(opts?: { lang?: string }): Browser;
  close(): Promise<void>;
}

export async function webOn(
  store: Store,
  close: () => Promise<void>,
  opts: { clock?: Clocked; billing?: boolean } = {},
): Promise<WebHarness> {
  await store.ensureSchema(SCHEMA);
  const clock = opts.clock ?? testClock();
  const journal = createJournal({ store, clock, logger: silentLogger });
  const publisher = createPublisher({
    store,
    journal,
    derivation: derivationFor({ apex: APEX }),
    clock,
    logger: silentLogger,
  });
  const billing = opts.billing
    ? createBilling({ store, publisher, logger: silentLogger, clock, apex: APEX })
    : undefined;
  const sales = createSales({
    store,
    publisher,
    clock,
    logger: silentLogger,
    ...(billing ? { onPaid: billing.onPaid, onRejected: billing.onRejected } : {}),
  });
  const members = createMembers({ store, publisher, clock, logger: silentLogger, realm: APEX });
  const outbox = createOutbox();
  const web = createWeb({
    config: { apex: APEX, http: { adminToken: ADMIN_TOKEN } as never, sip: { realm: APEX, port: 5060 } },
    logger: silentLogger,
    store,
    publisher,
    sales,
    members,
    clock,
    mailer: outbox,
    scryptLog2N: 4,
    ...(billing ? { billing: billingPort(billing), calls: billing.callStats } : {}),
  });
  // the operator's call centers: members and numbers are refused in a country without one
  for (const [code, name] of [
    ['KR', 'Korea'],
    ['JP', 'Japan'],
  ] as const)
    await web.services.routing.countries.create(ADMIN, {
      code,
      name,
      center: {
        targets: [{ host: `sip1.${code.toLowerCase()}.center.${APEX}`, port: 5060, transport: 'udp' }],
      },
    });
  return {
    store,
    web,
    outbox,
    clock,
    services: web.services,
    ...(billing ? { billing } : {}),
    browser: (o = {}) => new Browser(web, o.lang),
    close,
  };
}

export async function embeddedWeb(opts: { clock?: Clocked; billing?: boolean } = {}): Promise<WebHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'callx-web-'));
  const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  return webOn(
    store,
    async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    opts,
  );
}

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/** One visitor: cookies kept between requests, forms posted with the page's CSRF token. */
export class Browser {
  readonly cookies = new Map<string, string>();
  last: Page | null = null;
  private readonly web: Web;
  private readonly lang: string | undefined;
  constructor(web: Web, lang?: string) {
    this.web = web;
    this.lang = lang;
  }

  async request(
    method: string,
    path: string,
    body?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.lang) h['accept-language'] = this.lang;
    if (body) h['content-type'] = 'application/x-www-form-urlencoded';
    const res = await this.web.app.request(path, {
      method,
      headers: h,
      ...(body ? { body: new URLSearchParams(body).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      if (/max-age=0/i.test(c)) this.cookies.delete(k!);
      else this.cookies.set(k!, v ?? '');
    }
    const page = {
      status: res.status,
      html: await res.text(),
      location: res.headers.get('location'),
      headers: res.headers,
    };
    this.last = page;
    return page;
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** Follows 303s like a browser. */
  async follow(p: Page): Promise<Page> {
    let page = p;
    for (let i = 0; i < 5 && page.status >= 300 && page.status < 400 && page.location; i++)
      page = await this.get(page.location);
    return page;
  }

  csrf(html = this.last?.html ?? ''): string {
    const m = html.match(/name="_csrf" value="([^"]+)"/);
    if (!m) throw new Error('test: no CSRF token on the page');
    return m[1]!;
  }

  /** Posts a form with the CSRF token of the current page (loaded first when `from` is given). */
  async post(path: string, fields: Record<string, string>, from?: string): Promise<Page> {
    if (from) await this.get(from);
    return this.request('POST', path, { _csrf: this.csrf(), ...fields });
  }
}

/** The text of a page without tags, whitespace folded: what a reader sees. */
export const text = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
