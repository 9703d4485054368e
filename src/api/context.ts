// What every route module gets: the hono app type, the request variables set by middleware,
// and the services the handlers call.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Clock, Config, Logger, Store } from '#core';
import type { Metrics } from '#metrics';
import type {
  Authenticated,
  AuthService,
  BillingService,
  MembersService,
  RoutingService,
  SalesService,
  ZoneService,
} from '#registry';
import type { Decision, PageDecision } from '#resolve';
import type { Idempotent } from './idempotency.ts';

export interface Env {
  Variables: {
    /** Set by the auth middleware on /v1/*: the principal and the token it used. */
    auth: Authenticated;
  };
}

export type ApiApp = OpenAPIHono<Env>;

/** Readiness of the parts the API depends on besides the store: name -> ready (e.g. zones loaded). */
export type ReadinessCheck = () => Promise<Record<string, boolean>> | Record<string, boolean>;
/** What /readyz shows besides its checks, without failing them (e.g. countries without an emergency route). */
export type ReadinessDetail = () => Record<string, unknown>;

/** The same resolution `callx resolve` runs (src/sip createResolver(config).resolve). */
export type ResolveFn = (
  identifier: string,
  caller?: { uri: string; header?: 'command line' },
) => Promise<Decision>;

/** An identifier's number page (src/resolve resolver.page): the same DNS path as calls. */
export type PageFn = (identifier: string) => Promise<PageDecision>;

/** The master file of a zone as DNS serves it (files and registry data), or null when there is no such zone. */
export type ExportZoneFn = (apex: string) => Promise<string | null>;

export interface Services {
  /** The HTTP settings the middleware reads (limits, admin token, web domain); the apex reaches the services. */
  config: Pick<Config, 'http'> & { billing?: Pick<Config['billing'], 'importLimit'> };
  logger: Logger;
  clock: Clock;
  store: Store;
  metrics: Metrics;
  auth: AuthService;
  routing: RoutingService;
  zones: ZoneService;
  sales: SalesService;
  members: MembersService;
  /** The fee system (docs/billing.md). */
  billing: BillingService;
  idempotent: Idempotent;
  resolve: ResolveFn | undefined;
  page: PageFn | undefined;
  exportZone: ExportZoneFn | undefined;
  readiness: ReadinessCheck | undefined;
  readinessDetail: ReadinessDetail | undefined;
  /** PEM of the certificate of signed caller identities (GET /stir/cert.pem); null: not signing. */
  stirCertificate: (() => Promise<string | null>) | undefined;
}
