// The supported query and update subset, parsed and validated once for both stores: the
// embedded store compiles the parsed form to SQL, the MongoDB store checks it before sending
// the original to the server, so a filter outside the subset fails the same way everywhere.
import type { Filter, Id, Scalar, Sort, Update } from '#core';
import { UnsupportedQueryError } from '#core';

export type CompareOp = '$eq' | '$lt' | '$lte' | '$gt' | '$gte';

export type FilterNode =
  | { kind: 'and'; items: FilterNode[] }
  | { kind: 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'cmp'; path: string[]; op: CompareOp; value: Scalar }
  | { kind: 'in'; path: string[]; values: Scalar[] }
  | { kind: 'exists'; path: string[] }
  | { kind: 'regex'; path: string[]; pattern: string };

const SEGMENT = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
const FIELD_OPS = new Set(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists', '$regex']);

function fail(where: string, message: string): never {
  throw new UnsupportedQueryError(`registry: ${where}: ${message}`);
}

/** Splits and checks a dot path; array positions and odd characters are outside the subset. */
export function parsePath(where: string, path: string): string[] {
  const segs = path.split('.');
  for (const s of segs) {
    if (!SEGMENT.test(s)) fail(where, `unsupported field path '${path}'`);
  }
  return segs;
}

function isScalar(v: unknown): v is Scalar {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v))
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(where: string, path: string, op: string, v: unknown): Scalar {
  if (!isScalar(v)) fail(where, `${path}: ${op} needs a string, number, boolean or null`);
  return v;
}

function rangeValue(where: string, path: string, op: string, v: unknown): string | number {
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  return fail(where, `${path}: ${op} needs a string or a number`);
}

function fieldCondition(where: string, key: string, cond: unknown): FilterNode[] {
  const path = parsePath(where, key);
  if (!isPlainObject(cond)) return [{ kind: 'cmp', path, op: '$eq', value: scalar(where, key, '$eq', cond) }];
  const ops = Object.keys(cond);
  if (ops.length === 0 || ops.some((op) => !FIELD_OPS.has(op))) {
    const bad = ops.find((op) => !FIELD_OPS.has(op));
    fail(
      where,
      bad ? `${key}: unsupported operator or embedded document '${bad}'` : `${key}: empty condition`,
    );
  }
  const out: FilterNode[] = [];
  for (const op of ops) {
    const v = cond[op];
    switch (op) {
      case '$eq':
        out.push({ kind: 'cmp', path, op, value: scalar(where, key, op, v) });
        break;
      case '$ne':
        out.push({ kind: 'not', item: { kind: 'cmp', path, op: '$eq', value: scalar(where, key, op, v) } });
        break;
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        out.push({ kind: 'cmp', path, op, value: rangeValue(where, key, op, v) });
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(v)) fail(where, `${key}: ${op} needs an array`);
        const node: FilterNode = { kind: 'in', path, values: v.map((x) => scalar(where, key, op, x)) };
        out.push(op === '$in' ? node : { kind: 'not', item: node });
        break;
      }
      case '$exists':
        if (typeof v !== 'boolean') fail(where, `${key}: $exists needs true or false`);
        out.push(v ? { kind: 'exists', path } : { kind: 'not', item: { kind: 'exists', path } });
        break;
      case '$regex':
        if (typeof v !== 'string') fail(where, `${key}: $regex needs a pattern string`);
        try {
          new RegExp(v);
        } catch (err) {
          fail(where, `${key}: bad $regex: ${(err as Error).message}`);
        }
        out.push({ kind: 'regex', path, pattern: v });
        break;
    }
  }
  return out;
}

/** Parses a filter into a tree; throws UnsupportedQueryError for anything outside the subset. */
export function parseFilter(where: string, filter: Filter): FilterNode {
  if (!isPlainObject(filter)) fail(where, 'filter must be an object');
  const items: FilterNode[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (cond === undefined) fail(where, `${key}: condition is undefined`);
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(cond) || cond.length === 0) fail(where, `${key} needs a non-empty array of filters`);
      const sub = cond.map((f) => parseFilter(where, f as Filter));
      items.push({ kind: key === '$and' ? 'and' : 'or', items: sub });
    } else if (key.startsWith('$')) {
      fail(where, `unsupported operator '${key}'`);
    } else {
      items.push(...fieldCondition(where, key, cond));
    }
  }
  return { kind: 'and', items };
}

/** Equalities the filter pins (top level and inside $and): the seed of an upserted document. */
export function filterEqualities(filter: Filter): Array<[string, Scalar]> {
  const out: Array<[string, Scalar]> = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const f of cond) out.push(...filterEqualities(f as Filter));
    } else if (!key.startsWith('$')) {
      if (isScalar(cond)) out.push([key, cond]);
      else if (isPlainObject(cond) && '$eq' in cond && isScalar(cond.$eq)) out.push([key, cond.$eq]);
    }
  }
  return out;
}

