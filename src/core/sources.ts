// The sources of the change journal: what each entry (and each tombstone) is about. The journal
// stores them as strings — 'members/m_1', 'zones/acme.example',
// 'rrsets/acme.example|www.acme.example|A', 'routing/pstn', 'journal/gap' — and that form is
// kept for the data already stored. This module is the only place that writes (formatSource)
// or reads (parseSource) it: writers build a Source, readers switch on its kind.
// docs/registry.md, "Change journal".

/** The routing trees published as one source each, from every document of a collection. */
export const AGGREGATE_TREES = ['pstn', 'carriers'] as const;
export type AggregateTree = (typeof AGGREGATE_TREES)[number];

/** A registry document other than a zone or a record set: '<collection>/<id>' (members, countries). */
export interface DocumentSource {
  kind: 'document';
  collection: string;
  id: string;
}

/** A zone created over HTTP: 'zones/<apex>' (the `zones` document whose `_id` is the apex). */
export interface ZoneSource {
  kind: 'zone';
  apex: string;
}

/** A record set set over HTTP: 'rrsets/<zone>|<name>|<type>' (the `rrsets` document's `_id`). */
export interface RRsetSource {
  kind: 'rrset';
  zone: string;
  name: string;
  type: string;
}

/** A routing tree derived from all documents of a collection: 'routing/<tree>'. */
export interface AggregateSource {
  kind: 'aggregate';
  tree: AggregateTree;
}

/** A sequence number a reader closed because its writer never completed: 'journal/gap'. */
export interface GapSource {
  kind: 'gap';
}

/** A string this version does not know (a newer writer's kind, or damaged data), kept as is. */
export interface UnknownSource {
  kind: 'unknown';
  text: string;
}

export type Source = DocumentSource | ZoneSource | RRsetSource | AggregateSource | GapSource | UnknownSource;

/** The collections whose documents have sources of their own kind. */
const ZONES = 'zones';
const RRSETS = 'rrsets';
const ROUTING = 'routing';
const JOURNAL = 'journal';

export function formatSource(s: Source): string {
  switch (s.kind) {
    case 'document':
      return `${s.collection}/${s.id}`;
    case 'zone':
      return `${ZONES}/${s.apex}`;
    case 'rrset':
      return `${RRSETS}/${s.zone}|${s.name}|${s.type}`;
    case 'aggregate':
      return `${ROUTING}/${s.tree}`;
    case 'gap':
      return `${JOURNAL}/gap`;
    case 'unknown':
      return s.text;
  }
}

/** The source of an entry or tombstone; total: a string it cannot read is `unknown`, never an error. */
export function parseSource(text: string): Source {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return { kind: 'unknown', text };
  const head = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  switch (head) {
    case ZONES:
      return { kind: 'zone', apex: rest };
    case RRSETS:
      return rrsetSource(rest) ?? { kind: 'unknown', text };
    case ROUTING:
      return (AGGREGATE_TREES as readonly string[]).includes(rest)
        ? { kind: 'aggregate', tree: rest as AggregateTree }
        : { kind: 'unknown', text };
    case JOURNAL:
      return rest === 'gap' ? { kind: 'gap' } : { kind: 'unknown', text };
    default:
      return { kind: 'document', collection: head, id: rest };
  }
}

/** 'zone|name|type' (an `rrsets` document's `_id`): the zone before the first bar, the type after the last. */
function rrsetSource(id: string): RRsetSource | null {
  const first = id.indexOf('|');
  const last = id.lastIndexOf('|');
  if (first <= 0 || last === first || last === id.length - 1) return null;
  return {
    kind: 'rrset',
    zone: id.slice(0, first),
    name: id.slice(first + 1, last),
    type: id.slice(last + 1),
  };
}

/** The source of a registry document, by collection: zones and record sets have their own kinds. */
export function documentSource(collection: string, id: string | number): Source {
  const text = String(id);
  if (collection === ZONES) return { kind: 'zone', apex: text };
  if (collection === RRSETS) return rrsetSource(text) ?? { kind: 'unknown', text: `${RRSETS}/${text}` };
  return { kind: 'document', collection, id: text };
}

export const aggregateSource = (tree: AggregateTree): AggregateSource => ({ kind: 'aggregate', tree });

export const GAP: GapSource = { kind: 'gap' };
/** The stored form of the gap source (what readers write when they close a gap). */
export const GAP_SOURCE = formatSource(GAP);
