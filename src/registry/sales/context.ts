// What the sales and members services run on: the store's collections, the publisher (the one
// way to change members, which DNS shows), a clock and a logger.
import type { Logger } from '#core';
import {
  type Claim,
  type Clock,
  COLLECTIONS,
  type Collection,
  type InventoryNumber,
  type Member,
  type Order,
  type PaymentRecord,
  type PriceRules,
  type Store,
  systemClock,
} from '#core';
import type { Publisher } from '../publisher.ts';
import { type CenterCheck, registryCenters } from '../routing/centers.ts';
import type { NumberGram } from './grams.ts';

export interface ServiceDeps {
  store: Store;
  /** createPublisher(...) over the same store: member writes are journaled through it. */
  publisher: Publisher;
  logger: Logger;
  clock?: Clock;
  /**
   * Which countries have a call center calls can reach (members, branches and numbers are
   * refused elsewhere). Default: the registry's countries; `callx serve` adds DNS.
   */
  centers?: CenterCheck;
  /**
   * A PIN is published only after proof that its buyer holds the line; default true
   * (docs/sales.md, "Proof of ownership"). False only where every PIN is known to be its buyer's (tests of
   * other things, closed trials).
   */
  verifyPins?: boolean;
}

export interface ServiceContext {
  store: Store;
  publisher: Publisher;
  clock: Clock;
  log: Logger;
  centers: CenterCheck;
  verifyPins: boolean;
  numbers: Collection<InventoryNumber>;
  numberGrams: Collection<NumberGram>;
  orders: Collection<Order>;
  payments: Collection<PaymentRecord>;
  members: Collection<Member>;
  claims: Collection<Claim>;
  priceRules: Collection<PriceRules>;
}

export function serviceContext(deps: ServiceDeps, component: string): ServiceContext {
  const { store } = deps;
  return {
    store,
    publisher: deps.publisher,
    clock: deps.clock ?? systemClock,
    log: deps.logger.child({ component }),
    centers: deps.centers ?? registryCenters(store),
    verifyPins: deps.verifyPins ?? true,
    numbers: store.collection<InventoryNumber>(COLLECTIONS.numbers),
    numberGrams: store.collection<NumberGram>(COLLECTIONS.numberGrams),
    orders: store.collection<Order>(COLLECTIONS.orders),
    payments: store.collection<PaymentRecord>(COLLECTIONS.payments),
    members: store.collection<Member>(COLLECTIONS.members),
    claims: store.collection<Claim>(COLLECTIONS.claims),
    priceRules: store.collection<PriceRules>(COLLECTIONS.priceRules),
  };
}
