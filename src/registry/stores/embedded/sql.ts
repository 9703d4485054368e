// Compiles a parsed filter to an SQLite WHERE clause over the JSON document column, keeping
// MongoDB's semantics: an equality matches an array that contains the value; a path that
// crosses an array looks into each element; a missing field equals null and fails every
// other comparison; comparisons never cross types (1 is not '1', true is not 1).
import type { Scalar } from '#core';
import type { FilterNode } from '../query.ts';

export type Param = string | number | null;

export interface Sql {
  text: string;
  params: Param[];
}

/** A JSON path literal for SQLite ('$.a.b'); segments are checked by parsePath. */
export function jsonPath(segs: string[]): string {
  return `'$${segs.map((s) => `.${s}`).join('')}'`;
}

const NUMERIC = `('integer','real')`;

/** SQL that tests one candidate value `v` of JSON type `t` (both SQL expressions). */
type Leaf = (v: string, t: string) => string;

export class Builder {
  params: Param[] = [];
  private alias = 0;

  /** Numbered placeholders: one value may appear several times in the generated SQL. */
  bind(v: Param): string {
    this.params.push(v);
    return `?${this.params.length}`;
  }

  nextAlias(): string {
    this.alias += 1;
    return `j${this.alias}`;
  }

  /** True when some value reached by `segs` from `base` satisfies `leaf` (MongoDB path semantics). */
  anyValue(base: string, rel: string[], segs: string[], leaf: Leaf): string {
    const p = jsonPath(rel);
    const at = rel.length === 0 ? base : `json_extract(${base}, ${p})`;
    const type = rel.length === 0 ? `json_type(${base})` : `json_type(${base}, ${p})`;
    if (segs.length === 0) {
      const j = this.nextAlias();
      const each = `json_each(${base}, ${p})`;
      return `(${leaf(at, type)} OR (${type} = 'array' AND EXISTS (SELECT 1 FROM ${each} AS ${j} WHERE ${leaf(`${j}.value`, `${j}.type`)})))`;
    }
    const [s, ...rest] = segs as [string, ...string[]];
    const direct = this.anyValue(base, [...rel, s], rest, leaf);
    if (rel.length === 0) return direct;
    // Through an array: each element that is an object continues the path.
    const j = this.nextAlias();
    const inner = this.anyValue(`${j}.value`, [s], rest, leaf);
    const viaArray = `EXISTS (SELECT 1 FROM json_each(${base}, ${p}) AS ${j} WHERE ${j}.type = 'object' AND ${inner})`;
    return `((${type} IS NOT 'array' AND ${direct}) OR (${type} = 'array' AND ${viaArray}))`;
  }

  /** Leaf test for equality with a scalar. */
  eqLeaf(value: Scalar): Leaf {
    if (value === null) return (_v, t) => `(${t} IS NULL OR ${t} = 'null')`;
    if (typeof value === 'boolean') return (_v, t) => `${t} = '${value ? 'true' : 'false'}'`;
    const types = typeof value === 'number' ? `IN ${NUMERIC}` : `= 'text'`;
    const ph = this.bind(value);
    return (v, t) => `(${t} ${types} AND ${v} = ${ph})`;
  }

  compile(node: FilterNode): string {
    switch (node.kind) {
      case 'and':
        return node.items.length === 0 ? '1' : `(${node.items.map((n) => this.compile(n)).join(' AND ')})`;
      case 'or':
        return `(${node.items.map((n) => this.compile(n)).join(' OR ')})`;
      case 'not':
        // A missing field makes comparisons NULL, and NOT NULL is NULL: count it as no match first.
        return `(NOT IFNULL(${this.compile(node.item)}, 0))`;
      default:
        return node.path.length === 1 && node.path[0] === '_id' ? this.idCondition(node) : this.field(node);
    }
  }

