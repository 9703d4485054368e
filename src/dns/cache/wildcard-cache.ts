// One encoded answer per (wildcard node, qtype, EDNS mode): names synthesised from a wildcard
// (RFC 4592) are endless and each is asked rarely, so a per-name cache would only churn. The
// answer's owner is a pointer to the question and its RDATA holds no compression pointer, so
// the octets after the question are the same for every name the wildcard covers.
import type { Item } from '../answer/resolve.ts';
import type { Node } from '../model/types.ts';
import { PackedRdata } from '../rdata/schema.ts';

interface Template {
  wire: Buffer;
  qEnd: number;
  node: Node;
  version: number;
}

export class WildcardCache {
  private readonly map = new Map<string, Template>();
  hits = 0;

  /** True when an answer of these items can be a template (no name in it but the question). */
  static relocatable(items: Item[]): boolean {
    return items.every((it) => it.owner === null && it.rrset.rdatas.every((rd) => rd instanceof PackedRdata));
  }

  /** The response for `query` from the node's template, or null when there is none (or stale). */
  get(node: Node, qtype: number, mode: number, query: Buffer, qEnd: number): Buffer | null {
    const t = this.map.get(`${node.key}|${qtype}|${mode}`);
    if (!t || t.node !== node || t.version !== node.version || node.dead) return null;
    const body = t.wire.length - t.qEnd;
    const out = Buffer.allocUnsafe(qEnd + body);
    t.wire.copy(out, 0, 0, 12);
    out[0] = query[0]!;
    out[1] = query[1]!;
    out[2] = (out[2]! & 0xfe) | (query[2]! & 0x01);
    query.copy(out, 12, 12, qEnd);
    t.wire.copy(out, qEnd, t.qEnd);
    this.hits++;
    return out;
  }

  set(node: Node, qtype: number, mode: number, wire: Buffer, qEnd: number): void {
    if (this.map.size > 100_000) this.map.clear();
    this.map.set(`${node.key}|${qtype}|${mode}`, { wire, qEnd, node, version: node.version });
  }

  clear(): void {
    this.map.clear();
  }
}
