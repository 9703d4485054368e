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
export type { ServiceErrorCode } from './auth/errors.ts';
export { ServiceError } from './auth/errors.ts';
export type { Authenticated, AuthService, CreatedToken, Page } from './auth/index.ts';
export { createAuthService, REGISTRAR_ID } from './auth/index.ts';
export type { PageRequest } from './auth/paging.ts';
export type { Principal } from './auth/principal.ts';
export { ADMIN } from './auth/principal.ts';
export { applyRetention } from './journal-retention.ts';
export type { MembersService } from './members/index.ts';
export { createMembers } from './members/index.ts';
export {
  RegisterMemberInput,
  SetBranchesInput,
  SetSipCredentialsInput,
  UpdateMemberInput,
} from './members/schemas.ts';
export { lookupSipAccount } from './members/sip.ts';
export type { MemberView } from './members/views.ts';
export type { RoutingService } from './routing/index.ts';
export { createRoutingService } from './routing/index.ts';
export { DEFAULT_PAGE, MAX_PAGE } from './sales/cursor.ts';
export type { DomainErrorCode, InputIssue } from './sales/errors.ts';
export { DomainError, issuesOf } from './sales/errors.ts';
export type { SalesService } from './sales/index.ts';
export { createSales } from './sales/index.ts';
export {
  AssignInput,
  PayInput,
  PriceRulesValues,
  RepriceInput,
  ReserveInput,
  StockInput,
} from './sales/schemas.ts';
export type { NumberView, OrderView } from './sales/views.ts';
export type { ZoneRef, ZoneService } from './zones/index.ts';
export { createZoneService } from './zones/index.ts';
export type { RecordInput } from './zones/records.ts';
export { naptrFields } from './zones/records.ts';
export type { RRsetChange } from './zones/rrsets.ts';
