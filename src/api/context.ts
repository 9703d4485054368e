// What every route module gets: the hono app type, the request variables set by middleware,
// and the services the handlers call.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Metrics } from '../metrics/index.ts';
import type { Authenticated, AuthService } from '../registry/auth/index.ts';
import type { MembersService } from '../registry/members/index.ts';
import type { RoutingService } from '../registry/routing/index.ts';
import type { SalesService } from '../registry/sales/index.ts';
import type { Clock, Store } from '../core/store.ts';
import type { ZoneService } from '../registry/zones/index.ts';
import type { Decision } from '../sip/index.ts';
import type { Idempotent } from './idempotency.ts';

export interface Env {
  Variables: {
    /** Set by the auth middleware on /v1/*. */
    principal: Authenticated;
  };
}

export type ApiApp = OpenAPIHono<Env>;

/** Readiness of the parts the API depends on besides the store: name -> ready (e.g. zones loaded). */
export type ReadinessCheck = () => Promise<Record<string, boolean>> | Record<string, boolean>;

/** The same resolution `callx resolve` runs (src/sip createResolver(config).resolve). */
export type ResolveFn = (
  identifier: string,
  caller?: { uri: string; header?: 'command line' },
) => Promise<Decision>;

/** The master file of a zone as DNS serves it (files and registry data), or null when there is no such zone. */
export type ExportZoneFn = (apex: string) => Promise<string | null>;

export interface Services {
  /** The HTTP settings the middleware reads (limits, admin token); the apex reaches the services. */
  config: Pick<Config, 'http'>;
  logger: Logger;
  clock: Clock;
  store: Store;
  metrics: Metrics;
  auth: AuthService;
  routing: RoutingService;
  zones: ZoneService;
  sales: SalesService;
  members: MembersService;
  idempotent: Idempotent;
  resolve: ResolveFn | undefined;
  exportZone: ExportZoneFn | undefined;
  readiness: ReadinessCheck | undefined;
}
