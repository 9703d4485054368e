// The JavaScript filter matcher (src/registry/stores/match.ts, used by the MongoDB store on
// FerretDB) against the embedded store's SQL on the same documents: a few thousand generated
// filters over generated documents (arrays of scalars and of objects, nested objects, null,
// missing fields, mixed types, characters above U+FFFF) must select exactly the same documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Doc, Filter, Scalar } from '../../src/core/store.ts';
import { createEmbeddedStore, type EmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { matches } from '../../src/registry/stores/match.ts';
import { parseFilter } from '../../src/registry/stores/query.ts';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const SCALARS: Scalar[] = [
  'a',
  'b',
  'ab',
  'B',
  '',
  '1',
  '\uE000',
  '\u{1F600}',
  0,
  1,
  -1,
  2.5,
  10,
  true,
  false,
  null,
];
const FIELDS = ['f', 'g', 'o.p', 'o.q', 'arr.k', 'arr.m', 'o.arr.k'] as const;

function genDoc(r: ReturnType<typeof rng>, id: number): Doc & Record<string, unknown> {
  const value = (depth: number): unknown => {
    const k = r.int(depth > 1 ? 4 : 7);
    if (k <= 2) return r.pick(SCALARS);
    if (k === 3) return Array.from({ length: r.int(4) }, () => r.pick(SCALARS));
    if (k === 4) return Array.from({ length: r.int(3) }, () => obj(depth + 1));
    return obj(depth + 1);
  };
  const obj = (depth: number) => {
    const o: Record<string, unknown> = {};
    for (const f of ['k', 'm', 'p', 'q', 'arr']) if (r.next() < 0.5) o[f] = value(depth);
    return o;
  };
  const doc: Doc & Record<string, unknown> = { _id: r.next() < 0.2 ? id : `d${id}` };
  for (const f of ['f', 'g', 'o', 'arr']) if (r.next() < 0.8) doc[f] = value(0);
  return doc;
}

function genFilter(r: ReturnType<typeof rng>, depth = 0): Filter {
  const k = r.int(depth > 1 ? 10 : 12);
  if (k === 10) return { $or: [genFilter(r, depth + 1), genFilter(r, depth + 1)] };
  if (k === 11) return { $and: [genFilter(r, depth + 1), genFilter(r, depth + 1)] };
  const path = r.next() < 0.1 ? '_id' : r.pick(FIELDS);
  const s = () => r.pick(SCALARS);
  const range = () =>
    r.pick(SCALARS.filter((v) => typeof v === 'string' || typeof v === 'number')) as string | number;
  switch (k) {
    case 0:
      return { [path]: s() };
    case 1:
      return { [path]: { $ne: s() } };
    case 2:
      return { [path]: { $in: [s(), s()] } };
    case 3:
      return { [path]: { $nin: [s(), s()] } };
    case 4:
      return { [path]: { $exists: r.next() < 0.5 } };
    case 5:
      return { [path]: { $regex: r.pick(['^a', 'b', '^$', '1', '\u{1F600}', '^[aB]b?$']) } };
    case 6:
      return { [path]: { $gt: range() } };
    case 7:
      return { [path]: { $lte: range() } };
    case 8:
      return { [path]: { $gte: range(), $lt: range() } };
    default:
      return { [path]: { $eq: s() } };
  }
}

describe('the JavaScript matcher selects what the embedded store selects', () => {
  let dir: string;
  let store: EmbeddedStore;
  const r = rng(20261206);
  const docs = Array.from({ length: 300 }, (_, i) => genDoc(r, i));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-match-'));
    store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
    await store.ensureSchema({ m: [] });
    await store.collection('m').insertMany(docs);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on 1500 generated filters', async () => {
    const c = store.collection<Doc & Record<string, unknown>>('m');
    const differ: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const filter = genFilter(r);
      const node = parseFilter('m', filter);
      const sql = new Set((await c.find(filter)).map((d) => d._id));
      const js = new Set(docs.filter((d) => matches(node, d)).map((d) => d._id));
      const only = [...sql].filter((id) => !js.has(id)).concat([...js].filter((id) => !sql.has(id)));
      if (only.length)
        differ.push(`${JSON.stringify(filter)}: differs on ${JSON.stringify(only.slice(0, 3))}`);
    }
    expect(differ.slice(0, 10)).toEqual([]);
  });
});
