// The in-memory zone model's data types (docs/dns.md, "Zone model").
import type { Labels, Rdata } from '#wire';
import type { RRsetList } from './rrsets.ts';

/** One RRset as served: every record shares type and TTL (RFC 2181 §5.2); its node is the owner. */
export interface RRset {
  type: number;
  ttl: number;
  rdatas: Rdata[];
  /**
   * The registry source that alone provides this RRset, when no other layer feeds its
   * owner+type (then the zone keeps no slot for it); null for master-file data and for data
   * merged from several layers (docs/dns.md, "Zone model").
   */
  src: string | null;
}

/** One record, as listed in a change step (IXFR) or an export. */
export interface RR {
  owner: Labels;
  type: number;
  ttl: number;
  rdata: Rdata;
}

/**
 * A name in a zone. A node without RRsets that still has children is an empty non-terminal.
 * `version` changes whenever the node's data changes or the node leaves the tree, which is
 * what cached answers check (cache/).
 */
export interface Node {
  key: string;
  /** The owner name (built from the parent chain on demand: not stored per node). */
  readonly labels: Labels;
  readonly rrsets: RRsetList;
  children: number;
  version: number;
  parent: Node | null;
  /** Removed from its zone: cached answers that used it are stale. */
  dead: boolean;
}

/** Data for one owner+type from one layer: the file, an HTTP override, or a registry source. */
export interface RRsetData {
  ttl: number;
  rdatas: Rdata[];
}

/**
 * Every layer that contributes to one owner+type of a zone. Owner+types fed by one layer alone
 * (the file, or one registry source, named by the RRset's `src`) have no slot: their data is
 * the node's RRset (nearly all of a big zone; it saves memory).
 */
export interface Slot {
  type: number;
  file?: RRsetData;
  /** Set over HTTP: replaces file and registry data; null = deleted (stays deleted). */
  override?: RRsetData | null;
  /** Registry sources ("members/m_42") and what each publishes here (created when needed). */
  sources?: Map<string, RRsetData>;
}

/** The records removed and added between two serials (the IXFR difference sequence). */
export interface ChangeStep {
  from: number;
  to: number;
  removed: RR[];
  added: RR[];
}

/** An RRset with its owner name (exports, transfers). */
export interface OwnedRRset extends RRset {
  owner: Labels;
}
