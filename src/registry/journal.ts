// The change journal, written once over the Collection API so both stores share it
// (docs/registry.md, "Change journal").
//
// Writers take a sequence number from counters/'journal' ($inc, upsert) and insert the entry
// with `_id` = that number. Two writers may commit out of order, and a writer may die between
// taking a number and inserting, so a reader only ever advances over a contiguous run. A gap
// that stays open longer than the grace period is closed by the reader inserting a `noop`
// entry with that `_id`; the unique `_id` decides the race with a late writer, which gets a
// DuplicateKeyError and appends again under a new number. Hence every entry is read exactly
// once, in sequence order, by every reader.
//
// Trimming (docs/registry.md, "Journal retention"): `trim(upTo)` first moves the floor
// (counters/'journal.floor', only ever forward), then deletes the entries at or below it. A
// reader that finds no entry right after its position checks the floor before it would wait or
// close a gap: a position below the floor gets JournalTrimmedError (the reader must reload from
// the documents), never a trimmed range "closed" as gaps.
import type { Logger } from '#core';
import {
  type Clock,
  COLLECTIONS,
  type Collection,
  type Counter,
  DuplicateKeyError,
  formatSource,
  GAP_SOURCE,
  type JournalEntry,
  type PublishedRRset,
  type Source,
  type Store,
  StoreError,
  systemClock,
} from '#core';

/** What a writer appends; the journal adds `_id` (sequence) and `at`, and stores the source's string form. */
export interface JournalAppend {
  source: Source;
  version: number;
  rrsets: PublishedRRset[];
  deletedZone?: string;
  /** The derivation version that computed `rrsets` (src/publish); none for an empty removal. */
  derivation?: number;
}

export interface JournalOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** How long a gap may stay open before a reader closes it (ms). DNS must see changes within 1 s. */
  graceMs?: number;
  /** Fault injection for tests: runs after a sequence number is taken, before the entry is inserted. */
  beforeInsert?: (seq: number) => Promise<void> | void;
}

export interface Journal {
  /** Appends an entry; resolves with its sequence number once it is stored. */
  append(entry: JournalAppend): Promise<number>;
  /**
   * Entries after `position` (a sequence number; 0 = from the start), in order, with no gap:
   * stops before the first missing number unless that gap is older than the grace period, in
   * which case it is closed with a `noop` entry (returned like any other entry).
   */
  readAfter(position: number, limit?: number): Promise<JournalEntry[]>;
  /** The highest sequence number up to which the journal is contiguous. */
  head(): Promise<number>;
  /** Drops the entries at or below `upTo` (the floor only moves forward). Returns the floor and how many went. */
  trim(upTo: number): Promise<{ floor: number; deleted: number }>;
  /** Entries at or below this have been trimmed (0: none). */
  floor(): Promise<number>;
}

/** A reader's position is below the journal's floor: the entries after it are gone. */
export class JournalTrimmedError extends Error {
  override name = 'JournalTrimmedError';
  readonly position: number;
  readonly floorSeq: number;
  constructor(position: number, floorSeq: number) {
    super(`registry: journal: entries up to ${floorSeq} were trimmed; position ${position} is below them`);
    this.position = position;
    this.floorSeq = floorSeq;
  }
}

/** counters/_id of the sequence, and of the checkpoint that keeps head() short. */
export const JOURNAL_COUNTER = 'journal';
export const JOURNAL_HEAD = 'journal.head';
export const JOURNAL_FLOOR = 'journal.floor';

const MAX_APPEND_ATTEMPTS = 20;
const MAX_GAPS_PER_READ = 64;
const HEAD_BATCH = 1000;

