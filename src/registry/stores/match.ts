// Evaluates a parsed filter against one document in JavaScript, with the same semantics as the
// embedded store's SQL (embedded/sql.ts) and MongoDB: an equality matches an array that contains
// the value; a path that crosses an array looks into each element that is an object; a missing
// field equals null and fails every other comparison; comparisons never cross types; strings
// compare by code point (MongoDB's and SQLite's binary UTF-8 order).
//
// The MongoDB store uses it on FerretDB, which pushes only `{_id: <string>}` down to its
// storage and decodes every document of the collection for any other filter: a write with a
// precondition reads its document by `_id` alone and checks the rest here (docs/registry.md).
import type { Scalar } from '#core';
import type { FilterNode } from './query.ts';

type Leaf = (v: unknown) => boolean;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when some value reached by `segs` from `v` satisfies `leaf` (undefined: missing). */
function anyValue(v: unknown, segs: readonly string[], leaf: Leaf): boolean {
  if (segs.length === 0) return leaf(v) || (Array.isArray(v) && v.some(leaf));
  const [s, ...rest] = segs as [string, ...string[]];
  if (Array.isArray(v)) return v.some((e) => isObj(e) && anyValue(e[s], rest, leaf));
  return anyValue(isObj(v) ? v[s] : undefined, rest, leaf);
}

/** Code point order (UTF-16 code unit order differs only around surrogates). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (a code point above U+FFFF) sorts after every BMP character.
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function eqLeaf(value: Scalar): Leaf {
  if (value === null) return (v) => v === undefined || v === null;
  return (v) => v === value;
}

function rangeLeaf(op: '$lt' | '$lte' | '$gt' | '$gte', value: string | number): Leaf {
  const test = (c: number) => (op === '$lt' ? c < 0 : op === '$lte' ? c <= 0 : op === '$gt' ? c > 0 : c >= 0);
  if (typeof value === 'number') return (v) => typeof v === 'number' && test(v - value);
  return (v) => typeof v === 'string' && test(compareStrings(v, value));
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** Does `doc` match the parsed filter? */
export function matches(node: FilterNode, doc: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matches(n, doc));
    case 'or':
      return node.items.some((n) => matches(n, doc));
    case 'not':
      return !matches(node.item, doc);
    case 'exists':
      return anyValue(doc, node.path, (v) => v !== undefined);
    case 'regex': {
      const re = regex(node.pattern);
      return anyValue(doc, node.path, (v) => typeof v === 'string' && re.test(v));
    }
    case 'in': {
      const leaves = node.values.map(eqLeaf);
      return anyValue(doc, node.path, (v) => leaves.some((l) => l(v)));
    }
    case 'cmp':
      return anyValue(
        doc,
        node.path,
        node.op === '$eq' ? eqLeaf(node.value) : rangeLeaf(node.op, node.value as string | number),
      );
  }
}
