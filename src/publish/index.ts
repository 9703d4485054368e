// What each registry document publishes in DNS (docs/design.md, "DNS name space"): pure functions from
// documents to RRsets. The registry's publisher appends them to the change journal; DNS nodes
// load them at start and apply journal entries afterwards.

import type { Country, Member, PartnerCarrier, PstnGateway, PublishedRRset, RRsetDoc, ZoneDoc } from '#core';
import { COLLECTIONS } from '#core';
import { deriveCountry } from './center.ts';
import type { PublishContext } from './context.ts';
import { deriveMember } from './member.ts';
import { deriveCarrierTree, derivePstnTree } from './routes.ts';
import { deriveRRset, deriveZone } from './zone.ts';

export type { PublishContext } from './context.ts';
export { DEFAULT_TTL, publishContext } from './context.ts';
export { naptrRdata, quoted, terminal } from './naptr.ts';
export type { Route } from './routes.ts';
export { deriveRouteTree } from './routes.ts';

/** Per-document derivation, the publisher's `derive`. Null (a removed document) publishes nothing. */
export type Derive = (collection: string, doc: unknown | null) => PublishedRRset[];

/**
 * Routing trees depend on every gateway (or carrier) at once, because of the longest-prefix
 * fillers: they are published as one aggregate source each, not per document.
 */
export const AGGREGATES = {
  [COLLECTIONS.gateways]: 'routing/pstn',
  [COLLECTIONS.carriers]: 'routing/carriers',
} as const;

export function createDerive(ctx: PublishContext): Derive {
  return (collection, doc) => {
    if (doc === null) return [];
    switch (collection) {
      case COLLECTIONS.members:
        return deriveMember(doc as Member, ctx);
      case COLLECTIONS.countries:
        return deriveCountry(doc as Country, ctx);
      case COLLECTIONS.zones:
        return deriveZone(doc as ZoneDoc);
      case COLLECTIONS.rrsets:
        return deriveRRset(doc as RRsetDoc);
      default:
        // gateways and carriers: see AGGREGATES; anything else publishes nothing.
        return [];
    }
  };
}

/** The aggregate source of a routing collection, from all its documents. */
export function deriveAggregate(
  collection: keyof typeof AGGREGATES,
  docs: readonly unknown[],
  ctx: PublishContext,
): PublishedRRset[] {
  return collection === COLLECTIONS.gateways
    ? derivePstnTree(docs as PstnGateway[], ctx)
    : deriveCarrierTree(docs as PartnerCarrier[], ctx);
}
