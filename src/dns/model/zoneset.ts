// All zones served, and the registry layers routed into them: RRset overrides set over HTTP and
// per-source contributions from the change journal (each record goes to the most specific zone
// that encloses its name). Zones can come and go at run time.
import type { PublishedRRset } from '../../registry/model.ts';
import { typeFromName } from '../codec/types.ts';
import { isSubdomainKey, type Labels, nameKey, parentKey, parseName } from '../name.ts';
import { parseRdata, type RdToken } from '../rdata/parse.ts';
import type { Rdata } from '../rdata/schema.ts';
import { tokenizeRdata } from '../zonefile/rdata-text.ts';
import { type Layer, MODEL, type Zone } from './zone.ts';

export class ModelError extends Error {
  override name = 'ModelError';
}

interface Placed {
  labels: Labels;
  key: string;
  type: number;
  ttl: number;
  rdatas: Rdata[];
  zone: Zone | null;
}

interface Contribution {
  version: number;
  rrsets: Placed[];
}

export class ZoneSet {
  readonly zones = new Map<string, Zone>();
  /** Bumped when a zone is added or removed (which zone answers a name may change). */
  zonesGen = 0;
  private readonly contributions = new Map<string, Contribution>();

  /** The most specific zone enclosing `key`, if any. */
  findZone(key: string): Zone | undefined {
    for (let k: string | null = key; k !== null; k = parentKey(k)) {
      const z = this.zones.get(k);
      if (z) return z;
    }
    return undefined;
  }

  get(name: string): Zone | undefined {
    return this.zones.get(nameKey(parseName(name.endsWith('.') ? name : `${name}.`, null)));
  }

  /** Adds (or replaces) a zone; registry records under its apex move into it. */
  addZone(zone: Zone): void {
    const old = this.zones.get(zone.key);
    if (old) this.detach(old);
    this.zones.set(zone.key, zone);
    this.zonesGen++;
    MODEL.gen++;
    this.reroute((p) => isSubdomainKey(p.key, zone.key));
  }

  /** Removes a zone; its registry records fall back to the next enclosing zone, if any. */
  removeZone(key: string): boolean {
    const z = this.zones.get(key);
    if (!z) return false;
    this.detach(z);
    this.zones.delete(key);
    this.zonesGen++;
    MODEL.gen++;
    this.reroute((p) => isSubdomainKey(p.key, key));
    return true;
  }

  private detach(zone: Zone): void {
    for (const c of this.contributions.values()) for (const p of c.rrsets) if (p.zone === zone) p.zone = null;
  }

  /** Re-places the registry records that match `which` after the zone list changed. */
  private reroute(which: (p: Placed) => boolean): void {
    const touched = new Set<Zone>();
    for (const [source, c] of this.contributions) {
      for (const p of c.rrsets) {
        if (!which(p)) continue;
        const target = this.findZone(p.key) ?? null;
        if (target === p.zone) continue;
        if (p.zone) {
          this.open(p.zone, touched);
          p.zone.setLayer(p.labels, p.type, { kind: 'source', source }, undefined);
        }
        p.zone = target;
        if (target) {
          this.open(target, touched);
          target.setLayer(p.labels, p.type, { kind: 'source', source }, { ttl: p.ttl, rdatas: p.rdatas });
        }
      }
    }
    for (const z of touched) z.commit();
  }

  private open(z: Zone, touched: Set<Zone>): void {
    if (!touched.has(z)) {
      touched.add(z);
      z.begin();
    }
  }

  /** The version of `source` currently applied, if any. */
  versionOf(source: string): number | undefined {
    return this.contributions.get(source)?.version;
  }

  /**
   * Replaces everything `source` published before with `rrsets` (its whole contribution at
   * `version`). Ignored (returns false) unless `version` is newer than the applied one. Each
   * changed zone commits one change step; `serialHint` (e.g. the journal sequence) becomes its
   * serial when it is ahead.
   */
  applyContribution(source: string, version: number, rrsets: PublishedRRset[], serialHint?: number): boolean {
    const prev = this.contributions.get(source);
    if (prev && version <= prev.version) return false;
    const placed = rrsets.map((r) => this.place(source, r));
    const touched = new Set<Zone>();
    const layer: Layer = { kind: 'source', source };
    const next = new Set(placed.map((p) => `${p.key}|${p.type}`));
    for (const p of prev?.rrsets ?? []) {
      if (p.zone && !next.has(`${p.key}|${p.type}`)) {
        this.open(p.zone, touched);
        p.zone.setLayer(p.labels, p.type, layer, undefined);
      }
    }
    for (const p of placed) {
      if (!p.zone) continue;
      this.open(p.zone, touched);
      p.zone.setLayer(p.labels, p.type, layer, { ttl: p.ttl, rdatas: p.rdatas });
    }
    this.contributions.set(source, { version, rrsets: placed });
    for (const z of touched) z.commit(serialHint);
    return true;
  }

  /** Sets (data), deletes (null) or lifts (undefined) an HTTP override of owner+type in a zone. */
  setOverride(
    zoneName: string,
    rr: PublishedRRset | { name: string; type: string; delete: true },
    serialHint?: number,
  ): void {
    const zone = this.get(zoneName);
    if (!zone) throw new ModelError(`dns: zone ${zoneName}: no such zone`);
    const labels = absName(rr.name, `zone ${zoneName}`);
    const key = nameKey(labels);
    if (!isSubdomainKey(key, zone.key))
      throw new ModelError(`dns: zone ${zone.name}: ${rr.name} is outside the zone`);
    const type = typeOf(rr.type, `zone ${zoneName}: ${rr.name}`);
    const data =
      'delete' in rr
        ? null
        : { ttl: rr.ttl, rdatas: parseAll(type, rr.rdata, `zone ${zoneName}: ${rr.name}`) };
    zone.begin();
    zone.setLayer(labels, type, { kind: 'override' }, data);
    zone.commit(serialHint);
  }

  clearOverride(zoneName: string, name: string, type: string, serialHint?: number): void {
    const zone = this.get(zoneName);
    if (!zone) throw new ModelError(`dns: zone ${zoneName}: no such zone`);
    zone.begin();
    zone.setLayer(absName(name, `zone ${zoneName}`), typeOf(type, name), { kind: 'override' }, undefined);
    zone.commit(serialHint);
  }

  private place(source: string, r: PublishedRRset): Placed {
    const where = `dns: ${source}`;
    const labels = absName(r.name, where);
    const key = nameKey(labels);
    const type = typeOf(r.type, `${where}: ${r.name}`);
    const rdatas = parseAll(type, r.rdata, `${where}: ${r.name}`);
    return { labels, key, type, ttl: r.ttl, rdatas, zone: this.findZone(key) ?? null };
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
