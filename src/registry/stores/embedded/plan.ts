// Index use for the embedded store. The exact MongoDB semantics (an equality also matches an
// array containing the value) need an OR that SQLite cannot answer from an expression index,
// so a query on indexed fields gets a prefilter that selects a superset of the matches:
//
//   id IN (SELECT id FROM t WHERE <index expressions = values>     -- scalar matches, by index
//          UNION ALL SELECT id FROM t WHERE <path crosses an array>) -- rare, by a partial index
//
// and the exact WHERE clause is then checked on those rows only.
import type { FilterNode } from '../query.ts';
import { arrayOnPath, type Builder, fieldExpr } from './sql.ts';

type Leaf = Extract<FilterNode, { path: string[] }>;

function flatten(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? node.items.flatMap(flatten) : [node];
}

const key = (segs: string[]) => segs.join('.');

/** The smallest string greater than every string starting with `prefix`, or null. */
function prefixEnd(prefix: string): string | null {
  const code = prefix.charCodeAt(prefix.length - 1);
  if (code >= 0xffff) return null;
  return prefix.slice(0, -1) + String.fromCharCode(code + 1);
}

/** The literal prefix an anchored regex requires ('^8210.*' -> '8210'), or ''. */
export function regexPrefix(pattern: string): string {
  if (!pattern.startsWith('^') || pattern.includes('|')) return '';
  let out = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i]!;
    if ('\\.[]()*+?{}^$'.includes(c)) {
      // A quantifier makes the character before it optional.
      if ('*?{'.includes(c)) out = out.slice(0, -1);
      break;
    }
    out += c;
  }
  return out;
}

/** How a field's conditions can drive an index: pin it (equality, $in), bound it (range), or not. */
function usage(conds: Leaf[]): 'eq' | 'range' | null {
  if (conds.some((c) => (c.kind === 'cmp' && c.op === '$eq' && c.value !== null) || isDrivingIn(c)))
    return 'eq';
  if (
    conds.some((c) => (c.kind === 'cmp' && c.op !== '$eq') || (c.kind === 'regex' && regexPrefix(c.pattern)))
  ) {
    return 'range';
  }
  return null;
}

function isDrivingIn(c: Leaf): boolean {
  return c.kind === 'in' && c.values.length > 0 && !c.values.includes(null);
}

/** Terms for one indexed field: equality terms (the index may continue) or range terms (it stops). */
function termsFor(b: Builder, conds: Leaf[], segs: string[]): { eq?: string; range?: string[] } {
  const expr = fieldExpr(segs);
  for (const c of conds) {
    if (c.kind === 'cmp' && c.op === '$eq' && c.value !== null) {
      const v = typeof c.value === 'boolean' ? Number(c.value) : c.value;
      return { eq: `${expr} = ${b.bind(v)}` };
    }
    if (c.kind === 'in' && isDrivingIn(c)) {
      const vs = c.values.map((v) => b.bind(typeof v === 'boolean' ? Number(v) : v));
      return { eq: `${expr} IN (${vs.join(', ')})` };
    }
  }
  const range: string[] = [];
  for (const c of conds) {
    if (c.kind === 'cmp' && c.op !== '$eq') {
      const op = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[c.op];
      range.push(`${expr} ${op} ${b.bind(c.value as string | number)}`);
      // SQLite orders numbers before text: keep a number range off the strings and vice versa.
      range.push(typeof c.value === 'number' ? `${expr} < ''` : `${expr} >= ''`);
    } else if (c.kind === 'regex') {
      const prefix = regexPrefix(c.pattern);
      if (prefix === '') continue;
      range.push(`${expr} >= ${b.bind(prefix)}`);
      const end = prefixEnd(prefix);
      if (end !== null) range.push(`${expr} < ${b.bind(end)}`);
    }
  }
  return range.length > 0 ? { range } : {};
}

/**
 * Chooses the index that pins the most leading fields and returns the prefilter SQL, or null
 * when no index helps (an `_id` condition needs none: it compiles to the primary key).
 */