/** The `_id` an upsert would insert, or an error: stores never invent ids. */
export function upsertId(where: string, filter: Filter, update: Update): Id {
  const fromInsert = update.$setOnInsert?._id;
  if (typeof fromInsert === 'string' || typeof fromInsert === 'number') return fromInsert;
  const eq = filterEqualities(filter).find(([k]) => k === '_id');
  if (eq && (typeof eq[1] === 'string' || typeof eq[1] === 'number')) return eq[1];
  return fail(where, 'upsert needs an _id equality in the filter or _id in $setOnInsert');
}

/** The `_id` a write of a batch pins by an equality (findOneAndUpdateEach); refused otherwise. */
export function pinnedIdOf(where: string, filter: Filter): Id {
  const eq = filterEqualities(filter).find(([k]) => k === '_id');
  if (eq && (typeof eq[1] === 'string' || typeof eq[1] === 'number')) return eq[1];
  return fail(where, 'each write of a batch must pin one _id by an equality');
}

export type UpdateOp = '$set' | '$unset' | '$inc' | '$push' | '$pull' | '$setOnInsert';
const UPDATE_OPS = new Set<string>(['$set', '$unset', '$inc', '$push', '$pull', '$setOnInsert']);

/**
 * Why a value cannot be stored, or null. Documents are JSON; FerretDB v1 also refuses arrays
 * directly inside arrays and field names with '$' or '.', so no store accepts them.
 */
function badValue(v: unknown, inArray: boolean, top: boolean): string | null {
  if (v === undefined) return top ? null : inArray ? 'undefined inside an array' : null;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : `number ${v} is not finite`;
  if (Array.isArray(v)) {
    if (inArray) return 'arrays inside arrays are not supported';
    for (const x of v) {
      const bad = badValue(x, true, false);
      if (bad) return bad;
    }
    return null;
  }
  if (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '' || k.startsWith('$') || k.includes('.'))
        return `field name '${k}' (empty, '$' first or '.')`;
      const bad = badValue(x, false, false);
      if (bad) return `${k}: ${bad}`;
    }
    return null;
  }
  return `${Object.prototype.toString.call(v)} is not a JSON value`;
}

/** Checks a document before it is written (insert, replace); throws UnsupportedQueryError. */
export function validateDocument(where: string, doc: unknown): void {
  if (!isPlainObject(doc)) fail(where, 'document must be an object');
  validateId(where, doc._id);
  const bad = badValue(doc, false, false);
  if (bad) fail(where, `document ${JSON.stringify(doc._id)}: ${bad}`);
}

/**
 * Checks an update: known operators only, valid paths, no path set twice or inside another
 * (MongoDB rejects those as conflicts), `_id` only in $setOnInsert, no undefined values.
 */
export function validateUpdate(where: string, update: Update): void {
  if (!isPlainObject(update)) fail(where, 'update must be an object');
  const ops = Object.keys(update);
  if (ops.length === 0) fail(where, 'empty update');
  const seen: string[] = [];
  for (const op of ops) {
    if (!UPDATE_OPS.has(op)) fail(where, `unsupported update operator '${op}'`);
    const fields = (update as Record<string, unknown>)[op];
    if (!isPlainObject(fields) || Object.keys(fields).length === 0)
      fail(where, `${op} needs a non-empty object`);
    for (const [path, value] of Object.entries(fields)) {
      parsePath(where, path);
      if (path === '_id' && op !== '$setOnInsert') fail(where, `${op}: _id cannot change`);
      if (value === undefined) fail(where, `${op}: ${path}: undefined value`);
      if (op === '$inc' && !(typeof value === 'number' && Number.isFinite(value))) {
        fail(where, `$inc: ${path}: needs a number`);
      }
      if (op === '$pull' && isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        fail(where, `$pull: ${path}: operators inside $pull are not supported`);
      }
      // $push puts its value inside an array.
      const bad = badValue(value, op === '$push', false);
      if (bad) fail(where, `${op}: ${path}: ${bad}`);
      for (const other of seen) {
        if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
          fail(where, `update paths '${other}' and '${path}' conflict`);
        }
      }
      seen.push(path);
    }
  }
}

/** Checks sort keys and directions. */
export function validateSort(where: string, sort: Sort | undefined): Array<[string[], 1 | -1]> {
  if (sort === undefined) return [];
  if (!isPlainObject(sort)) fail(where, 'sort must be an object');
  return Object.entries(sort).map(([path, dir]) => {
    if (dir !== 1 && dir !== -1) fail(where, `sort ${path}: direction must be 1 or -1`);
    return [parsePath(where, path), dir];
  });
}

export function validatePaging(where: string, limit: number | undefined, skip: number | undefined): void {
  for (const [name, v] of [
    ['limit', limit],
    ['skip', skip],
  ] as const) {
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0))
      fail(where, `${name} must be a non-negative integer`);
  }
}

const COLLECTION_NAME = /^[a-z][A-Za-z0-9_]{0,62}$/;

export function validateCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new UnsupportedQueryError(`registry: bad collection name '${name}' (letters, digits, '_')`);
  }
}

export function validateId(where: string, id: unknown): asserts id is Id {
  const ok = (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id));
  if (!ok)
    fail(
      where,
      `_id must be a non-empty string or a finite number (got ${JSON.stringify(id) ?? 'undefined'})`,
    );
}
