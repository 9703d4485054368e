// What each registry document publishes in DNS (docs/design.md, "DNS name space"): pure functions from
// documents to RRsets, behind one derivation (derivation.ts) that every process builds once from
// its configuration. The registry's publisher appends what it derives to the change journal and
// stores it with the document; DNS nodes load that and apply journal entries afterwards.

export type { PublishContext } from './context.ts';
export { DEFAULT_TTL, publishContext } from './context.ts';
export type { AggregateDerivation, Contribution, Derivation, Derive } from './derivation.ts';
export {
  aggregateOf,
  createDerivation,
  DERIVATION_VERSION,
  derivationFor,
  LEGACY_DERIVATION,
  sameContribution,
} from './derivation.ts';
export { centerCountryOfBranch, centerCountryOfNumber, countryOfNumber, SUSPENDED_TXT } from './member.ts';
export { naptrRdata, quoted, terminal } from './naptr.ts';
export type { Route } from './routes.ts';
export { deriveRouteTree } from './routes.ts';
