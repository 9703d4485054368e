// The rate book: every deck compiled once into memory (compile.ts) for the redirector's
// authorization and the CDR rating, and compiled again when its revision changes. refresh()
// reads the deck documents only (a few small documents) and recompiles the decks whose revision
// moved; until the new one is built, the old one keeps answering.
import type { Clock, Logger, RateDeck, Store } from '#core';
import { COLLECTIONS, createPeriodic } from '#core';
import type { CompiledDeck } from './compile.ts';
import { compileDeck } from './compile.ts';
import { readRevision } from './decks.ts';

export interface RateBookOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
}

export type RateBook = ReturnType<typeof createRateBook>;

export function createRateBook(opts: RateBookOptions) {
  const decks = opts.store.collection<RateDeck>(COLLECTIONS.rateDecks);
  const chunks = opts.store.collection(COLLECTIONS.rateChunks);
  const compiled = new Map<string, CompiledDeck>();
  /** Sell decks by `${registrarId}|${currency}`, cost decks by party. */
  let sell = new Map<string, CompiledDeck>();
  let cost = new Map<string, CompiledDeck>();
  let ready = false;
  const timer = createPeriodic(() => refresh(), opts.logger, 'billing: rate book: refresh');

  async function refresh(): Promise<{ compiled: number }> {
    let n = 0;
    const all = await decks.find({});
    const live = new Set<string>();
    for (const d of all) {
      live.add(d._id);
      const have = compiled.get(d._id);
      if (have && have.revision === d.revision) continue;
      const started = performance.now();
      const rows = await readRevision(chunks as never, d._id, d.revision);
      compiled.set(
        d._id,
        compileDeck(
          { id: d._id, kind: d.kind, party: d.party, currency: d.currency, revision: d.revision },
          rows,
        ),
      );
      n++;
      opts.logger.debug(
        { deck: d._id, revision: d.revision, rows: rows.length, ms: performance.now() - started },
        'billing: rate book: deck compiled',
      );
    }
    for (const id of [...compiled.keys()]) if (!live.has(id)) compiled.delete(id);
    const s = new Map<string, CompiledDeck>();
    const c = new Map<string, CompiledDeck>();
    for (const d of [...compiled.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (d.kind === 'sell') s.set(`${d.party.slice('registrar:'.length)}|${d.currency}`, d);
      else if (!c.has(d.party)) c.set(d.party, d);
    }
    sell = s;
    cost = c;
    ready = true;
    return { compiled: n };
  }

  return {
    refresh,
    /** The registrar's sell deck in the account's currency. */
    sellDeck: (registrarId: string, currency: string): CompiledDeck | null =>
      sell.get(`${registrarId}|${currency}`) ?? null,
    /** The counterparty's cost deck (with several currencies, the first by id). */
    costDeck: (party: string): CompiledDeck | null => cost.get(party) ?? null,
    deck: (id: string): CompiledDeck | null => compiled.get(id) ?? null,
    ready: () => ready,
    start(intervalMs = 1000): void {
      timer.start(intervalMs);
    },
    stop(): void {
      timer.stop();
    },
  };
}
