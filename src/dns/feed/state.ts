// The registry as the DNS model sees it: every published source applied to the ZoneSet with the
// version rule (a source's contribution is replaced only by a newer version), zones created or
// deleted over HTTP, record sets set over HTTP as overrides, and the serials (docs/dns.md,
// "Registry feed", "Serials"). No I/O: load.ts and node.ts feed it documents and journal entries.
import type { JournalEntry, Logger, PublishedRRset, RRsetSource, Source } from '#core';
import { formatSource, parseSource } from '#core';
import { keyOf, parseName } from '#wire';
import { Zone } from '../model/zone.ts';
import type { ZoneSet } from '../model/zoneset.ts';
import { RouteFillers } from './fillers.ts';
import { StreamPositions, touches } from './scope.ts';

interface Override {
  zoneKey: string;
  name: string;
  type: string;
  /** The RRset, or null: deleted here (hides the master file's RRset). */
  rrset: PublishedRRset | null;
}

export interface FeedOptions {
  zones: ZoneSet;
  /** The deployment apex (CALLX_APEX). */
  apex: string;
  /** Zones loaded from master files, by key: a deleted zone document hides one, a new one shows it again. */
  fileZones: Map<string, Zone>;
  logger: Logger;
}

export class RegistryFeed {
  readonly zs: ZoneSet;
  readonly apexKey: string;
  streams = new StreamPositions();
  private readonly fileZones: Map<string, Zone>;
  private readonly log: Logger;
  /** Versions of `zones/` and `rrsets/` sources (the ZoneSet keeps the others'). */
  private readonly versions = new Map<string, number>();
  private readonly overrides = new Map<string, Override>();
  /** The longest-prefix fillers of the routing trees, over files, overrides and the registry. */
  readonly fillers: RouteFillers;
  /** Registry entries applied (or ignored as stale) since start, for metrics and tests. */
  applied = 0;
  ignored = 0;

  constructor(opts: FeedOptions) {
    this.zs = opts.zones;
    this.apexKey = keyOf(opts.apex);
    this.fileZones = opts.fileZones;
    this.log = opts.logger;
    this.fillers = new RouteFillers(opts.zones, opts.apex);
  }

  /** The journal position the model reflects. */
  get position(): number {
    return this.streams.position;
  }

  /** The serial a zone has at the current position: its base plus the last entry that may change it. */
  serialOf(zone: Zone): number {
    return (zone.serialBase + this.streams.zonePosition(zone.key, this.apexKey)) >>> 0;
  }

  /**
   * Applies one source's whole state at `version` (a document at start, or a journal entry).
   * Returns false when the version is not newer than the one applied (nothing changes).
   * `key` is the source's stored form (the model's layer name), when the caller has it.
   */
  applySource(
    source: Source,
    version: number,
    rrsets: PublishedRRset[],
    deletedZone?: string,
    key = formatSource(source),
  ): boolean {
    switch (source.kind) {
      case 'zone':
        return this.applyZone(key, source.apex, version, rrsets, deletedZone);
      case 'rrset':
        return this.applyRRset(key, source, version, rrsets);
      case 'gap':
        return false;
      case 'document':
      case 'aggregate':
      case 'unknown':
        return this.zs.applyContribution(key, version, rrsets);
    }
  }

  /** A removed document's tombstone: late entries at or below its version are ignored. */
  applyTombstone(key: string, version: number): void {
    const source = parseSource(key);
    if (source.kind === 'zone' || source.kind === 'rrset') {
      if ((this.versions.get(key) ?? -1) < version) this.versions.set(key, version);
    } else if ((this.zs.versionOf(key) ?? -1) < version) {
      this.zs.applyContribution(key, version, []);
    }
  }

  private newer(source: string, version: number): boolean {
    if (version <= (this.versions.get(source) ?? Number.NEGATIVE_INFINITY)) return false;
    this.versions.set(source, version);
    return true;
  }