export function createJournal(opts: JournalOptions): Journal {
  const { store } = opts;
  const clock = opts.clock ?? systemClock;
  const graceMs = opts.graceMs ?? 500;
  const log = opts.logger.child({ component: 'journal' });
  const entries: Collection<JournalEntry> = store.collection<JournalEntry>(COLLECTIONS.journal);
  const counters: Collection<Counter> = store.collection<Counter>(COLLECTIONS.counters);
  /** When this reader first saw each open gap (its own clock: no trust in other nodes' clocks needed). */
  const gapSeen = new Map<number, number>();

  async function nextSeq(): Promise<number> {
    const c = await counters.findOneAndUpdate(
      { _id: JOURNAL_COUNTER },
      { $inc: { seq: 1 } },
      { upsert: true },
    );
    if (!c || typeof c.seq !== 'number')
      throw new StoreError('registry: journal: sequence counter is broken');
    return c.seq;
  }

  async function append(entry: JournalAppend): Promise<number> {
    const source = formatSource(entry.source);
    const stored: Omit<JournalEntry, '_id' | 'at'> = {
      source,
      version: entry.version,
      rrsets: entry.rrsets,
      ...(entry.deletedZone !== undefined ? { deletedZone: entry.deletedZone } : {}),
      ...(entry.derivation !== undefined ? { derivation: entry.derivation } : {}),
    };
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const seq = await nextSeq();
      await opts.beforeInsert?.(seq);
      try {
        await entries.insert({ _id: seq, at: clock.now(), ...stored });
        return seq;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        // A reader closed our number as a gap while we were slow: take a new one.
        log.warn({ seq, source }, 'journal: sequence number was closed as a gap; appending again');
      }
    }
    throw new StoreError(
      `registry: journal: could not append ${source} after ${MAX_APPEND_ATTEMPTS} attempts`,
    );
  }

  /** The gap at `seq` is older than the grace period, by our clock or by the entry after it. */
  function gapExpired(seq: number, after: JournalEntry): boolean {
    const now = clock.now();
    let first = gapSeen.get(seq);
    if (first === undefined) {
      first = now;
      gapSeen.set(seq, now);
    }
    return now - first >= graceMs || now - after.at >= graceMs;
  }

  async function closeGap(seq: number): Promise<void> {
    try {
      await entries.insert({
        _id: seq,
        at: clock.now(),
        source: GAP_SOURCE,
        version: 0,
        rrsets: [],
        noop: true,
      });
      log.warn({ seq }, 'journal: closed a gap whose writer did not complete within the grace period');
    } catch (err) {
      // The writer made it after all, or another reader closed it first: either way it is filled.
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    gapSeen.delete(seq);
  }

  async function readAfter(position: number, limit = 1000): Promise<JournalEntry[]> {
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new StoreError(`registry: journal: bad position ${position}`);
    }
    const out: JournalEntry[] = [];
    let expect = position + 1;
    for (const seq of gapSeen.keys()) if (seq < expect) gapSeen.delete(seq);
    for (let gaps = 0; out.length < limit; ) {
      const rows = await entries.find(
        { _id: { $gt: expect - 1 } },
        { sort: { _id: 1 }, limit: limit - out.length },
      );
      // nothing right after the position: it may have been trimmed away
      if (out.length === 0 && rows[0]?._id !== expect) await assertNotTrimmed(position, expect);
      let i = 0;
      while (i < rows.length && rows[i]!._id === expect) {
        out.push(rows[i]!);
        i++;
        expect++;
      }
      if (i === rows.length) break;
      if (gaps >= MAX_GAPS_PER_READ || !gapExpired(expect, rows[i]!)) break;
      await assertNotTrimmed(position, expect);
      await closeGap(expect);
      gaps++;
    }
    return out;
  }

  async function head(): Promise<number> {
    const checkpoint = (await counters.get(JOURNAL_HEAD))?.seq ?? 0;
    let pos = checkpoint;
    for (;;) {
      let batch: JournalEntry[];
      try {
        batch = await readAfter(pos, HEAD_BATCH);
      } catch (err) {
        // trimmed past the checkpoint: everything up to the floor was contiguous when it went
        if (!(err instanceof JournalTrimmedError)) throw err;
        pos = err.floorSeq;
        continue;
      }
      if (batch.length > 0) pos = batch[batch.length - 1]!._id;
      if (batch.length < HEAD_BATCH) break;
    }
    if (pos > checkpoint) {
      try {
        // Only ever moves forward: a checkpoint another reader moved further is left alone.
        await counters.findOneAndUpdate(
          { _id: JOURNAL_HEAD, seq: { $lt: pos } },
          { $set: { seq: pos } },
          { upsert: true },
        );
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
    }
    return pos;
  }

  async function floor(): Promise<number> {
    return (await counters.get(JOURNAL_FLOOR))?.seq ?? 0;
  }

  async function assertNotTrimmed(position: number, seq: number): Promise<void> {
    const f = await floor();
    if (seq <= f) throw new JournalTrimmedError(position, f);
  }

  async function trim(upTo: number): Promise<{ floor: number; deleted: number }> {
    if (!Number.isSafeInteger(upTo) || upTo < 0)
      throw new StoreError(`registry: journal: bad trim position ${upTo}`);
    try {
      // the floor first: a reader that looks for a deleted entry then knows why it is missing
      await counters.findOneAndUpdate(
        { _id: JOURNAL_FLOOR, seq: { $lt: upTo } },
        { $set: { seq: upTo } },
        { upsert: true },
      );
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err; // another trimmer moved it as far or further
    }
    const f = await floor();
    const deleted = await entries.deleteMany({ _id: { $lte: f } });
    if (deleted > 0)
      log.info({ floor: f, deleted }, `registry: journal: trimmed ${deleted} entries up to ${f}`);
    return { floor: f, deleted };
  }

  return { append, readAfter, head, trim, floor };
}
