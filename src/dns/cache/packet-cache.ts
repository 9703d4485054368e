// A cache of encoded responses keyed by (question section with the name lower-cased, EDNS mode). A hit copies
// the bytes and patches ID, RD/CD and the question (the client's case). Entries carry what
// they depend on (resolve.ts Deps) and are checked on every hit, so a zone change makes
// exactly the affected answers stale without a flush.
//
// The key is a hash of the question computed while parsing it (no string is built per query);
// a hit compares the question octets with the cached ones, so a hash collision is a miss, never
// a wrong answer.
//
// Bounded in entries and in bytes (docs/dns.md, "Limits"). Each entry keeps an exact copy of
// its answer as a latin1 string: the encoder's buffer is a slice of Node's shared 8 KiB pool,
// and a cached slice kept its whole slab alive (that, times every distinct junk question of a
// fuzz run, is what grew the server by ~90 MB). Answers only junk can ask for are not cached at
// all: REFUSED (no zone of ours) and other errors, and negative answers for names no host can
// have.
import { latin1Slice, RCODE } from '#wire';
import type { Deps } from '../answer/resolve.ts';
import type { Node } from '../model/types.ts';
import type { ModelGeneration, Zone } from '../model/zone.ts';
import type { ZoneSet } from '../model/zoneset.ts';
import { LOWER, type QuestionView } from '../server/query.ts';

export interface CacheEntry {
  /**
   * The response as a latin1 string (one octet per character): its question is [12, qEnd), the
   * name ending at nameEnd. A string lives in V8's heap at 16 octets of overhead; a Buffer of
   * its own costs ~450 more (ArrayBuffer, backing store, malloc), a slice of the shared pool
   * keeps a whole 8 KiB slab alive.
   */
  wire: string;
  /** What the entry costs, as counted against the byte bound. */
  cost: number;
  nameEnd: number;
  qEnd: number;
  /** The model's change counter when made: unchanged means nothing changed anywhere in it. */
  model: ModelGeneration;
  modelGen: number;
  zonesGen: number;
  zone: Zone | null;
  cutsGen: number;
  /** -1 when the answer does not depend on it. */
  structGen: number;
  gen: number;
  nodes: Node[];
  versions: number[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  stale: number;
  size: number;
  /** Bytes counted against the bound (answers plus a fixed estimate per entry). */
  bytes: number;
  /** Answers not cached: errors, no zone, negative answers for junk names. */
  uncached: number;
}

/** Default bounds: entries, and bytes (CALLX_DNS_CACHE_BYTES). */
export const CACHE_ENTRIES = 200_000;
export const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * V8 heap one entry takes besides its answer octets (and 16 per node it depends on): the entry
 * object, the string's header, the dependency arrays, the map slot. Measured on the 100,000-
 * number bench zone: 83,600 entries with 164-octet answers took 38 MB of heap, 454 octets each
 * (bench/RESULTS.md, "Packet cache bound").
 */
export const ENTRY_OVERHEAD = 288;

export class PacketCache {
  /** One map per EDNS mode (none, EDNS, EDNS+DO), keyed by the question's hash. */
  private readonly maps = [
    new Map<number, CacheEntry>(),
    new Map<number, CacheEntry>(),
    new Map<number, CacheEntry>(),
  ];
  private readonly max: number;
  private readonly maxBytes: number;
  bytes = 0;
  hits = 0;
  misses = 0;
  stale = 0;
  uncached = 0;

  constructor(maxEntries = CACHE_ENTRIES, maxBytes = CACHE_BYTES) {
    this.max = maxEntries;
    this.maxBytes = maxBytes;
  }

  get size(): number {
    return this.maps[0]!.size + this.maps[1]!.size + this.maps[2]!.size;
  }

