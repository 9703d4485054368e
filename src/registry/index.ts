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
export {
  type CheckoutService,
  type CheckoutView,
  createCheckout,
  DEFAULT_TRANSFER_HOLD_MS,
  PROVIDERS,
  type ProviderId,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
  type WebhookOutcome,
} from './checkout/index.ts';
export {
  type CallStats,
  CrmQuery,
  type CrmReport,
  type CrmRow,
  type CrmService,
  createCrm,
} from './crm/index.ts';
export { applyRetention } from './journal-retention.ts';
// The services and their kernel (docs/registry.md, "Services").
export * from './kernel/index.ts';
export {
  createLogins,
  createLogMailer,
  createOutbox,
  hashPassword,
  isSecretId,
  LoginEmail,
  type LoginResult,
  type LoginsService,
  type Mailer,
  type MailMessage,
  MIN_PASSWORD,
  newSecretId,
  type Outbox,
  Password,
  type ResetResult,
  StaffChange,
  StaffInput,
  type StaffView,
  sha256hex,
  type ThrottleLimits,
  verifyPassword,
} from './logins/index.ts';
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
export {
  memberIdentityKeys,
  registryBindingSource,
  registryTerminals,
  type TerminalLookup,
} from './members/terminals.ts';
export type { MemberView } from './members/views.ts';
// the web's services (docs/web.md): checkout and payment providers, the CRM, logins and staff, the portal
export { createPortal, type PortalService } from './portal/index.ts';
export { anyCenter, type CenterCheck, registryCenters, requireCenter } from './routing/centers.ts';
export type {
  CountryService,
  PeerKind,
  PeerService,
  PolicyService,
  PolicyView,
  RouteService,
  RoutingService,
  StirCredentials,
  TrustRecords,
} from './routing/index.ts';
export {
  AddressOrCidr,
  CallPolicyInput,
  CarrierInput,
  CarrierPatch,
  CenterTarget,
  CountryInput,
  CountryKey,
  CountryPatch,
  createRoutingService,
  EmergencyGateway,
  GatewayInput,
  GatewayPatch,
  generateStirCredentials,
  loadTrust,
  PEER_KINDS,
  PeerSecretInput,
  PeerTrustInput,
  PolicyScope,
  peerUsername,
  STIR_SECRET_ID,
  stirCredentials,
  stirFromFiles,
} from './routing/index.ts';
export type { SalesService } from './sales/index.ts';
export {
  createSales,
  DEFAULT_RESERVATION_MS,
  ExtendInput,
  MAX_HOLD_MS,
  type Premium,
  premiumsOf,
} from './sales/index.ts';
export type { PriceRulesView } from './sales/rules.ts';
export {
  ApproveInput,
  AssignInput,
  ConfirmCodeInput,
  InventoryStatus,
  ListInventoryInput,
  ListOrdersInput,
  NumberRefInput,
  OrderRef,
  OrderStatus,
  PayInput,
  PriceRulesValues,
  RecordEvidenceInput,
  RegistrarRef,
  RejectInput,
  RepriceInput,
  ReserveInput,
  SearchInput,
  SetPriceRulesInput,
  StockInput,
} from './sales/schemas.ts';
export type { NumberOffer, NumberView, OrderView, VerificationView } from './sales/views.ts';
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
