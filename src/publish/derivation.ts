// The derivation: the one place that says what the registry publishes in DNS. Built once per
// process from the configuration (`derivationFor(config)`) and handed to the publisher (API and
// writer processes), to DNS nodes and to `callx zone export`; nothing else derives records.
//
// Its `version` is stamped on everything it computes (journal entries, the contribution the
// publisher stores with each document), so that a process running other derivation code can
// tell what it may derive itself and what it must take as written (docs/registry.md,
// "Derivation versions").
import type {
  Config,
  Country,
  Member,
  PartnerCarrier,
  PstnGateway,
  PublishedRRset,
  RRsetDoc,
  ZoneDoc,
} from '#core';
import { type AggregateSource, aggregateSource, COLLECTIONS } from '#core';
import { deriveCountry } from './center.ts';
import { type PublishContext, publishContext } from './context.ts';
import { deriveMember } from './member.ts';
import { deriveCarrierTree, derivePstnTree } from './routes.ts';
import { deriveRRset, deriveZone } from './zone.ts';

/**
 * 2: numbers suspended for unpaid rent publish a TXT marker instead of their NAPTRs.
 *
 * Bump whenever the records derived from some document or aggregate change (a new record type,
 * another TTL, another NAPTR order, a new kind of document): then `callx registry republish`
 * brings every published source to the new output, and DNS nodes never mix two outputs under
 * one serial. A change that derives exactly the same records for every input keeps it.
 *
 * 2: a PIN's center is its own country's (or the member's chosen one), branches sharing a calling
 *    code share one RRset, companies publish E2U+web/E2U+email at their branches and their
 *    address in the email tree, routing trees carry routes only (DNS nodes add the fillers over
 *    every source: docs/dns.md, "Routing fillers").
 * 3: numbers suspended for unpaid rent publish a TXT marker instead of their NAPTRs
 *    (docs/billing.md, "Number rental").
 */
export const DERIVATION_VERSION = 3;

/**
 * What documents published before derivations had versions were derived with: the code of
 * version 1 derives exactly what they published. Only a process of this version may derive
 * such documents itself (docs/dns.md, "Registry feed").
 */
export const LEGACY_DERIVATION = 1;

/** What one source publishes: its whole set of RRsets, and for a deleted zone its apex. */
export interface Contribution {
  rrsets: PublishedRRset[];
  /** The zone this source announces as deleted (a `zones` document with `deleted`). */
  deletedZone?: string;
}

/** Per-document derivation: what one registry document publishes. */
export type Derive = (collection: string, doc: unknown) => Contribution;

/**
 * A source computed from every document of a collection at once: the routing trees, whose
 * longest-prefix fillers depend on all routes (src/publish/routes.ts).
 */
export interface AggregateDerivation {
  /** The collection whose documents it is derived from. */
  collection: string;
  source: AggregateSource;
  derive(docs: readonly unknown[]): PublishedRRset[];
}

export interface Derivation {
  /** DERIVATION_VERSION of the code that built it (tests build others). */
  readonly version: number;
  readonly context: PublishContext;
  /** What a document publishes (a document being removed publishes nothing: the publisher's rule). */
  readonly derive: Derive;
  readonly aggregates: readonly AggregateDerivation[];
}

/** The derivation of this code for one deployment. */
export function createDerivation(ctx: PublishContext): Derivation {
  const derive: Derive = (collection, doc) => {
    switch (collection) {
      case COLLECTIONS.members:
        return { rrsets: deriveMember(doc as Member, ctx) };
      case COLLECTIONS.countries:
        return { rrsets: deriveCountry(doc as Country, ctx) };
      case COLLECTIONS.zones: {
        const z = doc as ZoneDoc;
        return z.deleted ? { rrsets: [], deletedZone: z._id } : { rrsets: deriveZone(z) };
      }
      case COLLECTIONS.rrsets:
        return { rrsets: deriveRRset(doc as RRsetDoc) };
      default:
        // gateways and carriers publish through their aggregates; anything else publishes nothing
        return { rrsets: [] };
    }
  };
  return {
    version: DERIVATION_VERSION,
    context: ctx,
    derive,
    aggregates: [
      {
        collection: COLLECTIONS.gateways,
        source: aggregateSource('pstn'),
        derive: (docs) => derivePstnTree(docs as PstnGateway[], ctx),
      },
      {
        collection: COLLECTIONS.carriers,
        source: aggregateSource('carriers'),
        derive: (docs) => deriveCarrierTree(docs as PartnerCarrier[], ctx),
      },
    ],
  };
}

/** The process's derivation, from its configuration: build it once and pass it on. */
export function derivationFor(config: Pick<Config, 'apex'>): Derivation {
  return createDerivation(publishContext(config.apex));
}

/** The aggregate derived from `collection`'s documents, if any. */
export function aggregateOf(d: Derivation, collection: string): AggregateDerivation | undefined {
  return d.aggregates.find((a) => a.collection === collection);
}

/** Two contributions publish the same records (same RRsets in the same order, same deleted zone). */
export function sameContribution(a: Contribution, b: Contribution): boolean {
  if ((a.deletedZone ?? null) !== (b.deletedZone ?? null) || a.rrsets.length !== b.rrsets.length)
    return false;
  for (let i = 0; i < a.rrsets.length; i++) {
    const x = a.rrsets[i]!;
    const y = b.rrsets[i]!;
    if (x.name !== y.name || x.type !== y.type || x.ttl !== y.ttl || x.rdata.length !== y.rdata.length)
      return false;
    for (let j = 0; j < x.rdata.length; j++) if (x.rdata[j] !== y.rdata[j]) return false;
  }
  return true;
}
