// The RRsets of one node: a tiny list with Map's interface. Most names hold one RRset, so that
// one sits in a field of its own and only a second one makes an array; a JavaScript Map would
// cost ~200 bytes more per name, which matters at a million names.
import type { RRset } from './types.ts';

const EMPTY: readonly RRset[] = [];

export class RRsetList {
  /** The only RRset when there is exactly one (the list is null then). */
  private one: RRset | null = null;
  /** Two or more; replaced, never changed in place (a zone transfer keeps its snapshot). */
  private list: RRset[] | null = null;

  get size(): number {
    return this.list !== null ? this.list.length : this.one !== null ? 1 : 0;
  }

  get(type: number): RRset | undefined {
    const o = this.one;
    if (o !== null) return o.type === type ? o : undefined;
    const l = this.list;
    if (l === null) return undefined;
    for (let i = 0; i < l.length; i++) if (l[i]!.type === type) return l[i];
    return undefined;
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  set(type: number, rs: RRset): void {
    const o = this.one;
    if (o !== null) {
      if (o.type === type) this.one = rs;
      else {
        this.one = null;
        this.list = [o, rs];
      }
      return;
    }
    const l = this.list;
    if (l === null) {
      this.one = rs;
      return;
    }
    for (let i = 0; i < l.length; i++) {
      if (l[i]!.type === type) {
        // copy-on-write: a zone transfer holding values() keeps its consistent snapshot
        const next = l.slice();
        next[i] = rs;
        this.list = next;
        return;
      }
    }
    this.list = l.concat([rs]);
  }

  delete(type: number): boolean {
    const o = this.one;
    if (o !== null) {
      if (o.type !== type) return false;
      this.one = null;
      return true;
    }
    const l = this.list;
    if (l === null) return false;
    const i = l.findIndex((r) => r.type === type);
    if (i < 0) return false;
    const next = l.filter((_r, j) => j !== i);
    if (next.length === 1) {
      this.one = next[0]!;
      this.list = null;
    } else this.list = next;
    return true;
  }

  /** The RRsets; the array is never changed afterwards (a snapshot for transfers). */
  values(): readonly RRset[] {
    if (this.list !== null) return this.list;
    return this.one !== null ? [this.one] : EMPTY;
  }

  keys(): number[] {
    return this.values().map((r) => r.type);
  }
}
