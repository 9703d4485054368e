// What the web pages run on: the registry services, the visitor of the request (locale, visitor
// id, session), and the optional parts of the fee system (BillingPort) that light up when it runs.
import type { CdrDisposition, Clock, Logger, Money, Store } from '#core';
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
 * What the portal and console show from the fee system (src/registry/billing): each part appears
 * when the service provides it. `billingPort` (billing.ts) adapts the fee system's service.
 */
export interface BillingPort {
  /** The member's balance; null when it has no account. */
  balance?(p: MemberPrincipal): Promise<Money | null>;
  /**
   * Tops up the member's account after the test payment provider paid; `key` comes from the form,
   * so the same form submitted twice tops up once.
   */
  topUp?(p: MemberPrincipal, amount: Money, key: string): Promise<{ duplicate: boolean }>;
  calls?(
    p: MemberPrincipal,
    q: { limit: number },
  ): Promise<Array<{ at: number; to: string; seconds: number; disposition: CdrDisposition; cost?: Money }>>;
  /** The member's account per settlement period: credits, charges and the net. */
  statements?(
    p: MemberPrincipal,
  ): Promise<Array<{ id: string; from: number; to: number; credits: Money; charges: Money; total: Money }>>;
  rateDecks?(
    p: Principal,
  ): Promise<
    Array<{ id: string; name: string; kind: string; currency: string; rates: number; revision: number }>
  >;
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
