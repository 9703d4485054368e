// An API app on a real embedded store in a temp dir, called through app.request(): the journal,
// the publisher (with the routing aggregates) and every service are the real ones. Responses
// are checked against their declared schemas (validateResponses), so a test fails when a route
// answers something its OpenAPI document does not say.
import { type ApiApp, type ApiDeps, createApiApp } from '#api';
import { createMetrics, type Metrics } from '#metrics';
import { derivationFor } from '#publish';
import { ADMIN, anyCenter, createAuthService, registryCenters } from '#registry';
import { TEST_CENTERS } from '#test/helpers/sales';
import { silentLogger } from '../../../src/core/log.ts';
import type { PublishedRRset } from '../../../src/core/model.ts';
import { createJournal, type Journal } from '../../../src/registry/journal.ts';
import { createPublisher, type Publisher } from '../../../src/registry/publisher.ts';
import { type TempStore, tempStore } from './store.ts';

export const APEX = 'callx.test';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Res {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Raw body (sent as is, with the given content type). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  app: ApiApp;
  t: TempStore;
  journal: Journal;
  publisher: Publisher;
  metrics: Metrics;
  clock: { now(): number; advance(ms: number): void };
  call(method: string, path: string, opts?: CallOptions): Promise<Res>;
  /** Creates a registrar and returns a token for it. */
  registrar(id: string): Promise<string>;
  /** What a DNS node holds after applying the whole journal: source -> RRsets of its newest version. */
  published(): Promise<Map<string, PublishedRRset[]>>;
  close(): Promise<void>;
}

/** The app's dependencies besides the store, publisher and logger the harness makes, and its limits. */
export type HarnessOptions = Partial<Omit<ApiDeps, 'store' | 'publisher' | 'logger'>> & {
  rateLimit?: number;
  bodyLimit?: number;
  /** CALLX_WEB_DOMAIN: number pages by host name. */
  webDomain?: string;
};

export async function harness(extra: HarnessOptions = {}): Promise<Harness> {
  const t = await tempStore();
  let now = Date.UTC(2025, 0, 31, 12, 0, 0);
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const journal = createJournal({ store: t.store, logger: silentLogger, clock });
  const publisher = createPublisher({
    store: t.store,
    journal,
    derivation: derivationFor({ apex: APEX }),
    logger: silentLogger,
    clock,
  });
  const metrics = extra.metrics ?? createMetrics({ processMetrics: false });
  const app = createApiApp({
    config: {
      apex: APEX,
      http: {
        addr: '127.0.0.1',
        port: 0,
        adminToken: ADMIN_TOKEN,
        rateLimit: extra.rateLimit ?? 100_000,
        bodyLimit: extra.bodyLimit ?? 64 * 1024,
        ...(extra.webDomain ? { webDomain: extra.webDomain } : {}),
      },
    },
    logger: silentLogger,
    store: t.store,
    publisher,
    metrics,
    clock,
    // the centers the demo zone files have (and the tests take for granted), besides the registry's
    centers: anyCenter(registryCenters(t.store), async (c) =>
      (TEST_CENTERS as readonly string[]).includes(c),
    ),
    ...extra,
    options: { validateResponses: true, ...extra.options },
  });
  const auth = createAuthService({ store: t.store, clock });

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Res> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      if (opts.contentType) headers['content-type'] = opts.contentType;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return {
    app,
    t,
    journal,
    publisher,
    metrics,
    clock,
    call,
    async registrar(id) {
      await auth.createRegistrar(ADMIN, { id, name: `Registrar ${id}` });
      return (await auth.createToken(ADMIN, { role: 'registrar', registrarId: id })).token;
    },
    async published() {
      const state = new Map<string, { version: number; rrsets: PublishedRRset[] }>();
      for (const e of await journal.readAfter(0, 1_000_000)) {
        if (e.noop) continue;
        const cur = state.get(e.source);
        if (!cur || e.version > cur.version) state.set(e.source, { version: e.version, rrsets: e.rrsets });
      }
      return new Map([...state].map(([k, v]) => [k, v.rrsets]));
    },
    close: () => t.close(),
  };
}
