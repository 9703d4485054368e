// The layers that feed one owner+type (docs/dns.md, "Zone model"): what a slot serves
// when several layers meet, and when two RRsets carry the same records.
import type { Rdata } from '#wire';
import { rdataKey } from '#wire';
import { SourceRRset } from './contribution.ts';
import type { RRsetData, Slot } from './types.ts';

/** A layer with records (a registry source's are not built to find out). */
export function hasRecords(d: RRsetData): boolean {
  return d instanceof SourceRRset ? !d.empty : d.rdatas.length > 0;
}

/** The RRset a slot serves: an override wins; otherwise file and registry data are merged. */
export function effective(slot: Slot): RRsetData | undefined {
  if (slot.override !== undefined) return slot.override ?? undefined;
  const layers: RRsetData[] = [];
  if (slot.file) layers.push(slot.file);
  if (slot.sources) for (const d of slot.sources.values()) layers.push(d);
  if (layers.length === 0) return undefined;
  if (layers.length === 1) return layers[0]!.rdatas.length ? layers[0] : undefined;
  const seen = new Set<string>();
  const rdatas: Rdata[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  for (const l of layers) {
    ttl = Math.min(ttl, l.ttl);
    for (const rd of l.rdatas) {
      const k = rdataKey(rd);
      if (!seen.has(k)) {
        seen.add(k);
        rdatas.push(rd);
      }
    }
  }
  return rdatas.length ? { ttl, rdatas } : undefined;
}

export function sameData(a: RRsetData | undefined, b: RRsetData | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.ttl !== b.ttl || a.rdatas.length !== b.rdatas.length) return false;
  const ka = a.rdatas.map(rdataKey).sort();
  const kb = b.rdatas.map(rdataKey).sort();
  return ka.every((k, i) => k === kb[i]);
}
