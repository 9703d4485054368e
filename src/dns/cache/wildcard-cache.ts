// One encoded answer per (wildcard node, qtype, EDNS mode): names synthesised from a wildcard
// (RFC 4592) are endless and each is asked rarely, so a per-name cache would only churn. The
// answer's owner is a pointer to the question and its RDATA holds no compression pointer, so
// the octets after the question are the same for every name the wildcard covers.
// Bounded: a few types per wildcard (any type can be asked of a wildcard, and junk asks them
// all), each template an exact-size copy (never a slice of Node's shared buffer pool).

import { PackedRdata } from '#wire';
import type { Item } from '../answer/resolve.ts';
import { SourceRRset } from '../model/contribution.ts';
import type { Node } from '../model/types.ts';

interface Template {
  wire: Buffer;
  qEnd: number;
  qtype: number;
  version: number;
}

export class WildcardCache {
  /** Per EDNS mode: wildcard node -> its templates (one per qtype asked; nearly always one). */
  private readonly maps = [
    new Map<Node, Template[]>(),
    new Map<Node, Template[]>(),
    new Map<Node, Template[]>(),
  ];
  hits = 0;
  /** Types kept per wildcard node and EDNS mode; the oldest goes first. */
  static readonly TYPES_PER_NODE = 4;

  /** True when an answer of these items can be a template (no name in it but the question). */
  static relocatable(items: Item[]): boolean {
    return items.every(
      (it) =>
        it.owner === null &&
        (it.rrset instanceof SourceRRset
          ? it.rrset.packed
          : it.rrset.rdatas.every((rd) => rd instanceof PackedRdata)),
    );
  }

  /** The response for `query` from the node's template, or null when there is none (or stale). */
  get(node: Node, qtype: number, mode: number, query: Buffer, qEnd: number): Buffer | null {
    const list = this.maps[mode]!.get(node);
    if (list === undefined || node.dead) return null;
    let t: Template | undefined;
    for (let i = 0; i < list.length; i++) if (list[i]!.qtype === qtype) t = list[i];
    if (t === undefined || t.version !== node.version) return null;
    const w = t.wire;
    const out = Buffer.allocUnsafe(qEnd + w.length - t.qEnd);
    // byte loops: these copies are short, and Buffer#copy's argument handling costs more
    out[0] = query[0]!;
    out[1] = query[1]!;
    out[2] = (w[2]! & 0xfe) | (query[2]! & 0x01);
    for (let i = 3; i < 12; i++) out[i] = w[i]!;
    for (let i = 12; i < qEnd; i++) out[i] = query[i]!;
    for (let i = t.qEnd, o = qEnd; i < w.length; i++, o++) out[o] = w[i]!;
    this.hits++;
    return out;
  }

  set(node: Node, qtype: number, mode: number, wire: Buffer, qEnd: number): void {
    const map = this.maps[mode]!;
    // dead nodes (wildcards removed) would stay: start over now and then
    if (map.size > 100_000) map.clear();
    const copy = Buffer.allocUnsafeSlow(wire.length);
    copy.set(wire);
    const t: Template = { wire: copy, qEnd, qtype, version: node.version };
    const list = (map.get(node) ?? []).filter((x) => x.qtype !== qtype);
    if (list.length >= WildcardCache.TYPES_PER_NODE) list.shift();
    list.push(t);
    map.set(node, list);
  }

  /** Templates held (all nodes, types and modes). */
  get size(): number {
    let n = 0;
    for (const m of this.maps) for (const list of m.values()) n += list.length;
    return n;
  }

  clear(): void {
    for (const m of this.maps) m.clear();
  }
}
