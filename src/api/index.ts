// The registrar HTTP API (docs/api.md): `createApiApp(deps)` builds the hono app (tests call
// app.request()), `createApiServer(deps)` serves it on config.http.addr:port.
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Config, Logger } from '#core';
import { type Clock, type Store, systemClock } from '#core';
import { createMetrics, type Metrics } from '#metrics';
import type { Publisher } from '#registry';
import {
  type BillingService,
  type CenterCheck,
  createAuthService,
  createBilling,
  createMembers,
  createRoutingService,
  createSales,
  createZoneService,
  type MembersService,
  type SalesService,
} from '#registry';
import { type AppOptions, createApp } from './app.ts';
import type {
  ApiApp,
  ExportZoneFn,
  PageFn,
  ReadinessCheck,
  ReadinessDetail,
  ResolveFn,
  Services,
} from './context.ts';
import { toProblem } from './errors.ts';
import { createIdempotency } from './idempotency.ts';

export type {
  ApiApp,
  ExportZoneFn,
  PageFn,
  ReadinessCheck,
  ReadinessDetail,
  ResolveFn,
  Services,
} from './context.ts';
export { PROBLEM_BASE, PROBLEMS, type ProblemKind } from './errors.ts';
export { openApiDocument } from './openapi.ts';

export interface ApiDeps {
  /** `sip.realm` is the digest realm of members' SIP credentials (default: the apex). */
  config: Pick<Config, 'apex' | 'http'> & {
    sip?: Pick<Config['sip'], 'realm'>;
    billing?: Partial<Config['billing']>;
  };
  logger: Logger;
  store: Store;
  /** The registry publisher, built with the process's derivation (`derivationFor(config)`). */
  publisher: Publisher;
  /** Shared with the DNS and SIP servers so /metrics shows all three; a new one when absent. */
  metrics?: Metrics;
  clock?: Clock;
  /** The sales and members services; built on the store and publisher when absent (their sweepers are the caller's to run). */
  sales?: SalesService;
  members?: MembersService;
  /** Which countries have a call center (default: the registry's countries); `callx serve` adds DNS. */
  centers?: CenterCheck;
  /** The fee system; built on the store and publisher when absent (its sweeper is the caller's to run). */
  billing?: BillingService;
  /** Extra /readyz checks besides the store, e.g. `{ zones: dnsNode.ready() }`. */
  readiness?: ReadinessCheck;
  /** What /readyz shows without failing (e.g. the redirector's countries without an emergency route). */
  readinessDetail?: ReadinessDetail;
  /** The certificate of signed caller identities, served at GET /stir/cert.pem (the x5u URL). */
  stirCertificate?: () => Promise<string | null>;
  /** GET /v1/resolve: the redirector's resolution (src/sip createResolver(config).resolve). */
  resolve?: ResolveFn;
  /** GET /n/{identifier}: number pages through the same resolver (resolver.page). */
  page?: PageFn;
  /** GET /v1/zones/{apex}/export: the zone as served, as a master file. */
  exportZone?: ExportZoneFn;
  /**
   * Apexes of the master-file zones (admin may patch their record sets; registrars stay out of
   * them): the DNS node's zones when it runs in this process, else `zoneFilesIn(config.zonesDir)`.
   */
  fileZones?: () => Iterable<string>;
  options?: AppOptions;
  /**
   * Another front end served on the same port (main.ts: the web pages): requests for which
   * `handles(path)` is true go to its `fetch`, every other request to the API unchanged.
   */
  alongside?: {
    handles(path: string): boolean;
    fetch(request: Request, env: unknown): Response | Promise<Response>;
  };
}

/**
 * The apexes of the master-file zones in CALLX_ZONES_DIR (every `<apex>.zone`, the DNS node's
 * convention), for `fileZones` when no DNS node runs in this process. Read at each call: zone
 * creation is rare, and a file added later counts at once.
 */
export function zoneFilesIn(dir: string): () => string[] {
  return () => {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isFile() && d.name.endsWith('.zone') && d.name.length > 5)
        .map((d) => d.name.slice(0, -5).toLowerCase());
    } catch {
      return [];
    }
  };
}

export function createServices(deps: ApiDeps): Services {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'api' });
  return {
    config: {
      http: deps.config.http,
      ...(deps.config.billing?.importLimit
        ? { billing: { importLimit: deps.config.billing.importLimit } }
        : {}),
    },
    logger: deps.logger,
    clock,
    store: deps.store,
    metrics: deps.metrics ?? createMetrics(),
    auth: createAuthService({ store: deps.store, clock, adminToken: deps.config.http.adminToken }),
    routing: createRoutingService({
      store: deps.store,
      publisher: deps.publisher,
      clock,
      realm: deps.config.sip?.realm ?? deps.config.apex,
    }),
    zones: createZoneService({
      store: deps.store,
      publisher: deps.publisher,
      clock,
      apex: deps.config.apex,
      fileZones: deps.fileZones,
    }),
    sales:
      deps.sales ??
      createSales({
        store: deps.store,
        publisher: deps.publisher,
        logger: deps.logger,
        clock,
        ...(deps.centers ? { centers: deps.centers } : {}),
      }),
    members:
      deps.members ??
      createMembers({
        store: deps.store,
        publisher: deps.publisher,
        logger: deps.logger,
        clock,
        realm: deps.config.sip?.realm ?? deps.config.apex,
        ...(deps.centers ? { centers: deps.centers } : {}),
      }),
    billing:
      deps.billing ??
      createBilling({
        store: deps.store,
        publisher: deps.publisher,
        logger: deps.logger,
        clock,
        apex: deps.config.apex,
        ...(deps.config.billing ? { config: deps.config.billing } : {}),
      }),
    idempotent: createIdempotency({
      store: deps.store,
      clock,
      render: (err, c) => toProblem(err, c, log),
    }),
    resolve: deps.resolve,
    page: deps.page,
    exportZone: deps.exportZone,
    readiness: deps.readiness,
    readinessDetail: deps.readinessDetail,
    stirCertificate: deps.stirCertificate,
  };
}

export function createApiApp(deps: ApiDeps): ApiApp {
  return createApp(createServices(deps), deps.options);
}

export interface ApiServer {
  readonly app: ApiApp;
  /** Listens on config.http.addr:port; resolves with the port bound (useful with port 0). */
  start(): Promise<number>;
  /** Stops accepting, closes idle and open connections. */
  stop(): Promise<void>;
  readonly port: number;
}

export function createApiServer(deps: ApiDeps): ApiServer {
  const app = createApiApp(deps);
  const log = deps.logger.child({ component: 'api' });
  let server: ServerType | null = null;
  let port = 0;
  return {
    app,
    get port() {
      return port;
    },
    async start() {
      const { addr, port: wanted } = deps.config.http;
      await new Promise<void>((resolve, reject) => {
        const other = deps.alongside;
        const fetch: typeof app.fetch = other
          ? (request, env, ctx) =>
              other.handles(new URL(request.url).pathname)
                ? other.fetch(request, env)
                : app.fetch(request, env, ctx)
          : app.fetch;
        const s = serve({ fetch, hostname: addr, port: wanted }, (info: AddressInfo) => {
          port = info.port;
          resolve();
        });
        s.once('error', reject);
        server = s;
      });
      log.info({ addr, port }, 'api: listening (http)');
      return port;
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        (s as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
