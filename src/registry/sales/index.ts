// Number sales (docs/sales.md): inventory and price rules, search, reservation, payment, cancel,
// release, assignment to members, and the sweep that finishes what crashes left half-done.
// Every call takes the acting principal and enforces ownership; inputs are checked with the
// zod schemas exported here, errors are RegistryErrors with machine-readable codes.
import { createPeriodic } from '#core';
import type { Principal } from '../kernel/index.ts';
import { assign } from './assign.ts';
import { cancel } from './cancel.ts';
import { type ServiceDeps, serviceContext } from './context.ts';
import { type ExtendInput, extend } from './extend.ts';
import { indexGrams } from './grams.ts';
import { getNumber, getOrder, listInventory, listOrders } from './orders.ts';
import { type PayResult, pay } from './pay.ts';
import { reject } from './reject.ts';
import { release } from './release.ts';
import { DEFAULT_RESERVATION_MS, reserve } from './reserve.ts';
import { getPriceRules, setPriceRules } from './rules.ts';
import type {
  ApproveInput,
  AssignInput,
  ConfirmCodeInput,
  ListInventoryInput,
  ListOrdersInput,
  NumberRefInput,
  OrderRef,
  PayInput,
  RecordEvidenceInput,
  RegistrarRef,
  RejectInput,
  RepriceInput,
  ReserveInput,
  SearchInput,
  SetPriceRulesInput,
  StockInput,
} from './schemas.ts';
import { search } from './search.ts';
import { reprice, stock } from './stock.ts';
import { sweep } from './sweep.ts';
import { approve, confirmCode, recordEvidence } from './verification.ts';
import type { OrderView } from './views.ts';

export type { ServiceContext, ServiceDeps } from './context.ts';
export { serviceContext } from './context.ts';
export { ExtendInput, MAX_HOLD_MS } from './extend.ts';
export { parseNumberRef } from './numbers.ts';
export { MAX_PATTERN_LENGTH, patternRegex } from './pattern.ts';
export type { PayResult } from './pay.ts';
export * from './pricing.ts';
export type { RejectResult } from './reject.ts';
export type { RejectReason, ReserveResult } from './reserve.ts';
export { DEFAULT_RESERVATION_MS } from './reserve.ts';
export type { PriceRulesView } from './rules.ts';
export * from './schemas.ts';
export type { RepriceResult, StockResult } from './stock.ts';
export type { SweepResult } from './sweep.ts';
export { CODE_TTL_MS, MAX_CODE_ATTEMPTS } from './verification.ts';
export type * from './views.ts';

export interface SalesOptions extends ServiceDeps {
  /** How long a reservation holds its number (default 15 minutes). */
  reservationTtlMs?: number;
  /** How old a half-done sale or release must be before the sweep finishes it (default 10 s). */
  settleMs?: number;
  /** How long a paid PIN may wait with no evidence before the sweep rejects it (default 30 days). */
  proofDeadlineMs?: number;
  /**
   * Called after every successful pay() (a duplicate too): the fee system posts the sale to the
   * member's ledger (docs/billing.md, "Number sales"). A failure is logged, never the payment's:
   * the ledger catches up from the paid orders.
   */
  onPaid?: (result: PayResult) => Promise<void>;
  /** Called after reject(): the fee system posts the sale's reversal (docs/billing.md, "Number sales"). */
  onRejected?: (order: OrderView) => Promise<void>;
}

export type SalesService = ReturnType<typeof createSales>;

export function createSales(opts: SalesOptions) {
  const ctx = serviceContext(opts, 'sales');
  const ttl = opts.reservationTtlMs ?? DEFAULT_RESERVATION_MS;
  const settleMs = opts.settleMs ?? 10_000;
  const run = () => sweep(ctx, settleMs, opts.proofDeadlineMs);
  const sweeper = createPeriodic(run, ctx.log, 'registry: sales: sweep');

  return {
    stock: (p: Principal, input: StockInput) => stock(ctx, p, input),
    reprice: (p: Principal, input: RepriceInput) => reprice(ctx, p, input),
    getPriceRules: (p: Principal, input: RegistrarRef = {}) => getPriceRules(ctx, p, input),
    setPriceRules: (p: Principal, input: SetPriceRulesInput) => setPriceRules(ctx, p, input),
    search: (p: Principal, input: SearchInput) => search(ctx, p, input),
    reserve: (p: Principal, input: ReserveInput) => reserve(ctx, p, input, ttl),
    async pay(p: Principal, input: PayInput): Promise<PayResult> {
      const r = await pay(ctx, p, input);
      if (opts.onPaid)
        await opts
          .onPaid(r)
          .catch((err: unknown) =>
            ctx.log.warn({ err, orderId: r.order.id }, 'registry: sales: pay: the ledger hook failed'),
          );
      return r;
    },
    cancel: (p: Principal, input: OrderRef) => cancel(ctx, p, input),
    /** Holds a reserved order's number longer (a bank transfer); never revives an expired one. */
    extend: (p: Principal, input: ExtendInput) => extend(ctx, p, input),
    assign: (p: Principal, input: AssignInput) => assign(ctx, p, input),
    /** A PIN's proof of ownership: the registrar's evidence, the center's confirmation, the approval. */
    recordEvidence: (p: Principal, input: RecordEvidenceInput) => recordEvidence(ctx, p, input),
    confirmCode: (p: Principal, input: ConfirmCodeInput) => confirmCode(ctx, p, input),
    approve: (p: Principal, input: ApproveInput) => approve(ctx, p, input),
    /** Rejects it: the order cancelled, its payment due for refund, the number back in stock. */
    async reject(p: Principal, input: RejectInput) {
      const r = await reject(ctx, p, input);
      if (opts.onRejected)
        await opts
          .onRejected(r.order)
          .catch((err: unknown) =>
            ctx.log.warn({ err, orderId: r.order.id }, 'registry: sales: reject: the ledger hook failed'),
          );
      return r;
    },
    release: (p: Principal, input: NumberRefInput) => release(ctx, p, input),
    getOrder: (p: Principal, input: OrderRef) => getOrder(ctx, p, input),
    listOrders: (p: Principal, input: ListOrdersInput = {}) => listOrders(ctx, p, input),
    getNumber: (p: Principal, input: NumberRefInput) => getNumber(ctx, p, input),
    listInventory: (p: Principal, input: ListInventoryInput = {}) => listInventory(ctx, p, input),
    /** One pass of the sweep (expired reservations, half-done sales and releases). */
    sweep: run,
    /** Writes the search grams of numbers stocked before they existed (once; docs/web.md, "Performance"). */
    indexGrams: () => indexGrams(ctx),
    /** Runs sweep() every intervalMs until stop(); writes missing search grams once, in the background. */
    startSweeper(intervalMs = 5_000): void {
      sweeper.start(intervalMs);
      void indexGrams(ctx).catch((err: unknown) =>
        ctx.log.warn(
          { err },
          'registry: sales: writing the search grams failed; searches walk the digits index',
        ),
      );
    },
    stop(): void {
      sweeper.stop();
    },
  };
}
