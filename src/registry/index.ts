// The registry: the two stores, the schema, the change journal, the publisher and the services
// written on them (docs/registry.md).
import type { Config, Logger, Store } from '#core';
import { SCHEMA } from './schema.ts';
import { createEmbeddedStore } from './stores/embedded/index.ts';
import { createMongoStore } from './stores/mongo.ts';

export * from './journal.ts';
export * from './publisher.ts';
export { PUBLISHED_COLLECTIONS, SCHEMA } from './schema.ts';
export { createEmbeddedStore, EmbeddedStore, type EmbeddedStoreOptions } from './stores/embedded/index.ts';
export { createMongoStore, MongoStore, type MongoStoreOptions, redactUri } from './stores/mongo.ts';

export type StoreConfig = Pick<Config, 'dataDir' | 'mongodbUri' | 'mongodbDb'>;

/**
 * Opens the store the configuration names: MongoDB when MONGODB_URI is set, else the embedded
 * store in CALLX_DATA_DIR. Creates the schema's collections and indexes. Rejects with
 * StoreUnavailableError (one line, with where) when the store cannot be reached or opened.
 */
export async function openStore(config: StoreConfig, logger: Logger): Promise<Store> {
  const log = logger.child({ component: 'registry' });
  const store: Store = config.mongodbUri
    ? await createMongoStore({ uri: config.mongodbUri, dbName: config.mongodbDb, logger: log })
    : createEmbeddedStore({ dataDir: config.dataDir, logger: log });
  try {
    await store.ensureSchema(SCHEMA);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  log.info({ kind: store.kind }, 'registry: store open');
  return store;
}
export type {
  Authenticated,
  AuthService,
  CreatedToken,
  TokenInfo,
  TokenTarget,
} from './auth/index.ts';
export { createAuthService, RegistrarInput, TokenId, TokenInput } from './auth/index.ts';
// The fee system (docs/billing.md).
export type { BillingConfig, BillingDeps, BillingService } from './billing/index.ts';
export * as billing from './billing/index.ts';
export { createBilling, DEFAULT_BILLING } from './billing/index.ts';
export { applyRetention } from './journal-retention.ts';
// The services and their kernel (docs/registry.md, "Services").
export * from './kernel/index.ts';
export type { MembersService } from './members/index.ts';
export { createMembers } from './members/index.ts';
export {
  ListMembersInput,
  MemberChange,
  MemberRef,
  RegisterMemberInput,
  SetBranchesInput,
  SetSipCredentialsInput,
  UpdateMemberInput,
} from './members/schemas.ts';
export { lookupSipAccount } from './members/sip.ts';
export type { MemberView } from './members/views.ts';
export type { CountryService, RouteService, RoutingService } from './routing/index.ts';
export {
  CarrierInput,
  CarrierPatch,
  CenterTarget,
  CountryInput,
  CountryKey,
  CountryPatch,
  createRoutingService,
  GatewayInput,
  GatewayPatch,
} from './routing/index.ts';
export type { SalesService } from './sales/index.ts';
export { createSales } from './sales/index.ts';
export type { PriceRulesView } from './sales/rules.ts';
export {
  AssignInput,
  InventoryStatus,
  ListInventoryInput,
  ListOrdersInput,
  NumberRefInput,
  OrderRef,
  OrderStatus,
  PayInput,
  PriceRulesValues,
  RegistrarRef,
  RepriceInput,
  ReserveInput,
  SearchInput,
  SetPriceRulesInput,
  StockInput,
} from './sales/schemas.ts';
export type { NumberOffer, NumberView, OrderView } from './sales/views.ts';
export { NumberText } from './sales/zod.ts';
export type { ZoneRef, ZoneService } from './zones/index.ts';
export {
  ContentRecord,
  createZoneService,
  NaptrRecord,
  naptrFields,
  RRsetChange,
  RRsetPatch,
  RRsetQuery,
  ZoneApex,
  ZoneInput,
  ZonePatch,
} from './zones/index.ts';
