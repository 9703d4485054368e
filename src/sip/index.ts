// The SIP redirect server (docs/sip.md): a core without I/O, resolution through DNS, the
// builtin UDP/TCP transport and the drachtio-server adapter.

export type { SipBilling } from './billing/authorize.ts';
export { ROUTE_TOKEN_HEADER, withRouteToken } from './billing/authorize.ts';
export type { PartySource, PartyTable } from './billing/parties.ts';
export { contactHost, partyOf, registryParties } from './billing/parties.ts';
export type { SipLimits } from './limits.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export type { SipMessage } from './message.ts';
export { parseSipMessage, parseUri, SipParseError } from './message.ts';
export type { Inbound, Reply } from './pipeline.ts';
export { PIPELINE } from './pipeline.ts';
export type {
  CallerIdentity,
  RedirectDecision,
  RedirectorDeps,
  RegisterFn,
  ResolveFn,
} from './redirector.ts';
export { ALLOW, callerOf, createRedirector } from './redirector.ts';
export type { BindingStore, CredentialStore, RegistrarDeps, SipAccount } from './register/registrar.ts';
export { aorKey, aorKeys, createRegistrar, identityKey } from './register/registrar.ts';
export type { BindingHealth } from './register/stores.ts';
export {
  cachedBindingSource,
  memberIdentities,
  NONCE_SECRET_ID,
  registryBindings,
  registryCredentials,
  registryNonceSecret,
} from './register/stores.ts';
export type {
  SipConfig,
  SipHealth,
  SipService,
  SipServiceBilling,
  SipServiceDeps,
  SipStats,
  SipTables,
} from './service.ts';
export { createSipService } from './service.ts';
export type { AnswerObserver, Redirector, RequestContext, SipResponseSpec } from './types.ts';
export { warning } from './warning.ts';
