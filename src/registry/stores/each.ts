// findOneAndUpdateEach for a store whose writes are round trips (MongoDB, FerretDB): the writes
// run concurrently, a bounded number at once, those to one `_id` one after another in the
// given order (src/core/store.ts, "findOneAndUpdateEach").
import type { Doc, EachResult, Id, UpdateEachOp } from '#core';
import { StoreError } from '#core';
import { pinnedIdOf, upsertId, validateUpdate } from './query.ts';

/** Writes in flight at once on MongoDB: enough to overlap the round trips, well inside the driver's pool (100). */
export const EACH_CONCURRENCY = 32;
/**
 * ... and in locks mode (FerretDB v1 on SQLite): its writes queue for SQLite's one write lock and
 * scan the collection under it, so more writers only contend (300 locked `$inc` on 1,000
 * documents: ~90 a second one at a time or 4 at once, ~60 with 32).
 */
export const EACH_CONCURRENCY_LOCKS = 4;

/** Checks every write first (nothing is sent when one is outside the subset), then runs them. */
export async function updateEach<T extends Doc>(
  where: string,
  ops: readonly UpdateEachOp[],
  one: (op: UpdateEachOp) => Promise<T | null>,
  concurrency = EACH_CONCURRENCY,
): Promise<EachResult<T>[]> {
  const groups = new Map<string, number[]>();
  ops.forEach((op, i) => {
    const id: Id = pinnedIdOf(where, op.filter);
    validateUpdate(where, op.update);
    if (op.options?.upsert) upsertId(where, op.filter, op.update);
    const key = `${typeof id}:${id}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const out: EachResult<T>[] = new Array(ops.length);
  const queue = [...groups.values()];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift())
      for (const i of g) {
        try {
          out[i] = { ok: true, doc: await one(ops[i]!) };
        } catch (err) {
          if (!(err instanceof StoreError)) throw err;
          out[i] = { ok: false, error: err };
        }
      }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return out;
}
