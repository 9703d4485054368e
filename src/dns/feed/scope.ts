// Which zones a journal entry may change, decided from the entry's source alone (docs/dns.md,
// "Serials"). Every node, and a node that loads at start, must agree on which entries move a
// zone's serial without knowing what the registry held before: so the rule looks only at the
// source's kind and names, never at the data, and over-approximates (a step may change nothing).
import { parseSource, type Source } from '#core';
import { isSubdomainKey, keyOf } from '#wire';

/**
 * A stream: the entries of one stream touch the same zones.
 * - `derived`: documents published from the registry's own data (members, countries, the
 *   routing aggregates, any source this version does not know): names under the deployment apex;
 * - `zones` (an apex key): a zone created, changed or deleted over HTTP: that zone and the zones
 *   that enclose it (records move between them) or lie below it;
 * - `rrsets` (a zone key): a record set set over HTTP in that zone: that zone only;
 * - `all`: a stream named in a checkpoint that this version cannot read: every zone.
 * A closed gap has no stream (it carries nothing).
 */
export type Stream =
  | { kind: 'derived' }
  | { kind: 'zones'; key: string }
  | { kind: 'rrsets'; key: string }
  | { kind: 'all'; text: string };

const DERIVED: Stream = { kind: 'derived' };

export function streamOf(source: Source): Stream | null {
  switch (source.kind) {
    case 'gap':
      return null;
    case 'zone':
      return { kind: 'zones', key: safeKey(source.apex) };
    case 'rrset':
      return { kind: 'rrsets', key: safeKey(source.zone) };
    case 'document':
    case 'aggregate':
    case 'unknown':
      return DERIVED;
  }
}

/**
 * A stream's name in the serial checkpoint nodes share ('derived', 'zones/<key>',
 * 'rrsets/<key>'): nodes of every version must agree on it, never change it.
 */
export function streamName(s: Stream): string {
  switch (s.kind) {
    case 'derived':
      return 'derived';
    case 'zones':
      return `zones/${s.key}`;
    case 'rrsets':
      return `rrsets/${s.key}`;
    case 'all':
      return s.text;
  }
}

/** A stream from its checkpoint name (the only reader of that form). */
export function parseStream(text: string): Stream {
  if (text === 'derived') return DERIVED;
  const slash = text.indexOf('/');
  const head = text.slice(0, slash);
  if (slash > 0 && (head === 'zones' || head === 'rrsets')) return { kind: head, key: text.slice(slash + 1) };
  return { kind: 'all', text };
}

function safeKey(name: string): string {
  try {
    return keyOf(name);
  } catch {
    return name.toLowerCase();
  }
}

/** True when entries of `stream` may change the zone whose apex key is `zoneKey`. */
export function touches(stream: Stream, zoneKey: string, apexKey: string): boolean {
  switch (stream.kind) {
    case 'derived':
      return related(zoneKey, apexKey);
    case 'zones':
      return related(zoneKey, stream.key);
    case 'rrsets':
      return zoneKey === stream.key;
    case 'all':
      return true;
  }
}

function related(a: string, b: string): boolean {
  return isSubdomainKey(a, b) || isSubdomainKey(b, a);
}

/**
 * The last journal position of each stream: what a zone's serial is computed from. Folding
 * the same journal prefix gives the same positions on every node.
 */
export class StreamPositions {
  /** By stream name: the stream and the position of its last entry. */
  private readonly last = new Map<string, { stream: Stream; seq: number }>();
  /** The journal position these positions are complete up to. */
  position = 0;

  /** Notes entry `seq` of `source`; returns its stream (null for gap entries). */
  note(seq: number, source: Source | string): Stream | null {
    if (seq > this.position) this.position = seq;
    const s = streamOf(typeof source === 'string' ? parseSource(source) : source);
    if (s !== null) this.raise(s, seq);
    return s;
  }

  private raise(stream: Stream, seq: number): void {
    const name = streamName(stream);
    const have = this.last.get(name);
    if (!have) this.last.set(name, { stream, seq });
    else if (have.seq < seq) have.seq = seq;
  }

  /** The position of the last entry that may have changed the zone (0: none). */
  zonePosition(zoneKey: string, apexKey: string): number {
    let p = 0;
    for (const { stream, seq } of this.last.values())
      if (seq > p && touches(stream, zoneKey, apexKey)) p = seq;
    return p;
  }

  /** The checkpoint form. */
  toJSON(): { s: string; p: number }[] {
    return [...this.last].map(([s, { seq }]) => ({ s, p: seq }));
  }

  static from(position: number, list: readonly { s: string; p: number }[]): StreamPositions {
    const sp = new StreamPositions();
    sp.position = position;
    for (const { s, p } of list) sp.raise(parseStream(s), p);
    return sp;
  }
}
