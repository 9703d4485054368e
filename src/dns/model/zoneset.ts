// All zones served, and the registry layers routed into them: RRset overrides set over HTTP and
// per-source contributions from the change journal (each record goes to the most specific zone
// that encloses its name). Zones can come and go at run time.
import type { PublishedRRset } from '#core';
import type { Rdata } from '#wire';
import {
  isSubdomainKey,
  type Labels,
  labelStarts,
  lowerLabel,
  nameKey,
  parseName,
  parseRdata,
  type RdToken,
  tokenizeRdata,
  typeFromName,
} from '#wire';
import { type Contribution, rrsetsOf, SourceRRset, versionOf } from './contribution.ts';
import type { Layer, ModelGeneration, Zone } from './zone.ts';

/** Scratch for label offsets (findZone runs to completion: one is enough). */
const STARTS: number[] = [];

export class ModelError extends Error {
  override name = 'ModelError';
}

export class ZoneSet {
  readonly zones = new Map<string, Zone>();
  /** Bumped by every change in any of its zones (the packet cache's fast check). */
  readonly model: ModelGeneration = { gen: 0 };
  /** Bumped when a zone is added or removed (which zone answers a name may change). */
  zonesGen = 0;
  /** Labels of the deepest apex: findZone() skips longer suffixes (an ENUM name has 15). */
  private maxApexLabels = 0;
  private readonly contributions = new Map<string, Contribution>();
  /** Inside batch(): the zones edited so far (their change steps stay open). */
  private batchZones: Set<Zone> | null = null;
  private batchRecord = true;

  /**
   * Runs `fn` with every change step left open, and returns the zones it edited: the caller
   * closes their steps (Zone.setSerial, the registry feed's serials). With `record: false`
   * nothing is recorded for IXFR (a bulk load at start).
   */
  batch(fn: () => void, opts: { record?: boolean } = {}): Set<Zone> {
    if (this.batchZones) throw new ModelError('dns: nested ZoneSet.batch()');
    const zones = new Set<Zone>();
    this.batchZones = zones;
    this.batchRecord = opts.record ?? true;
    try {
      fn();
      return zones;
    } finally {
      this.batchZones = null;
      this.batchRecord = true;
    }
  }

  /** The set an operation records its zones in: the batch's, or its own. */
  private edits(): Set<Zone> {
    return this.batchZones ?? new Set<Zone>();
  }

  /** Closes the operation's steps, unless a batch owns them. */
  private finish(touched: Set<Zone>, serialHint?: number): void {
    if (this.batchZones) return;
    for (const z of touched) z.commit(serialHint);
  }

  /** The most specific zone enclosing `key`, if any. */
  findZone(key: string): Zone | undefined {
    const n = labelStarts(key, STARTS);
    for (let i = n > this.maxApexLabels ? n - this.maxApexLabels : 0; i <= n; i++) {
      const z = this.zones.get(i === 0 ? key : i === n ? '' : key.slice(STARTS[i]));
      if (z) return z;
    }
    return undefined;
  }

  private zonesChanged(): void {
    this.zonesGen++;
    this.model.gen++;
    let max = 0;
    for (const z of this.zones.values()) max = Math.max(max, z.apex.length);
    this.maxApexLabels = max;
  }

  get(name: string): Zone | undefined {
    return this.zones.get(nameKey(parseName(name.endsWith('.') ? name : `${name}.`, null)));
  }

  /** Adds (or replaces) a zone; registry records under its apex move into it. */
  addZone(zone: Zone): void {
    const old = this.zones.get(zone.key);
    if (old) this.detach(old);
    zone.model = this.model;
    this.zones.set(zone.key, zone);
    this.zonesChanged();
    this.reroute((p) => isSubdomainKey(p.key, zone.key));
  }

  /** Every zone whose apex is `key` or lies below it, or that encloses `key`. */
  related(key: string): Zone[] {
    return [...this.zones.values()].filter((z) => isSubdomainKey(z.key, key) || isSubdomainKey(key, z.key));
  }

  /** Removes a zone; its registry records fall back to the next enclosing zone, if any. */
  removeZone(key: string): boolean {
    const z = this.zones.get(key);
    if (!z) return false;
    this.detach(z);
    this.zones.delete(key);
    this.zonesChanged();
    this.reroute((p) => isSubdomainKey(p.key, key));
    return true;
  }

  private detach(zone: Zone): void {
    for (const c of this.contributions.values())
      for (const p of rrsetsOf(c)) if (p.zone === zone) p.zone = null;
  }

  /** Re-places the registry records that match `which` after the zone list changed. */
  private reroute(which: (p: SourceRRset) => boolean): void {
    const touched = this.edits();
    for (const [source, c] of this.contributions) {
      for (const p of rrsetsOf(c)) {
        if (!which(p)) continue;
        const target = this.findZone(p.key) ?? null;
        if (target === p.zone) continue;
        if (p.zone) {
          this.open(p.zone, touched);
          p.zone.setLayer(p.labels, p.type, { kind: 'source', source }, undefined, p.key);
        }
        p.zone = target;
        if (target) {
          this.open(target, touched);
          target.setLayer(p.labels, p.type, { kind: 'source', source }, p, p.key);
        }
      }
    }
    this.finish(touched);
  }

