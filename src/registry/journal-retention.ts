// How far the change journal may be trimmed (docs/registry.md, "Journal retention"): entries
// older than the retention period, and never past a checkpoint that readers start from — the
// DNS nodes' serial checkpoint (a starting node computes its serials from the entries after
// it). Without such a checkpoint nothing is trimmed. A running node that falls below the floor
// reloads from the documents (JournalTrimmedError).

import type { Clock, Store } from '#core';
import { COLLECTIONS, type Counter, type JournalEntry, systemClock } from '#core';
import type { Journal } from './journal.ts';

export interface RetentionOptions {
  /** Keep entries younger than this (ms). */
  keepMs: number;
  /** counters/_id of checkpoints whose `seq` readers start from. */
  checkpoints: readonly string[];
  clock?: Clock;
}

/** The sequence the journal may be trimmed up to now (0: nothing). */
export async function trimPoint(store: Store, opts: RetentionOptions): Promise<number> {
  const counters = store.collection<Counter>(COLLECTIONS.counters);
  if (opts.checkpoints.length === 0) return 0;
  let limit = Number.POSITIVE_INFINITY;
  for (const id of opts.checkpoints) {
    const seq = (await counters.get(id))?.seq;
    if (typeof seq !== 'number') return 0;
    limit = Math.min(limit, seq);
  }
  const cutoff = (opts.clock ?? systemClock).now() - opts.keepMs;
  const [old] = await store
    .collection<JournalEntry>(COLLECTIONS.journal)
    .find({ _id: { $lte: limit }, at: { $lt: cutoff } }, { sort: { _id: -1 }, limit: 1 });
  return old ? old._id : 0;
}

/** One retention pass: trims the journal as far as trimPoint() allows. */
export async function applyRetention(
  store: Store,
  journal: Journal,
  opts: RetentionOptions,
): Promise<{ floor: number; deleted: number }> {
  const upTo = await trimPoint(store, opts);
  if (upTo <= (await journal.floor())) return { floor: await journal.floor(), deleted: 0 };
  return journal.trim(upTo);
}