  /** A still-valid entry for the question, or undefined (a stale one is dropped). */
  get(q: QuestionView, mode: number, zones: ZoneSet): CacheEntry | undefined {
    const map = this.maps[mode]!;
    const e = map.get(q.hash);
    if (e === undefined || !sameQuestion(e, q)) {
      this.misses++;
      return undefined;
    }
    if (!valid(e, zones)) {
      map.delete(q.hash);
      this.bytes -= e.cost;
      this.stale++;
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e;
  }

  set(q: QuestionView, mode: number, wire: Buffer, zones: ZoneSet, zone: Zone | null, deps: Deps): void {
    if (this.max <= 0) return;
    const rcode = wire[3]! & 0x0f;
    if (
      zone === null ||
      (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) ||
      ((rcode === RCODE.NXDOMAIN || wire.readUInt16BE(6) === 0) && junkName(q))
    ) {
      this.uncached++;
      return;
    }
    const cost = wire.length + ENTRY_OVERHEAD + 16 * deps.nodes.length;
    if (cost > this.maxBytes) {
      this.uncached++;
      return;
    }
    const map = this.maps[mode]!;
    const key = q.hash;
    const old = map.get(key);
    if (old !== undefined) {
      map.delete(key);
      this.bytes -= old.cost;
    }
    // FIFO eviction (per mode map first): cheap, and a hot entry comes straight back
    while (this.size >= this.max || this.bytes + cost > this.maxBytes) {
      const victim = map.size > 0 ? map : this.maps.reduce((a, b) => (a.size >= b.size ? a : b));
      const oldest = victim.entries().next().value;
      if (oldest === undefined) break;
      victim.delete(oldest[0]);
      this.bytes -= oldest[1].cost;
    }
    this.bytes += cost;
    map.set(key, {
      wire: latin1Slice(wire, 0, wire.length),
      cost,
      nameEnd: q.nameEnd,
      qEnd: q.qEnd,
      model: zones.model,
      modelGen: zones.model.gen,
      zonesGen: zones.zonesGen,
      zone,
      cutsGen: zone?.cutsGen ?? 0,
      structGen: deps.struct && zone ? zone.structGen : -1,
      gen: deps.gen && zone ? zone.gen : -1,
      nodes: deps.nodes,
      versions: deps.versions,
    });
  }

  clear(): void {
    for (const m of this.maps) m.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      stale: this.stale,
      size: this.size,
      bytes: this.bytes,
      uncached: this.uncached,
    };
  }
}

/**
 * Octets a host name may hold (letters, digits, '-', '_' of SRV/NAPTR owners, '*'): a question
 * with any other is junk (fuzzing, random-subdomain floods), and its negative answer is not kept.
 */
const HOSTLIKE = new Uint8Array(256).map((_v, c) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95 || c === 42
    ? 1
    : 0,
);

function junkName(q: QuestionView): boolean {
  const b = q.buf;
  for (let p = 12, len = b[p]!; len !== 0; p += len + 1, len = b[p]!)
    for (let i = p + 1; i <= p + len; i++) if (HOSTLIKE[b[i]!] === 0) return true;
  return false;
}

/** The same question: the name equal ignoring case, type and class equal. */
function sameQuestion(e: CacheEntry, q: QuestionView): boolean {
  if (e.qEnd !== q.qEnd || e.nameEnd !== q.nameEnd) return false;
  const a = e.wire;
  const b = q.buf;
  for (let i = 12; i < q.nameEnd; i++) if (LOWER[a.charCodeAt(i)] !== LOWER[b[i]!]) return false;
  for (let i = q.nameEnd; i < q.qEnd; i++) if (a.charCodeAt(i) !== b[i]) return false;
  return true;
}

function valid(e: CacheEntry, zones: ZoneSet): boolean {
  const m = zones.model;
  if (e.model !== m) return false; // made for another model (swapped by a reload)
  if (e.modelGen === m.gen) return true;
  if (e.zonesGen !== zones.zonesGen) return false;
  const z = e.zone;
  if (!z) return true;
  if (e.cutsGen !== z.cutsGen) return false;
  if (e.gen >= 0 && e.gen !== z.gen) return false;
  if (e.structGen >= 0 && e.structGen !== z.structGen) return false;
  const nodes = e.nodes;
  for (let i = 0; i < nodes.length; i++) if (nodes[i]!.version !== e.versions[i]) return false;
  return true;
}
