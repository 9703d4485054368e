// The fee system on one store for the integration suites (run on the embedded store and on
// MongoDB/FerretDB): billing, sales (with the ledger hook) and members over a real journal and
// publisher, a clock the test moves, and what DNS would see (the journal folded as a DNS node does).
// Sales run as in production: a paid PIN waits for its proof of ownership (`approvePin`), and
// both services know the same call centers.
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { type BillingDeps, createBilling } from '../../src/registry/billing/index.ts';
import { createSales } from '../../src/registry/sales/index.ts';
import { REALM, REG_A, servicesOn } from '../helpers/sales.ts';
import type { StoreSpec } from '../registry/fixtures/open.ts';

export interface OpenedStore {
  store: Store;
  spec: StoreSpec;
  close(): Promise<void>;
}
export type StoreOpener = () => Promise<OpenedStore>;

export type BillingHarnessOptions = Pick<BillingDeps, 'ledger' | 'config'>;

export async function billingOn(store: Store, opts: BillingHarnessOptions = {}) {
  const s = await servicesOn(store);
  const billing = createBilling({
    store,
    publisher: s.publisher,
    logger: silentLogger,
    clock: s.clock,
    apex: REALM,
    closingGraceMs: 0,
    ...opts,
    config: { closeAfterHours: 0, ...opts.config },
  });
  const sales = createSales({
    store,
    publisher: s.publisher,
    logger: silentLogger,
    clock: s.clock,
    reservationTtlMs: 60_000,
    settleMs: 1_000,
    centers: s.centers,
    onPaid: billing.onPaid,
    onRejected: billing.onRejected,
  });
  await billing.tokens.load();
  return { ...s, sales, billing };
}

export type BillingHarness = Awaited<ReturnType<typeof billingOn>> & { spec: StoreSpec };

/** A paid PIN's proof of ownership as its registrar gives it: a letter of authorisation, then approval. */
export async function approvePin(h: Pick<BillingHarness, 'sales'>, orderId: string, p = REG_A) {
  await h.sales.recordEvidence(p, { orderId, method: 'loa', reference: `LOA-${orderId}` });
  return h.sales.approve(p, { orderId });
}

export function harnessFactory(open: StoreOpener) {
  const opened: OpenedStore[] = [];
  return {
    async fresh(opts: BillingHarnessOptions = {}): Promise<BillingHarness> {
      const h = await open();
      opened.push(h);
      return { ...(await billingOn(h.store, opts)), spec: h.spec };
    },
    async closeAll(): Promise<void> {
      for (const h of opened.splice(0)) await h.close();
    },
  };
}
