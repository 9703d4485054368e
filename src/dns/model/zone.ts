// One zone: a tree of names (with empty non-terminals), the layers that feed each RRset, the
// delegation points, an SOA serial that moves forward (RFC 1982) and the change steps for IXFR.

import type { Rdata } from '#wire';
import { keyLabels, type Labels, nameKey, rdataKey, TYPE, toDisplay } from '#wire';
import { PendingChanges } from './changes.ts';
import { SourceRRset } from './contribution.ts';
import { effective, hasRecords, sameData } from './layers.ts';
import { ZoneNode } from './node.ts';
import { serialNext } from './serial.ts';
import type { ChangeStep, OwnedRRset, RR, RRset, RRsetData, Slot } from './types.ts';

/**
 * A model's change counter, bumped by every change anywhere in its zones: a cached answer made
 * at the same value is valid without looking at its dependencies (the common case between
 * changes). Each ZoneSet has one, shared by the zones it holds; a zone outside a set has its own.
 */
export interface ModelGeneration {
  gen: number;
}

export type Layer = { kind: 'file' } | { kind: 'override' } | { kind: 'source'; source: string };

export interface ZoneOptions {
  /** How many change steps to keep for IXFR. */
  maxChanges?: number;
  /** Where the zone came from, for messages: a file path or 'registry'. */
  origin?: string;
}

export class Zone {
  readonly apex: Labels;
  readonly key: string;
  readonly origin: string;
  readonly nodes = new Map<string, ZoneNode>();
  readonly apexNode: ZoneNode;
  /** Keys of delegation points (non-apex names with NS). */
  readonly cuts = new Set<string>();
  readonly slots = new Map<string, Slot>();
  serial = 0;
  /** Bumped by every committed change (negative answers carry the SOA serial). */
  gen = 0;
  /** Bumped when names appear or disappear (wildcard and NXDOMAIN answers depend on it). */
  structGen = 0;
  /** Bumped when a delegation point appears, disappears or changes. */
  cutsGen = 0;
  readonly changes: ChangeStep[] = [];
  /** The change counter of the model (ZoneSet) holding the zone. */
  model: ModelGeneration = { gen: 0 };
  /**
   * What the serial is computed from (docs/dns.md, "Serials"): the master file's SOA serial,
   * 0 for a zone created in the registry. The served serial is this plus a journal position.
   */
  serialBase = 0;
  private readonly maxChanges: number;
  /** The open change step: net removals and additions keyed by owner, type, TTL and RDATA. */
  private pending: PendingChanges | null = null;
  /** The SOA as the layers give it; served with `serial` in place of its own. */
  private soaBase: RRsetData | undefined;

  constructor(apex: Labels, opts: ZoneOptions = {}) {
    this.apex = apex;
    this.key = nameKey(apex);
    this.origin = opts.origin ?? 'registry';
    this.maxChanges = opts.maxChanges ?? 1000;
    this.apexNode = this.newNode(apex, this.key, null);
    this.nodes.set(this.key, this.apexNode);
  }

  get name(): string {
    return toDisplay(this.apex);
  }

  private newNode(labels: Labels, key: string, parent: ZoneNode | null): ZoneNode {
    return new ZoneNode(key, labels, parent);
  }

  /** `labels` may be null when the name has no upper case (they are rebuilt from the key). */
  private ensureNode(labels: Labels | null, key: string): ZoneNode {
    const found = this.nodes.get(key);
    if (found) return found;
    labels ??= keyLabels(key);
    const parentLabels = labels.slice(1);
    const parent = this.ensureNode(parentLabels, nameKey(parentLabels));
    const node = this.newNode(labels, key, parent);
    this.model.gen++;
    parent.children++;
    parent.version++;
    this.nodes.set(key, node);
    this.structGen++;
    return node;
  }

  private prune(node: ZoneNode): void {
    let n: ZoneNode | null = node;
    while (n && n !== this.apexNode && n.rrsets.size === 0 && n.children === 0) {
      this.nodes.delete(n.key);
      this.model.gen++;
      n.dead = true;
      n.version++;
      this.structGen++;
      const p: ZoneNode | null = n.parent;
      if (p) {
        p.children--;
        p.version++;
      }
      n = p;
    }
  }

  /** True while a change step is open (edits are recorded for IXFR). */
  get recording(): boolean {
    return this.pending !== null;
  }

  /** Opens a change step, or keeps the open one (edits accumulate until it is closed). */
  begin(): void {
    this.pending ??= new PendingChanges();
  }

