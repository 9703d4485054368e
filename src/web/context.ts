// What the web pages run on: the registry services, the visitor of the request (locale, visitor
// id, session), and the optional parts of the fee system (BillingPort) that light up when it runs.
import type { Clock, Logger, Money, Store } from '#core';
import type {
  AuthService,
  CheckoutService,
  CrmService,
  LoginsService,
  MemberPrincipal,
  MembersService,
  PortalService,
  Principal,
  RoutingService,
  SalesService,
  StaffPrincipal,
} from '#registry';
import type { Locale } from './i18n.ts';

/**
 * What the portal and console show from the fee system (src/registry/billing, being built): each
 * part appears when the service provides it. main.ts adapts the fee system's service to this.
 */
export interface BillingPort {
  balance?(p: MemberPrincipal): Promise<Money | null>;
  topUp?(p: MemberPrincipal, amount: Money): Promise<void>;
  calls?(
    p: MemberPrincipal,
    q: { limit: number },
  ): Promise<Array<{ at: number; from: string; to: string; seconds: number; cost?: Money }>>;
  statements?(p: MemberPrincipal): Promise<Array<{ id: string; from: number; to: number; total: Money }>>;
  rateDecks?(p: Principal): Promise<Array<{ id: string; name: string; currency: string; rates: number }>>;
}

export interface WebServices {
  store: Store;
  clock: Clock;
  logger: Logger;
  apex: string;
  realm: string;
  sipPort: number;
  sales: SalesService;
  members: MembersService;
  portal: PortalService;
  logins: LoginsService;
  checkout: CheckoutService;
  crm: CrmService;
  routing: RoutingService;
  auth: AuthService;
  billing?: BillingPort | undefined;
  reservationMinutes: number;
  transferHoldDays: number;
}

export type SessionInfo =
  | { kind: 'member'; principal: MemberPrincipal; sessionId: string; language?: string }
  | {
      kind: 'staff';
      principal: StaffPrincipal | { role: 'admin' };
      name: string;
      sessionId: string;
      language?: string;
    };

/** The visitor of one request. */
export interface Visit {
  locale: Locale;
  /** The visitor cookie's id (binds CSRF tokens and checkouts before login). */
  visitorId: string;
  session: SessionInfo | null;
  csrf: string;
  address: string;
}

export type WebEnv = { Variables: { v: Visit; s: WebServices } };
