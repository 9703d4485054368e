// Applies the update operators to a document in memory, with MongoDB's rules, for the
// embedded store (which reads, changes and writes back inside one SQLite transaction).
// The update has been checked by validateUpdate first.
import type { Doc, Filter, Update } from '#core';
import { InvalidUpdateError } from '#core';
import { filterEqualities } from './query.ts';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(where: string, message: string): never {
  throw new InvalidUpdateError(`registry: ${where}: ${message}`);
}

/** The object holding the last segment, creating missing objects on the way (for $set, $inc, $push). */
function parentFor(where: string, doc: Obj, path: string, create: boolean): Obj | undefined {
  const segs = path.split('.');
  let cur: Obj = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    const next = cur[s];
    if (next === undefined) {
      if (!create) return undefined;
      const made: Obj = {};
      cur[s] = made;
      cur = made;
    } else if (isObj(next)) {
      cur = next;
    } else {
      if (!create) return undefined;
      fail(where, `cannot create field '${segs.slice(i + 1).join('.')}' in ${s} (${JSON.stringify(next)})`);
    }
  }
  return cur;
}

function last(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return false;
}

/** $pull's element test: a scalar by equality, an object as a query on the element's fields. */
function pullMatches(element: unknown, cond: unknown): boolean {
  if (!isObj(cond)) return deepEqual(element, cond);
  if (!isObj(element)) return false;
  return Object.entries(cond).every(([k, v]) => {
    const ev = element[k];
    return deepEqual(ev, v) || (Array.isArray(ev) && !Array.isArray(v) && ev.some((x) => deepEqual(x, v)));
  });
}

const clone = <V>(v: V): V => structuredClone(v);

/**
 * Returns `doc` with the update applied (`inserting`: $setOnInsert applies too): a new document,
 * or with `copy` false `doc` itself changed (a document just parsed that nobody else holds).
 */
export function applyUpdate<T extends Doc>(
  where: string,
  doc: T,
  update: Update,
  inserting: boolean,
  copy = true,
): T {
  const out = (copy ? clone(doc) : doc) as unknown as Obj;
  if (inserting && update.$setOnInsert) {
    for (const [path, v] of Object.entries(update.$setOnInsert))
      parentFor(where, out, path, true)![last(path)] = clone(v);
  }
  for (const [path, v] of Object.entries(update.$set ?? {}))
    parentFor(where, out, path, true)![last(path)] = clone(v);
  for (const path of Object.keys(update.$unset ?? {})) {
    const parent = parentFor(where, out, path, false);
    if (parent) delete parent[last(path)];
  }
  for (const [path, by] of Object.entries(update.$inc ?? {})) {
    const parent = parentFor(where, out, path, true)!;
    const cur = parent[last(path)];
    if (cur === undefined) parent[last(path)] = by;
    else if (typeof cur === 'number') parent[last(path)] = cur + by;
    else fail(where, `$inc: ${path} is not a number (${JSON.stringify(cur)})`);
  }
  for (const [path, v] of Object.entries(update.$push ?? {})) {
    const parent = parentFor(where, out, path, true)!;
    const cur = parent[last(path)];
    if (cur === undefined) parent[last(path)] = [clone(v)];
    else if (Array.isArray(cur)) cur.push(clone(v));
    else fail(where, `$push: ${path} is not an array (${JSON.stringify(cur)})`);
  }
  for (const [path, cond] of Object.entries(update.$pull ?? {})) {
    const parent = parentFor(where, out, path, false);
    const cur = parent?.[last(path)];
    if (cur === undefined) continue;
    if (!Array.isArray(cur)) fail(where, `$pull: ${path} is not an array (${JSON.stringify(cur)})`);
    parent![last(path)] = cur.filter((e) => !pullMatches(e, cond));
  }
  return out as unknown as T;
}

/** The document an upsert inserts before its update applies: `_id` and the filter's equalities. */
export function upsertSeed<T extends Doc>(where: string, filter: Filter, id: Doc['_id']): T {
  const seed: Obj = { _id: id };
  for (const [path, v] of filterEqualities(filter)) {
    if (path === '_id') continue;
    parentFor(where, seed, path, true)![last(path)] = v;
  }
  return seed as unknown as T;
}
