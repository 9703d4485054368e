// The RRsets of one node: a tiny list with Map's interface. Nodes hold one or two RRsets, and a
// JavaScript Map costs ~200 bytes more per node, which matters at a million names.
import type { RRset } from './types.ts';

const EMPTY: RRset[] = [];

export class RRsetList {
  // replaced, never grown in place: a pushed-to array keeps 17 slots of capacity
  private list: RRset[] = EMPTY;

  get size(): number {
    return this.list.length;
  }

  get(type: number): RRset | undefined {
    const l = this.list;
    for (let i = 0; i < l.length; i++) if (l[i]!.type === type) return l[i];
    return undefined;
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  set(type: number, rs: RRset): void {
    const l = this.list;
    for (let i = 0; i < l.length; i++) {
      if (l[i]!.type === type) {
        // copy-on-write: a zone transfer holding values() keeps its consistent snapshot
        const next = l.slice();
        next[i] = rs;
        this.list = next;
        return;
      }
    }
    this.list = l.length === 0 ? [rs] : l.concat([rs]);
  }

  delete(type: number): boolean {
    const i = this.list.findIndex((r) => r.type === type);
    if (i < 0) return false;
    this.list = this.list.filter((_r, j) => j !== i);
    return true;
  }

  /** The RRsets; the array is never changed afterwards (a snapshot for transfers). */
  values(): readonly RRset[] {
    return this.list;
  }

  keys(): number[] {
    return this.list.map((r) => r.type);
  }
}