  private open(z: Zone, touched: Set<Zone>): void {
    if (!touched.has(z)) {
      touched.add(z);
      if (!this.batchZones || this.batchRecord) z.begin();
    }
  }

  /** The version of `source` currently applied, if any. */
  versionOf(source: string): number | undefined {
    const c = this.contributions.get(source);
    return c === undefined ? undefined : versionOf(c);
  }

  /**
   * Replaces everything `source` published before with `rrsets` (its whole contribution at
   * `version`). Ignored (returns false) unless `version` is newer than the applied one. Each
   * changed zone commits one change step; `serialHint` (e.g. the journal sequence) becomes its
   * serial when it is ahead.
   */
  applyContribution(source: string, version: number, rrsets: PublishedRRset[], serialHint?: number): boolean {
    const prev = this.contributions.get(source);
    if (prev !== undefined && version <= versionOf(prev)) return false;
    const placed = rrsets.map((r) => this.place(source, version, r));
    for (let i = 1; i < placed.length; i++) placed[i - 1]!.next = placed[i]!;
    const touched = this.edits();
    const layer: Layer = { kind: 'source', source };
    const next = new Set(placed.map((p) => `${p.key}|${p.type}`));
    for (const p of prev === undefined ? [] : rrsetsOf(prev)) {
      if (p.zone && !next.has(`${p.key}|${p.type}`)) {
        this.open(p.zone, touched);
        p.zone.setLayer(p.labels, p.type, layer, undefined, p.key);
      }
    }
    for (const p of placed) {
      if (!p.zone) continue;
      this.open(p.zone, touched);
      p.zone.setLayer(p.labels, p.type, layer, p, p.key);
    }
    this.contributions.set(source, placed[0] ?? version);
    this.finish(touched, serialHint);
    return true;
  }

  /** Sets (data), deletes (null) or lifts (undefined) an HTTP override of owner+type in a zone. */
  setOverride(
    zoneOrName: string | Zone,
    rr: PublishedRRset | { name: string; type: string; delete: true },
    serialHint?: number,
  ): void {
    const zone = this.zoneOf(zoneOrName);
    const labels = absName(rr.name, `zone ${zone.name}`);
    const key = nameKey(labels);
    if (!isSubdomainKey(key, zone.key))
      throw new ModelError(`dns: zone ${zone.name}: ${rr.name} is outside the zone`);
    const type = typeOf(rr.type, `zone ${zone.name}: ${rr.name}`);
    const data =
      'delete' in rr
        ? null
        : { ttl: rr.ttl, rdatas: parseAll(type, rr.rdata, `zone ${zone.name}: ${rr.name}`) };
    const touched = this.edits();
    this.open(zone, touched);
    zone.setLayer(labels, type, { kind: 'override' }, data);
    this.finish(touched, serialHint);
  }

  clearOverride(zoneOrName: string | Zone, name: string, type: string, serialHint?: number): void {
    const zone = this.zoneOf(zoneOrName);
    const labels = absName(name, `zone ${zone.name}`);
    const t = typeOf(type, name);
    const touched = this.edits();
    this.open(zone, touched);
    zone.setLayer(labels, t, { kind: 'override' }, undefined);
    this.finish(touched, serialHint);
  }

  private zoneOf(zoneOrName: string | Zone): Zone {
    if (typeof zoneOrName !== 'string') return zoneOrName;
    const zone = this.get(zoneOrName);
    if (!zone) throw new ModelError(`dns: zone ${zoneOrName}: no such zone`);
    return zone;
  }

  private place(source: string, version: number, r: PublishedRRset): SourceRRset {
    const where = `dns: ${source}`;
    const labels = absName(r.name, where);
    const key = nameKey(labels);
    const type = typeOf(r.type, `${where}: ${r.name}`);
    const rdatas = parseAll(type, r.rdata, `${where}: ${r.name}`);
    const lower = labels.every((l) => lowerLabel(l) === l);
    const zone = this.findZone(key) ?? null;
    return new SourceRRset(source, version, key, lower ? null : labels, type, r.ttl, rdatas, zone);
  }
}

function absName(name: string, where: string): Labels {
  try {
    return parseName(name.endsWith('.') ? name : `${name}.`, null);
  } catch (err) {
    throw new ModelError(`${where}: bad name '${name}': ${(err as Error).message}`);
  }
}

function typeOf(type: string, where: string): number {
  const t = typeFromName(type);
  if (t === undefined) throw new ModelError(`${where}: unknown type '${type}'`);
  return t;
}

function parseAll(type: number, rdata: string[], where: string): Rdata[] {
  return rdata.map((text) => {
    try {
      const toks: RdToken[] = tokenizeRdata(text);
      return parseRdata(type, toks, []);
    } catch (err) {
      throw new ModelError(`${where}: bad RDATA '${text}': ${(err as Error).message}`);
    }
  });
}