export function prefilter(b: Builder, table: string, root: FilterNode, indexes: string[][][]): string | null {
  const byPath = new Map<string, Leaf[]>();
  for (const n of flatten(root)) {
    if (n.kind === 'and' || n.kind === 'or' || n.kind === 'not') continue;
    if (key(n.path) === '_id' && (n.kind === 'in' || (n.kind === 'cmp' && n.op === '$eq'))) return null;
    const list = byPath.get(key(n.path)) ?? [];
    list.push(n);
    byPath.set(key(n.path), list);
  }
  if (byPath.size === 0) return null;
  let best: { paths: string[][]; score: number } | null = null;
  for (const fields of indexes) {
    let score = 0;
    const paths: string[][] = [];
    for (const segs of fields) {
      const conds = byPath.get(key(segs));
      const use = conds ? usage(conds) : null;
      if (use === null) break;
      paths.push(segs);
      score += use === 'eq' ? 2 : 1;
      if (use === 'range') break;
    }
    if (score > 0 && (!best || score > best.score)) best = { paths, score };
  }
  if (!best) return null;
  const terms = best.paths.flatMap((segs) => {
    const t = termsFor(b, byPath.get(key(segs))!, segs);
    return t.eq ? [t.eq] : (t.range ?? []);
  });
  const arrays = best.paths.map((segs) => `SELECT id FROM ${table} WHERE ${arrayOnPath(segs)}`);
  return `id IN (SELECT id FROM ${table} WHERE ${terms.join(' AND ')} UNION ALL ${arrays.join(' UNION ALL ')})`;
}

/**
 * A prefilter for a sorted, limited read whose sort field comes right after the fields an index
 * pins by equality (the store's search: country, kind, status, then digits): the scalar matches
 * are read in index order with the exact condition and stop after `n` rows, instead of all
 * candidates being collected and sorted (seconds for a million). Rows whose paths cross an
 * array are added as in `prefilter`; the caller still applies the exact condition and the sort.
 * Ascending sorts only (ties are by id ascending, which the index order gives). Null: no such index.
 */
export function orderedPrefilter(
  b: Builder,
  table: string,
  root: FilterNode,
  indexes: string[][][],
  sort: [string[], 1 | -1],
  exact: string,
  n: number,
): string | null {
  const [sortSegs, dir] = sort;
  if (dir !== 1 || key(sortSegs) === '_id') return null;
  const byPath = new Map<string, Leaf[]>();
  for (const node of flatten(root)) {
    if (node.kind === 'and' || node.kind === 'or' || node.kind === 'not') continue;
    if (key(node.path) === '_id' && (node.kind === 'in' || (node.kind === 'cmp' && node.op === '$eq')))
      return null;
    const list = byPath.get(key(node.path)) ?? [];
    list.push(node);
    byPath.set(key(node.path), list);
  }
  let best: string[][] | null = null;
  for (const fields of indexes) {
    const eqs: string[][] = [];
    let i = 0;
    for (; i < fields.length; i++) {
      const conds = byPath.get(key(fields[i]!));
      if (!conds || usage(conds) !== 'eq') break;
      eqs.push(fields[i]!);
    }
    if (
      eqs.length > 0 &&
      fields[i] &&
      key(fields[i]!) === key(sortSegs) &&
      (!best || eqs.length > best.length)
    )
      best = eqs;
  }
  if (!best) return null;
  const terms = best.map((segs) => termsFor(b, byPath.get(key(segs))!, segs).eq!);
  const sortConds = byPath.get(key(sortSegs));
  if (sortConds) terms.push(...(termsFor(b, sortConds, sortSegs).range ?? []));
  const sortExpr = fieldExpr(sortSegs);
  const inner = `SELECT id FROM ${table} WHERE ${terms.join(' AND ')} AND ${exact} ORDER BY ${sortExpr} ASC, id ASC LIMIT ${n}`;
  const arrays = [...best, sortSegs].map((segs) => `SELECT id FROM ${table} WHERE ${arrayOnPath(segs)}`);
  return `id IN (SELECT id FROM (${inner}) UNION ALL ${arrays.join(' UNION ALL ')})`;
}
