// The fee system (docs/billing.md): rate decks, accounts and the ledger, credit leases and
// pre-call authorization, route tokens, CDR rating, settlement, number rental, and number sales
// in the ledger — registry services on the kernel (principal, RegistryError, parseInput, pager).
//
// `createBilling(deps)` is what the API (and the web pages) call; every method takes the acting
// principal first and returns plain view objects with decimal-string amounts:
//
//   decks       create, list, get, importCsv, exportCsv, match, remove
//   accounts    open (or change), get, post (top-up, refund, adjustment, charge), entries
//   cdrs        ingest (JSON batch), ingestCsv, list (call history), reviewList, resolve
//   settlement  statement (JSON; statementCsv for CSV), close
//   rental      getRules, setRules, list
//   tokens      jwks, rotate (route-token keys)
//
// and, for the redirector (phase 2 of issue 10): `authorizer({ holder })` — rating and the
// authorization decision with leased funds, route tokens and the route log.
import type { Clock, Config, Logger, Member, Store } from '#core';
import { COLLECTIONS, createPeriodic, systemClock } from '#core';
import type { Principal } from '../kernel/index.ts';
import type { Publisher } from '../publisher.ts';
import { createAccountService } from './accounts.ts';
import { createAuthorizer, createRouteLog } from './authorizer.ts';
import { createCallStats } from './callstats.ts';
import { createCdrService } from './cdrs.ts';
import { createDeckService } from './decks.ts';
import { createLedger, type LedgerFaultStep } from './ledger.ts';
import { type PeriodUnit, periodOf } from './periods.ts';
import { createRateBook } from './rates.ts';
import { createRentalService } from './rental.ts';
import { createSalesSync } from './sales-sync.ts';
import { createSettlement, statementCsv } from './settlement.ts';
import { createRouteTokens } from './tokens.ts';
import { createWallet } from './wallet.ts';

export type { AccountView, EntryView } from './accounts.ts';
export type {
  AuthCandidate,
  AuthGrant,
  Authorizer,
  AuthRequest,
  AuthResult,
  RouteLog,
} from './authorizer.ts';
export { createAuthorizer, createRouteLog } from './authorizer.ts';
export { createCallStats, destinationOf } from './callstats.ts';
export type { CdrResult, CdrView, IngestResult } from './cdrs.ts';
export { type CompiledDeck, compileDeck } from './compile.ts';
export { parseCsv, toCsv } from './csv.ts';
export type { AuthDecision, CandidateGrant, DecideInput, RatedCandidate } from './decide.ts';
export { decide } from './decide.ts';
export { DECK_COLUMNS, type RateRow, readDeckCsv, writeDeckCsv } from './deck-csv.ts';
export type { DeckView, ImportResult, MatchView } from './decks.ts';
export { createLedger, type Ledger, type LedgerFaultStep, type PostResult } from './ledger.ts';
export * from './money.ts';
export { COUNTERPARTY_KINDS, CounterpartyKey, PARTY_KINDS, PartyKey, parseParty } from './parties.ts';
export { nextPeriod, type PeriodUnit, periodEnd, periodOf, periodStart } from './periods.ts';
export { createRateBook, type RateBook } from './rates.ts';
export type { RentalRulesView, RentalView } from './rental.ts';
export * from './schemas.ts';
export { type StatementView, statementCsv } from './settlement.ts';
export { createRouteTokens, ROUTE_KEYS_ID, type RouteClaims, type RouteTokens } from './tokens.ts';
export { createWallet, type Wallet } from './wallet.ts';

/** The fee system's settings (CALLX_BILLING_*; README, "Configuration"). */
export type BillingConfig = Config['billing'];

export const DEFAULT_BILLING: BillingConfig = {
  period: 'month',
  maxCallSeconds: 14_400,
  emergency: ['112', '911', '999', '000', '110', '119', '118', '100', '101', '102', '15', '17', '18'],
  tokenTtlSeconds: 60,
  authorize: true,
  closeAfterHours: 120,
  importLimit: 64 * 1024 * 1024,
};

export interface BillingDeps {
  store: Store;
  publisher: Publisher;
  logger: Logger;
  clock?: Clock;
  /** The apex: `iss` of route tokens. */
  apex: string;
  config?: Partial<BillingConfig>;
  /** Tests: the ledger's gap grace and fault hook. */
  ledger?: {
    graceMs?: number;
    fault?: (step: LedgerFaultStep, accountId: string, key: string) => Promise<void> | void;
  };
  /** Tests: the settlement's closing grace (ms). */
  closingGraceMs?: number;
}

export type BillingService = ReturnType<typeof createBilling>;

