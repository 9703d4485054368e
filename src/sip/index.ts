// The SIP redirect server (docs/sip.md): a core without I/O, resolution through DNS, the
// builtin UDP/TCP transport and the drachtio-server adapter.
export type { SipMessage } from './message.ts';
export { parseSipMessage, parseUri, SipParseError } from './message.ts';
export type {
  CallerIdentity,
  RedirectDecision,
  RedirectorDeps,
  RegisterFn,
  ResolveFn,
} from './redirector.ts';
export { ALLOW, callerOf, createRedirector } from './redirector.ts';
export { ha1 } from './register/digest.ts';
export type { BindingStore, CredentialStore, RegistrarDeps, SipAccount } from './register/registrar.ts';
export { aorKey, aorKeys, createRegistrar, identityKey } from './register/registrar.ts';
export {
  cachedBindingSource,
  memberIdentities,
  registryBindings,
  registryCredentials,
} from './register/stores.ts';
export type { QueryStep } from './resolve/lookup.ts';
export { decisionJson } from './resolve/present.ts';
export type { BindingSource, Decision, ResolutionDeps, ResolvedContact } from './resolve/resolver.ts';
export { CID_PARAM, createResolution } from './resolve/resolver.ts';
export type {
  ResolverHandle,
  SipConfig,
  SipLimits,
  SipService,
  SipServiceDeps,
  SipStats,
} from './service.ts';
export { createResolver, createSipService, DEFAULT_LIMITS } from './service.ts';
export type { Redirector, RequestContext, SipResponseSpec } from './types.ts';