  /** Records added or removed in the open step (net). */
  pendingChanges(): number {
    return this.pending?.size ?? 0;
  }

  /** Drops the open step's record of edits (a bulk load keeps no history). */
  discardPending(): void {
    this.pending = null;
  }

  private takePending(): { removed: RR[]; added: RR[] } {
    const p = this.pending;
    this.pending = null;
    return p ? p.take() : { removed: [], added: [] };
  }

  private pushStep(step: ChangeStep): void {
    this.changes.push(step);
    if (this.changes.length > this.maxChanges) this.changes.splice(0, this.changes.length - this.maxChanges);
    this.gen++;
    this.model.gen++;
  }

  /**
   * Ends a change step: the serial moves forward (to `serialHint` when that is ahead of the
   * current serial in RFC 1982 terms, else by one) and the step is kept for IXFR. Nothing
   * happens when nothing changed.
   */
  commit(serialHint?: number): ChangeStep | null {
    const p = this.takePending();
    if (p.removed.length === 0 && p.added.length === 0) return null;
    const from = this.serial;
    this.serial = serialNext(from, serialHint);
    this.refreshSoa();
    const step: ChangeStep = { from, to: this.serial, removed: p.removed, added: p.added };
    this.pushStep(step);
    return step;
  }

  /**
   * Ends a change step at an explicit serial (the registry feed's serials, docs/dns.md): the
   * step is kept even when no record changed, so IXFR can bridge every serial ever served.
   * Returns null when the serial does not move (the edits, if any, stay open).
   */
  setSerial(serial: number): ChangeStep | null {
    const to = serial >>> 0;
    if (to === this.serial) return null;
    const p = this.takePending();
    const step: ChangeStep = { from: this.serial, to, removed: p.removed, added: p.added };
    this.serial = to;
    this.refreshSoa();
    this.pushStep(step);
    return step;
  }

  /** Sets the serial without a change step (after a bulk load: history starts here). */
  resetSerial(serial: number): void {
    this.pending = null;
    this.changes.length = 0;
    this.serial = serial >>> 0;
    this.refreshSoa();
    this.gen++;
    this.model.gen++;
  }

  /** Rebuilds the served SOA with the current serial. */
  refreshSoa(): void {
    const base = this.soaBase;
    if (!base || base.rdatas.length === 0) return;
    const fields = base.rdatas[0]!.fields.slice();
    fields[2] = this.serial;
    this.apexNode.rrsets.set(TYPE.SOA, {
      type: TYPE.SOA,
      ttl: base.ttl,
      rdatas: [{ type: TYPE.SOA, fields }],
      src: this.apexNode.rrsets.get(TYPE.SOA)?.src ?? null,
    });
    this.apexNode.version++;
    this.model.gen++;
  }

  /**
   * Adds one record from a master file while loading (no change step). Returns 'dup' for a
   * duplicate record, 'ttl' when the RRset already has another TTL (the first one is kept).
   */
  addFileRecord(labels: Labels, key: string, type: number, ttl: number, rd: Rdata): 'ok' | 'dup' | 'ttl' {
    const node = this.ensureNode(labels, key);
    const rs = node.rrsets.get(type);
    if (!rs) {
      const fresh: RRset = { type, ttl, rdatas: [rd], src: null };
      node.rrsets.set(type, fresh);
      if (type === TYPE.SOA && node === this.apexNode) {
        this.soaBase = { ttl, rdatas: fresh.rdatas };
        this.serial = rd.fields[2] as number;
        this.serialBase = this.serial;
        this.refreshSoa();
      }
      if (type === TYPE.NS && node !== this.apexNode) this.cuts.add(key);
      return 'ok';
    }
    const k = rdataKey(rd);
    const base = type === TYPE.SOA && node === this.apexNode ? this.soaBase! : rs;
    if (base.rdatas.some((x) => rdataKey(x) === k)) return 'dup';
    base.rdatas = base.rdatas.concat([rd]); // exact-size arrays: a million of them add up
    return rs.ttl === ttl ? 'ok' : 'ttl';
  }

  /** The SOA RRset as served (current serial), if the zone has one. */
  soa(): RRset | undefined {
    return this.apexNode.rrsets.get(TYPE.SOA);
  }