  private field(node: Exclude<FilterNode, { kind: 'and' | 'or' | 'not' }>): string {
    const segs = node.path;
    switch (node.kind) {
      case 'exists':
        return this.anyValue('doc', [], segs, (_v, t) => `${t} IS NOT NULL`);
      case 'regex': {
        const ph = this.bind(node.pattern);
        return this.anyValue('doc', [], segs, (v, t) => `(${t} = 'text' AND callx_regexp(${ph}, ${v}))`);
      }
      case 'in': {
        if (node.values.length === 0) return '0';
        const leaves = this.inLeaves(node.values);
        return this.anyValue('doc', [], segs, (v, t) => `(${leaves.map((l) => l(v, t)).join(' OR ')})`);
      }
      case 'cmp': {
        if (node.op === '$eq') return this.anyValue('doc', [], segs, this.eqLeaf(node.value));
        const ph = this.bind(node.value as string | number);
        const types = typeof node.value === 'number' ? `IN ${NUMERIC}` : `= 'text'`;
        const op = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[node.op];
        return this.anyValue('doc', [], segs, (v, t) => `(${t} ${types} AND ${v} ${op} ${ph})`);
      }
    }
  }

  private inLeaves(values: Scalar[]): Leaf[] {
    const leaves: Leaf[] = [];
    const strings = values.filter((v): v is string => typeof v === 'string');
    const numbers = values.filter((v): v is number => typeof v === 'number');
    if (strings.length > 0) {
      const phs = strings.map((s) => this.bind(s)).join(', ');
      leaves.push((v, t) => `(${t} = 'text' AND ${v} IN (${phs}))`);
    }
    if (numbers.length > 0) {
      const phs = numbers.map((n) => this.bind(n)).join(', ');
      leaves.push((v, t) => `(${t} IN ${NUMERIC} AND ${v} IN (${phs}))`);
    }
    for (const b of new Set(values.filter((v) => typeof v === 'boolean'))) leaves.push(this.eqLeaf(b));
    if (values.includes(null)) leaves.push(this.eqLeaf(null));
    return leaves;
  }

  /** `_id` lives in the primary-key column: never missing, never an array. */
  private idCondition(node: Exclude<FilterNode, { kind: 'and' | 'or' | 'not' }>): string {
    const typeOf = (v: Scalar) =>
      typeof v === 'number' ? `typeof(id) IN ${NUMERIC}` : `typeof(id) = 'text'`;
    switch (node.kind) {
      case 'exists':
        return '1';
      case 'regex':
        return `(typeof(id) = 'text' AND callx_regexp(${this.bind(node.pattern)}, id))`;
      case 'in': {
        const ids = node.values.filter(
          (v): v is string | number => typeof v === 'string' || typeof v === 'number',
        );
        return ids.length === 0 ? '0' : `id IN (${ids.map((v) => this.bind(v)).join(', ')})`;
      }
      case 'cmp': {
        const v = node.value;
        if (typeof v !== 'string' && typeof v !== 'number') return '0';
        if (node.op === '$eq') return `id = ${this.bind(v)}`;
        const op = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[node.op];
        return `(${typeOf(v)} AND id ${op} ${this.bind(v)})`;
      }
    }
  }
}

/** The expression an index is built on and a prefilter compares: spelled the same in both. */
export function fieldExpr(segs: string[]): string {
  return `json_extract(doc, ${jsonPath(segs)})`;
}

/** True when the value at the path, or a prefix of it, is an array (then MongoDB looks inside). */
export function arrayOnPath(segs: string[]): string {
  return segs.map((_, i) => `json_type(doc, ${jsonPath(segs.slice(0, i + 1))}) = 'array'`).join(' OR ');
}

/** ORDER BY terms: the sort fields, then `id` so ties are deterministic. */
export function compileSort(sort: Array<[string[], 1 | -1]>): string {
  const terms = sort.map(([segs, dir]) => {
    const expr = segs.length === 1 && segs[0] === '_id' ? 'id' : `json_extract(doc, ${jsonPath(segs)})`;
    return `${expr} ${dir === 1 ? 'ASC' : 'DESC'}`;
  });
  if (!sort.some(([segs]) => segs.length === 1 && segs[0] === '_id')) terms.push('id ASC');
  return terms.join(', ');
}