export function createBilling(deps: BillingDeps) {
  const clock = deps.clock ?? systemClock;
  const cfg: BillingConfig = { ...DEFAULT_BILLING, ...deps.config };
  const logger = deps.logger;
  const log = logger.child({ component: 'billing' });
  const unit: PeriodUnit = cfg.period;
  const store = deps.store;

  const ledger = createLedger({
    store,
    clock,
    logger,
    periodOf: (ms) => periodOf(ms, unit),
    ...(deps.ledger?.graceMs !== undefined ? { graceMs: deps.ledger.graceMs } : {}),
    ...(deps.ledger?.fault ? { fault: deps.ledger.fault } : {}),
  });
  const tokens = createRouteTokens({
    store,
    clock,
    logger,
    issuer: deps.apex,
    ttlMs: cfg.tokenTtlSeconds * 1000,
  });
  const settlement = createSettlement({
    store,
    clock,
    logger,
    unit,
    closeAfterMs: cfg.closeAfterHours * 3_600_000,
    ...(deps.closingGraceMs !== undefined ? { closingGraceMs: deps.closingGraceMs } : {}),
  });
  const rental = createRentalService({ store, clock, logger, ledger, publisher: deps.publisher, unit });
  const accounts = createAccountService({
    ledger,
    clock,
    onCredit: (memberId) =>
      rental
        .retry(memberId)
        .catch((err: unknown) => log.warn({ err, memberId }, 'billing: rent retry failed')),
  });
  const decks = createDeckService({ store, clock });
  const cdrs = createCdrService({ store, clock, logger, ledger, settlement, tokens });
  const sales = createSalesSync({ store, clock, logger, ledger });
  const rates = createRateBook({ store, clock, logger });
  const members = store.collection<Member>(COLLECTIONS.members);

  async function sweep(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    out.folded = await ledger.foldPending();
    out.leases = await ledger.expireLeases();
    out.cdrs = await cdrs.sweep();
    out.sales = await sales.sweep();
    out.rental = await rental.sweep();
    out.periods = await settlement.sweep();
    out.chunks = await decks.sweep();
    await tokens.load();
    return out;
  }
  const sweeper = createPeriodic(() => sweep(), log, 'billing: sweep');
  // a redirector without the API in its process (`--only sip`) re-reads the keys itself
  const keys = createPeriodic(() => tokens.load(), log, 'billing: route-token keys');

  /**
   * What a redirector uses to authorize calls: its own wallet of leases (`holder` names it),
   * the rate book, the route tokens and a route log. Start the rate book (and load the keys)
   * before the first call.
   */
  function authorizer({
    signOffThread,
    ...opts
  }: {
    holder: string;
    authMs?: number;
    slices?: number;
    idleMs?: number;
    /** Route tokens signed on libuv's thread pool, or on the event loop (default). */
    signOffThread?: boolean;
  }) {
    const holdMs = (cfg.maxCallSeconds + cfg.tokenTtlSeconds) * 1000 + 3_600_000;
    const wallet = createWallet({ ledger, clock, holdMs, ...opts });
    const routes = createRouteLog({ store, logger });
    const currencies = new Map<string, { c: string | null; at: number }>();
    const auth = createAuthorizer({
      rates,
      wallet,
      tokens,
      routes,
      clock,
      capSeconds: cfg.maxCallSeconds,
      emergency: new Set(cfg.emergency),
      ...(signOffThread !== undefined ? { signOffThread } : {}),
      currencyOf: async (memberId) => {
        const hit = currencies.get(memberId);
        if (hit && clock.now() - hit.at < 60_000) return hit.c;
        const c = (await ledger.accounts.get(memberId))?.currency ?? null;
        currencies.set(memberId, { c, at: clock.now() });
        if (currencies.size > 100_000) currencies.delete(currencies.keys().next().value!);
        return c;
      },
    });
    return { ...auth, wallet, routes };
  }

  return {
    config: cfg,
    ledger,
    rates,
    tokens,
    decks: {
      create: decks.create,
      list: decks.list,
      get: decks.get,
      importCsv: decks.importCsv,
      exportCsv: decks.exportCsv,
      match: decks.match,
      remove: decks.remove,
    },
    accounts: {
      open: (p: Principal, input: Parameters<typeof accounts.open>[1]) =>
        accounts.open(p, input, (id) => members.get(id)),
      get: accounts.get,
      post: accounts.post,
      entries: accounts.entries,
    },
    cdrs: {
      ingest: cdrs.ingest,
      ingestCsv: cdrs.ingestCsv,
      list: cdrs.list,
      reviewList: cdrs.reviewList,
      resolve: cdrs.resolve,
    },
    settlement: { statement: settlement.statement, close: settlement.close, csv: statementCsv },
    rental: { getRules: rental.getRules, setRules: rental.setRules, list: rental.list },
    /** Calls, minutes, call revenue and destinations per registrar and country: the CRM's CallStats. */
    callStats: createCallStats({ store }),
    /** The sales hook: createSales({ onPaid: billing.onPaid }). */
    onPaid: sales.onPaid,
    /** The sales hook: createSales({ onRejected: billing.onRejected }). */
    onRejected: sales.onRejected,
    authorizer,
    sweep,
    /** Runs sweep() every intervalMs and keeps the rate book and keys fresh, until stop(). */
    async start(intervalMs = 5_000): Promise<void> {
      await tokens.load();
      await rates.refresh();
      rates.start(1000);
      sweeper.start(intervalMs);
    },
    /**
     * What authorizing needs without the sweep (a redirector alone, `--only sip`): the keys
     * loaded and re-read every intervalMs, the rate book read and kept fresh. start() does both.
     */
    async startRating(intervalMs = 5_000): Promise<void> {
      await tokens.load();
      await rates.refresh();
      rates.start(1000);
      keys.start(intervalMs);
    },
    stop(): void {
      sweeper.stop();
      keys.stop();
      rates.stop();
    },
  };
}