  /**
   * Sets (data) or clears (undefined) one layer of owner+type; null override = deleted.
   * `labels` may be null for a name without upper case (rebuilt from `key` when needed).
   */
  setLayer(
    labels: Labels | null,
    type: number,
    layer: Layer,
    data: RRsetData | null | undefined,
    key = nameKey(labels!),
  ): void {
    // most owner+types have one layer and no slot: the node's RRset is the data, `src` says whose
    const slotKey = this.slots.size > 0 ? `${key}|${type}` : '';
    let slot = this.slots.size > 0 ? this.slots.get(slotKey) : undefined;
    if (!slot) {
      const existing = this.nodes.get(key)?.rrsets.get(type);
      const src = layer.kind === 'source' ? layer.source : null;
      if (layer.kind !== 'override' && (!existing || existing.src === src)) {
        // this layer alone (or nothing yet): no slot
        this.apply(labels, type, key, existing, data && hasRecords(data) ? data : undefined, src);
        return;
      }
      if (data === undefined) return; // clearing a layer that provides nothing here
      slot = { type };
      if (existing) {
        if (existing.src === null) slot.file = existing;
        else slot.sources = new Map([[existing.src, existing]]);
      }
      this.slots.set(slotKey || `${key}|${type}`, slot);
    }
    const prev = effective(slot);
    if (layer.kind === 'file') {
      if (data) slot.file = data;
      else delete slot.file;
    } else if (layer.kind === 'override') {
      if (data === undefined) delete slot.override;
      else slot.override = data;
    } else if (data) {
      if (!slot.sources) slot.sources = new Map();
      slot.sources.set(layer.source, data);
    } else slot.sources?.delete(layer.source);
    const sources = slot.sources?.size ?? 0;
    if (slot.override === undefined && sources + (slot.file ? 1 : 0) <= 1) {
      // one layer left: back to no slot, the node's RRset tagged with that layer
      this.slots.delete(slotKey || `${key}|${type}`);
      const only = sources === 1 ? slot.sources!.entries().next().value! : null;
      const d = only ? only[1] : slot.file;
      this.apply(labels, type, key, prev, d && hasRecords(d) ? d : undefined, only ? only[0] : null);
      return;
    }
    this.apply(labels, type, key, prev, effective(slot), null);
  }

  private apply(
    labels: Labels | null,
    type: number,
    key: string,
    before: RRsetData | undefined,
    after: RRsetData | undefined,
    src: string | null,
  ): void {
    // a source's own RRset object is served as is while it is the only layer (no copy)
    const own = after instanceof SourceRRset && after.src === src && after.type === type ? after : null;
    if (sameData(before, after)) {
      // the same records (another layer, or a new version that changed nothing here): only the
      // tag or the object changes, cached answers stay valid
      const node = after ? this.nodes.get(key) : undefined;
      const rs = node?.rrsets.get(type);
      if (rs && (rs.src !== src || (own && rs !== own)) && !(type === TYPE.SOA && node === this.apexNode))
        node!.rrsets.set(type, own ?? { type, ttl: rs.ttl, rdatas: rs.rdatas, src });
      return;
    }
    if (this.pending && type !== TYPE.SOA) this.pending.record(labels ?? keyLabels(key), type, before, after);
    const node = after ? this.ensureNode(labels, key) : this.nodes.get(key);
    if (!node) return;
    this.model.gen++;
    if (after) node.rrsets.set(type, own ?? { type, ttl: after.ttl, rdatas: after.rdatas, src });
    else node.rrsets.delete(type);
    node.version++;
    if (type === TYPE.SOA && node === this.apexNode) {
      this.soaBase = after;
      this.refreshSoa();
    }
    if (type === TYPE.NS && node !== this.apexNode) {
      if (after) this.cuts.add(key);
      else this.cuts.delete(key);
      this.cutsGen++;
    }
    if (!after) this.prune(node);
  }

  /** Every RRset served with its owner, apex first (SOA leading), then in key order. */
  *rrsets(): Generator<OwnedRRset> {
    const soa = this.soa();
    if (soa) yield owned(soa, this.apex);
    const keys = [...this.nodes.keys()].filter((k) => k !== this.key).sort();
    keys.unshift(this.key);
    for (const k of keys) {
      const node = this.nodes.get(k)!;
      const owner = node.labels;
      const list = [...node.rrsets.values()].sort((a, b) => a.type - b.type);
      for (const rs of list) if (!(node === this.apexNode && rs.type === TYPE.SOA)) yield owned(rs, owner);
    }
  }
}

/** An RRset with its owner (no spread: a SourceRRset's records are a getter). */
function owned(rs: RRset, owner: Labels): OwnedRRset {
  return { type: rs.type, ttl: rs.ttl, rdatas: rs.rdatas, src: rs.src, owner };
}