  private applyZone(
    source: string,
    apex: string,
    version: number,
    rrsets: PublishedRRset[],
    deletedZone?: string,
  ): boolean {
    if (!this.newer(source, version)) return false;
    const key = keyOf(apex);
    if (rrsets.length > 0) {
      const zone = this.ensureZone(key, apex);
      // a zone document sets the apex SOA and NS (over a master file's, if any)
      for (const type of ['SOA', 'NS']) {
        const rr = rrsets.find((r) => r.type.toUpperCase() === type);
        if (rr) this.zs.setOverride(zone, rr);
        else this.zs.clearOverride(zone, apex, type);
      }
      return true;
    }
    const zone = this.zs.zones.get(key);
    if (deletedZone || !this.fileZones.has(key)) {
      // deleted (a master-file zone of that apex is hidden too), or an HTTP zone gone
      if (zone) this.zs.removeZone(key);
      return true;
    }
    // the document is gone: the master-file zone is served again as its file says
    const fz = this.ensureZone(key, apex);
    this.zs.clearOverride(fz, apex, 'SOA');
    this.zs.clearOverride(fz, apex, 'NS');
    return true;
  }

  /** The zone of `key`, added (the master-file one, or a new empty one) when missing. */
  private ensureZone(key: string, apex: string): Zone {
    const existing = this.zs.zones.get(key);
    if (existing) return existing;
    const zone = this.fileZones.get(key) ?? new Zone(parseName(`${apex.replace(/\.$/, '')}.`, null));
    this.zs.addZone(zone);
    for (const o of this.overrides.values()) if (o.zoneKey === key) this.setOverride(zone, o);
    return zone;
  }

  private setOverride(zone: Zone, o: Override): void {
    if (o.rrset && o.rrset.rdata.length > 0) this.zs.setOverride(zone, o.rrset);
    else this.zs.setOverride(zone, { name: o.name, type: o.type, delete: true });
  }

  private applyRRset(source: string, rr: RRsetSource, version: number, rrsets: PublishedRRset[]): boolean {
    if (!this.newer(source, version)) return false;
    const zoneKey = keyOf(rr.zone);
    const { name, type } = rr;
    const zone = this.zs.zones.get(zoneKey);
    if (rrsets.length === 0) {
      this.overrides.delete(source);
      if (zone) this.zs.clearOverride(zone, name, type);
      return true;
    }
    const o: Override = { zoneKey, name, type, rrset: rrsets[0]! };
    if (zone) this.setOverride(zone, o); // throws on bad data before anything is kept
    this.overrides.set(source, o);
    return true;
  }

  /**
   * Applies one journal entry (in sequence order) and closes the change step of every zone it
   * may touch at the serial for this position. Returns the zones whose serial moved.
   */
  applyEntry(e: JournalEntry): Zone[] {
    if (e._id <= this.streams.position) return [];
    const before = new Set(this.zs.zones.values());
    const source = parseSource(e.source);
    let ok = true;
    const edited = this.zs.batch(() => {
      if (e.noop) return;
      try {
        if (this.applySource(source, e.version, e.rrsets, e.deletedZone, e.source)) {
          this.applied++;
          // in the same change step: a route and the fillers it needs arrive at one serial
          if (this.fillers.touches(source)) this.fillers.refresh();
        } else this.ignored++;
      } catch (err) {
        ok = false;
        this.log.error(
          { err, seq: e._id, source: e.source },
          `dns: journal entry ${e._id} (${e.source}) not applied`,
        );
      }
    });
    const stream = this.streams.note(e._id, source);
    const moved: Zone[] = [];
    for (const z of this.zs.zones.values()) {
      const inScope = stream !== null && touches(stream, z.key, this.apexKey);
      if (!inScope && !(edited.has(z) && z.pendingChanges() > 0)) {
        if (edited.has(z)) z.discardPending();
        continue;
      }
      if (!inScope)
        this.log.warn(
          { seq: e._id, source: e.source, zone: z.name },
          'dns: a journal entry changed a zone outside its scope (serial moved anyway)',
        );
      const serial = inScope ? this.serialOf(z) : (z.serialBase + e._id) >>> 0;
      if (!before.has(z)) {
        z.resetSerial(serial); // a zone that appears has no history for IXFR
        moved.push(z);
      } else if (z.setSerial(serial)) moved.push(z);
    }
    if (!ok) this.ignored++;
    return moved;
  }

  /** After a bulk load: every zone's serial from the positions, with no change history. */
  resetSerials(): void {
    for (const z of this.zs.zones.values()) z.resetSerial(this.serialOf(z));
  }
}
