// The web pages (docs/web.md): the number store, the member portal and the registrar console,
// server-rendered, served on the API's HTTP port in front of the API (main.ts composes them).
import type { Hono } from 'hono';
import { type Clock, type Config, createPeriodic, type Logger, type Store, systemClock } from '#core';
import {
  type CallStats,
  createAuthService,
  createCheckout,
  createCrm,
  createLogins,
  createLogMailer,
  createPortal,
  createRoutingService,
  DEFAULT_RESERVATION_MS,
  DEFAULT_TRANSFER_HOLD_MS,
  type Mailer,
  type MembersService,
  type Publisher,
  type SalesService,
  type ThrottleLimits,
} from '#registry';
import { createWebApp } from './app.ts';
import type { BillingPort, WebEnv, WebServices } from './context.ts';

export { CSP, isWebPath, LANG_COOKIE, SESSION_COOKIE, VISITOR_COOKIE } from './app.ts';
export { billingPort } from './billing.ts';
export type { BillingPort, WebServices } from './context.ts';
export { CATALOGS, LANGUAGES, type Language, negotiate } from './i18n.ts';

export interface WebDeps {
  config: Pick<Config, 'apex' | 'http'> & { sip: Pick<Config['sip'], 'realm' | 'port'> };
  logger: Logger;
  store: Store;
  publisher: Publisher;
  sales: SalesService;
  members: MembersService;
  clock?: Clock;
  /** Where password reset links go; the log by default (the demo), an outbox in tests. */
  mailer?: Mailer;
  /** The fee system's parts the portal and console show when it runs. */
  billing?: BillingPort;
  /** Call records for the CRM (the fee system's CDRs). */
  calls?: CallStats;
  /** scrypt cost (log2 N) of new password hashes; tests use a low one. */
  scryptLog2N?: number;
  throttle?: ThrottleLimits;
  /** How long the sales service holds a reservation (shown to the visitor). */
  reservationTtlMs?: number;
  transferHoldMs?: number;
}

export interface Web {
  readonly app: Hono<WebEnv>;
  readonly services: WebServices;
  /** Deletes ended sessions, throttle windows and reset tokens every `ms`. */
  startSweeper(ms?: number): void;
  stop(): void;
}

export function createWeb(deps: WebDeps): Web {
  const clock = deps.clock ?? systemClock;
  const logins = createLogins({
    store: deps.store,
    logger: deps.logger,
    clock,
    mailer: deps.mailer ?? createLogMailer(deps.logger),
    ...(deps.scryptLog2N !== undefined ? { scryptLog2N: deps.scryptLog2N } : {}),
    ...(deps.throttle ? { throttle: deps.throttle } : {}),
  });
  const transferHoldMs = deps.transferHoldMs ?? DEFAULT_TRANSFER_HOLD_MS;
  const services: WebServices = {
    store: deps.store,
    clock,
    logger: deps.logger,
    apex: deps.config.apex,
    realm: deps.config.sip.realm,
    sipPort: deps.config.sip.port,
    sales: deps.sales,
    members: deps.members,
    portal: createPortal({ members: deps.members, sales: deps.sales }),
    logins,
    checkout: createCheckout({
      store: deps.store,
      sales: deps.sales,
      logger: deps.logger,
      clock,
      transferHoldMs,
    }),
    crm: createCrm({ store: deps.store, ...(deps.calls ? { calls: deps.calls } : {}) }),
    routing: createRoutingService({ store: deps.store, publisher: deps.publisher, clock }),
    auth: createAuthService({ store: deps.store, clock, adminToken: deps.config.http.adminToken }),
    billing: deps.billing,
    reservationMinutes: Math.round((deps.reservationTtlMs ?? DEFAULT_RESERVATION_MS) / 60_000),
    transferHoldDays: Math.round(transferHoldMs / 86_400_000),
  };
  const sweeper = createPeriodic(() => logins.sweep(), deps.logger, 'web: sweep');
  return {
    app: createWebApp(services),
    services,
    startSweeper(ms = 60_000) {
      sweeper.start(ms);
    },
    stop() {
      sweeper.stop();
    },
  };
}
