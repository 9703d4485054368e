// A cache of encoded responses keyed by (question section with the name lower-cased, EDNS mode). A hit copies
// the bytes and patches ID, RD/CD and the question (the client's case). Entries carry what
// they depend on (resolve.ts Deps) and are checked on every hit, so a zone change makes
// exactly the affected answers stale without a flush.
//
// The key is a hash of the question computed while parsing it (no string is built per query);
// a hit compares the question octets with the cached ones, so a hash collision is a miss, never
// a wrong answer.
import type { Deps } from '../answer/resolve.ts';
import type { Node } from '../model/types.ts';
import type { ModelGeneration, Zone } from '../model/zone.ts';
import type { ZoneSet } from '../model/zoneset.ts';
import { LOWER, type QuestionView } from '../server/query.ts';

export interface CacheEntry {
  /** The response; its question is [12, qEnd), the name ending at nameEnd. */
  wire: Buffer;
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
}

export class PacketCache {
  /** One map per EDNS mode (none, EDNS, EDNS+DO), keyed by the question's hash. */
  private readonly maps = [
    new Map<number, CacheEntry>(),
    new Map<number, CacheEntry>(),
    new Map<number, CacheEntry>(),
  ];
  private readonly max: number;
  hits = 0;
  misses = 0;
  stale = 0;

  constructor(maxEntries = 200_000) {
    this.max = maxEntries;
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
      this.stale++;
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e;
  }

  set(q: QuestionView, mode: number, wire: Buffer, zones: ZoneSet, zone: Zone | null, deps: Deps): void {
    if (this.max <= 0) return;
    const map = this.maps[mode]!;
    const key = q.hash;
    if (this.size >= this.max && !map.has(key)) {
      // FIFO eviction (per mode map): cheap, and a hot entry comes straight back
      const victim = map.size > 0 ? map : this.maps.reduce((a, b) => (a.size >= b.size ? a : b));
      const oldest = victim.keys().next().value;
      if (oldest !== undefined) victim.delete(oldest);
    }
    map.set(key, {
      wire,
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
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, stale: this.stale, size: this.size };
  }
}

/** The same question: the name equal ignoring case, type and class equal. */
function sameQuestion(e: CacheEntry, q: QuestionView): boolean {
  if (e.qEnd !== q.qEnd || e.nameEnd !== q.nameEnd) return false;
  const a = e.wire;
  const b = q.buf;
  for (let i = 12; i < q.nameEnd; i++) if (LOWER[a[i]!] !== LOWER[b[i]!]) return false;
  for (let i = q.nameEnd; i < q.qEnd; i++) if (a[i] !== b[i]) return false;
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
