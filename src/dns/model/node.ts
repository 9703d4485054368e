// A name in a zone. Only the leftmost label is stored; the full name is rebuilt from the parent
// chain when an answer or an export needs it (a million names x 16 labels is a lot of arrays).
// A node is its own RRset list (one object per name instead of three).
import type { Labels } from '#wire';
import { RRsetList } from './rrsets.ts';
import type { Node } from './types.ts';

export class ZoneNode extends RRsetList implements Node {
  readonly key: string;
  readonly parent: ZoneNode | null;
  children = 0;
  version = 0;
  dead = false;
  /** The leftmost label, or for the apex node its whole name. */
  private readonly own: string | Labels;

  constructor(key: string, labels: Labels, parent: ZoneNode | null) {
    super();
    this.key = key;
    this.parent = parent;
    this.own = parent ? labels[0]! : labels;
  }

  get rrsets(): RRsetList {
    return this;
  }

  get labels(): Labels {
    if (!this.parent) return this.own as Labels;
    const out: string[] = [];
    let n: ZoneNode = this;
    while (n.parent) {
      out.push(n.own as string);
      n = n.parent;
    }
    return out.concat(n.own as Labels);
  }
}
