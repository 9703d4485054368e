// A rate deck compiled for matching (docs/billing.md, "Rate decks"): a digit trie in typed
// arrays, so a longest-prefix match walks at most 15 array cells and allocates nothing. Rows of
// one prefix (different validity windows) sit side by side, ordered by start; a match takes the
// longest prefix that has a row valid at the given time.
import type { RateSnapshot } from '#core';
import type { RateRow } from './deck-csv.ts';

export interface DeckInfo {
  id: string;
  kind: 'sell' | 'cost';
  party: string;
  currency: string;
  revision: number;
}

export interface CompiledDeck extends DeckInfo {
  /** Rows, sorted by prefix then start. */
  readonly rows: readonly RateRow[];
  readonly size: number;
  /** The row that prices `digits` (E.164 digits, no '+') at `at`: its index, or -1. */
  matchIndex(digits: string, at: number): number;
  /** The row that prices `digits` at `at`, or null. */
  match(digits: string, at: number): RateRow | null;
  /** What a route records of the row (the rate it was authorized with). */
  snapshot(row: RateRow): RateSnapshot;
}

const ZERO = 48;

export function compileDeck(info: DeckInfo, input: readonly RateRow[]): CompiledDeck {
  const rows = [...input].sort((a, b) =>
    a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.from - b.from,
  );
  let cap = 1024;
  let children = new Int32Array(cap * 10);
  let start = new Int32Array(cap).fill(-1);
  let count = new Int32Array(cap);
  let nodes = 1;
  const grow = () => {
    cap *= 2;
    const c = new Int32Array(cap * 10);
    c.set(children);
    children = c;
    const s = new Int32Array(cap).fill(-1);
    s.set(start);
    start = s;
    const n = new Int32Array(cap);
    n.set(count);
    count = n;
  };
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i]!.prefix;
    let node = 0;
    for (let k = 0; k < p.length; k++) {
      const d = p.charCodeAt(k) - ZERO;
      let child = children[node * 10 + d]!;
      if (child === 0) {
        if (nodes === cap) grow();
        child = nodes++;
        children[node * 10 + d] = child;
      }
      node = child;
    }
    if (start[node] === -1) start[node] = i;
    count[node]!++;
  }
  // The typed arrays are final: trim them to what is used.
  const kids = children.slice(0, nodes * 10);
  const first = start.slice(0, nodes);
  const many = count.slice(0, nodes);
  const from = Float64Array.from(rows, (r) => r.from);
  const until = Float64Array.from(rows, (r) => r.until ?? Number.POSITIVE_INFINITY);
  const path = new Int32Array(16);

  function matchIndex(digits: string, at: number): number {
    let node = 0;
    let depth = 0;
    for (let k = 0; k < digits.length && k < 15; k++) {
      const d = digits.charCodeAt(k) - ZERO;
      if (d < 0 || d > 9) break;
      const child = kids[node * 10 + d]!;
      if (child === 0) break;
      node = child;
      if (many[node]! > 0) path[depth++] = node;
    }
    for (let j = depth - 1; j >= 0; j--) {
      const n = path[j]!;
      const s = first[n]!;
      const e = s + many[n]!;
      for (let i = s; i < e; i++) if (from[i]! <= at && at < until[i]!) return i;
    }
    return -1;
  }

  return {
    ...info,
    rows,
    size: rows.length,
    matchIndex,
    match(digits, at) {
      const i = matchIndex(digits, at);
      return i < 0 ? null : rows[i]!;
    },
    snapshot(r) {
      return {
        deck: info.id,
        revision: info.revision,
        prefix: r.prefix,
        name: r.name,
        rate: r.rate,
        fee: r.fee,
        first: r.first,
        next: r.next,
        currency: info.currency,
      };
    },
  };
}
