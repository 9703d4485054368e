// What one registry source publishes, kept compactly: a million members are a million sources
// (docs/dns.md, "Zone model"). Each published RRset is one object that is at once the source's
// record of what it placed and, while the source is the only layer of that owner+type, the
// node's RRset as served. Records that are kept as wire octets (NAPTR, A, TXT, ...: nearly all
// a registry publishes) are joined into one string, which saves an array and an object per record;
// `rdatas` rebuilds them on demand (answers are built once and cached as packets).
import type { Labels } from '#wire';
import { PackedRdata, type Rdata } from '#wire';
import type { RRset } from './types.ts';
import type { Zone } from './zone.ts';

export class SourceRRset implements RRset {
  readonly type: number;
  readonly ttl: number;
  /** The source ('members/m_42'). */
  readonly src: string;
  /** The source's version that published it. */
  readonly version: number;
  readonly key: string;
  /** Null when the name has no upper case: the key gives the labels back. */
  readonly labels: Labels | null;
  /** The most specific zone enclosing the name; null while no zone does. */
  zone: Zone | null;
  /** The source's next RRset (a source's RRsets are a chain, no array). */
  next: SourceRRset | null = null;
  /** The records: each one's wire octets after a 2-octet length when all are packed, else the list. */
  private readonly data: Rdata[] | string;

  constructor(
    src: string,
    version: number,
    key: string,
    labels: Labels | null,
    type: number,
    ttl: number,
    rdatas: Rdata[],
    zone: Zone | null,
  ) {
    this.type = type;
    this.ttl = ttl;
    this.data = rdatas.every((rd) => rd instanceof PackedRdata) ? join(rdatas as PackedRdata[]) : rdatas;
    this.src = src;
    this.version = version;
    this.key = key;
    this.labels = labels;
    this.zone = zone;
  }

  /** A new array each time when the records are joined: read it once per use. */
  get rdatas(): Rdata[] {
    const d = this.data;
    return typeof d === 'string' ? split(this.type, d) : d;
  }

  /** No records (without building them). */
  get empty(): boolean {
    return this.data.length === 0;
  }

  /** True when every record is kept as wire octets (answers can be templates, cache/). */
  get packed(): boolean {
    return typeof this.data === 'string';
  }
}

function join(rds: PackedRdata[]): string {
  const parts: string[] = [];
  for (const rd of rds) parts.push(String.fromCharCode(rd.wire.length >> 8, rd.wire.length & 0xff), rd.wire);
  return parts.join(''); // one flat string (`+=` would keep its pieces)
}

function split(type: number, s: string): Rdata[] {
  const out: Rdata[] = [];
  for (let i = 0; i < s.length; ) {
    const len = (s.charCodeAt(i) << 8) | s.charCodeAt(i + 1);
    out.push(new PackedRdata(type, s.slice(i + 2, i + 2 + len)));
    i += 2 + len;
  }
  return out;
}

/**
 * A source's whole contribution: its first RRset (the rest chained), or only its version when it
 * publishes nothing (a removed member's tombstone costs no object).
 */
export type Contribution = SourceRRset | number;

export function versionOf(c: Contribution): number {
  return typeof c === 'number' ? c : c.version;
}

export function* rrsetsOf(c: Contribution): Generator<SourceRRset> {
  for (let p = typeof c === 'number' ? null : c; p !== null; p = p.next) yield p;
}
