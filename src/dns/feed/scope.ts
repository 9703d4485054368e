// Which zones a journal entry may change, decided from the entry's source alone (docs/dns.md,
// "Serials"). Every node, and a node that loads at start, must agree on which entries move a
// zone's serial without knowing what the registry held before: so the rule looks only at the
// source's kind and names, never at the data, and over-approximates (a step may change nothing).
import { parseSource, type Source } from '#core';
import { isSubdomainKey, keyOf } from '#wire';

/**
 * The stream of a source: entries of one stream touch the same zones.
 * - `derived`: documents published from the registry's own data (members, countries, the
 *   routing aggregates, any source this version does not know): names under the deployment apex;
 * - `zones/<apex key>`: a zone created, changed or deleted over HTTP: that zone and the zones
 *   that enclose it (records move between them) or lie below it;
 * - `rrsets/<zone key>`: a record set set over HTTP in that zone: that zone only;
 * - none for a closed gap (it carries nothing).
 * The names are shared between nodes (the serial checkpoint): never change them.
 */
export function streamOf(source: Source): string | null {
  switch (source.kind) {
    case 'gap':
      return null;
    case 'zone':
      return `zones/${safeKey(source.apex)}`;
    case 'rrset':
      return `rrsets/${safeKey(source.zone)}`;
    case 'document':
    case 'aggregate':
    case 'unknown':
      return 'derived';
  }
}

function safeKey(name: string): string {
  try {
    return keyOf(name);
  } catch {
    return name.toLowerCase();
  }
}

/** True when entries of `stream` may change the zone whose apex key is `zoneKey`. */
export function touches(stream: string, zoneKey: string, apexKey: string): boolean {
  if (stream === 'derived') return related(zoneKey, apexKey);
  if (stream.startsWith('zones/')) return related(zoneKey, stream.slice(6));
  if (stream.startsWith('rrsets/')) return zoneKey === stream.slice(7);
  return true;
}

function related(a: string, b: string): boolean {
  return isSubdomainKey(a, b) || isSubdomainKey(b, a);
}

/**
 * The last journal position of each stream: what a zone's serial is computed from. Folding
 * the same journal prefix gives the same positions on every node.
 */
export class StreamPositions {
  readonly last = new Map<string, number>();
  /** The journal position these positions are complete up to. */
  position = 0;

  /** Notes entry `seq` of `source`; returns its stream (null for gap entries). */
  note(seq: number, source: Source | string): string | null {
    if (seq > this.position) this.position = seq;
    const s = streamOf(typeof source === 'string' ? parseSource(source) : source);
    if (s !== null && (this.last.get(s) ?? 0) < seq) this.last.set(s, seq);
    return s;
  }

  /** The position of the last entry that may have changed the zone (0: none). */
  zonePosition(zoneKey: string, apexKey: string): number {
    let p = 0;
    for (const [s, seq] of this.last) if (seq > p && touches(s, zoneKey, apexKey)) p = seq;
    return p;
  }

  toJSON(): { s: string; p: number }[] {
    return [...this.last].map(([s, p]) => ({ s, p }));
  }

  static from(position: number, list: readonly { s: string; p: number }[]): StreamPositions {
    const sp = new StreamPositions();
    sp.position = position;
    for (const { s, p } of list) sp.last.set(s, p);
    return sp;
  }
}
