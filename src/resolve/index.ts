// ENUM resolution through DNS (docs/sip.md, "Resolution"): what the redirector, `callx resolve`,
// GET /v1/resolve and the number pages decide with.

export type { DnsCache } from './cache.ts';
export { createDnsCache } from './cache.ts';
export { dnsCenters } from './centers.ts';
export { escapeHeaderValue, withEscapedUriHeader } from './contact.ts';
export {
  createResolver,
  DEFAULT_RESOLVE_LIMITS,
  type LookupObserver,
  type ResolveLimits,
  type ResolverConfig,
  type ResolverHandle,
} from './create.ts';
export type { DnsClient } from './dns-client.ts';
export { createDnsClient } from './dns-client.ts';
export type { EmergencyDial } from './emergency.ts';
export { emergencyDial, emergencyOwner, emergencyRegions, isEmergencyNumber } from './emergency.ts';
export type { QueryStep } from './lookup.ts';
export { SAFE_URI } from './naptr.ts';
export { decisionJson } from './present.ts';
export { createResolution } from './resolver.ts';
export type {
  BindingSource,
  CallerInput,
  Decision,
  PageDecision,
  Resolution,
  ResolutionDeps,
  ResolvedContact,
  Route,
  Verdict,
} from './types.ts';
export { CID_PARAM } from './types.ts';
