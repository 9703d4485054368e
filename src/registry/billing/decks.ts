// Rate decks (docs/billing.md, "Rate decks"): a registrar's sell decks (what its members pay)
// and the operator's cost decks (what a PSTN gateway or partner carrier charges us), one per
// party and currency. Rates are imported as CSV into a new revision — its rows written as
// chunks of 5,000, then the deck switched to it with one conditional update — so readers see
// the old revision or the new one, never half of one, and a crash mid-import leaves only
// chunks of a revision nobody reads (the sweep removes them).
import {
  type Clock,
  COLLECTIONS,
  type Collection,
  DuplicateKeyError,
  type RateChunk,
  type RateDeck,
  type Store,
} from '#core';
import {
  canAccess,
  invalidInput,
  type Page,
  type Principal,
  page,
  parseInput,
  RegistryError,
  registrarOf,
  requireAdmin,
  visible,
} from '../kernel/index.ts';
import { type CompiledDeck, compileDeck } from './compile.ts';
import { overlaps, type RateRow, readDeckCsv, writeDeckCsv } from './deck-csv.ts';
import { formatMicro } from './money.ts';
import { parseParty } from './parties.ts';
import { CreateDeckInput, DeckRef, ImportDeckInput, ListDecksInput, MatchInput } from './schemas.ts';

/** Rows per chunk document (~400 KB of JSON). */
export const CHUNK_ROWS = 5_000;
/** Chunks of an import that never finished are removed after this (ms). */
const ORPHAN_MS = 3_600_000;

export interface DeckView {
  id: string;
  kind: 'sell' | 'cost';
  party: string;
  registrarId: string | null;
  currency: string;
  name: string;
  defaults: { first: number; next: number };
  revision: number;
  entries: number;
  importedAt: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export const deckView = (d: RateDeck): DeckView => ({
  id: d._id,
  kind: d.kind,
  party: d.party,
  registrarId: d.registrarId,
  currency: d.currency,
  name: d.name,
  defaults: d.defaults,
  revision: d.revision,
  entries: d.entries,
  importedAt: d.importedAt ?? null,
  version: d.version,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export interface MatchView {
  deck: string;
  revision: number;
  number: string;
  at: number;
  match: {
    prefix: string;
    destination: string;
    rate: string;
    connectionFee: string;
    firstIncrement: number;
    nextIncrement: number;
    currency: string;
  } | null;
}

export interface ImportResult {
  deck: DeckView;
  /** Rows read from the file; with `merge`, the rows the deck has now. */
  rows: number;
  ms: number;
}

export const deckIdOf = (party: string, currency: string): string => `${party.replace(':', '.')}.${currency}`;

/** Rows of a revision, from its chunks. */
export async function readRevision(
  chunks: Collection<RateChunk>,
  deckId: string,
  revision: number,
): Promise<RateRow[]> {
  if (revision === 0) return [];
  const rows: RateRow[] = [];
  for (const c of await chunks.find({ deckId, revision }, { sort: { n: 1 } })) {
    for (let i = 0; i < c.prefix.length; i++)
      rows.push({
        prefix: c.prefix[i]!,
        name: c.name[i]!,
        rate: c.rate[i]!,
        fee: c.fee[i]!,
        first: c.first[i]!,
        next: c.next[i]!,
        from: c.from[i]!,
        until: c.until[i] ?? null,
      });
  }
  return rows;
}

export function chunksOf(
  deckId: string,
  revision: number,
  rows: readonly RateRow[],
  now: number,
): RateChunk[] {
  const out: RateChunk[] = [];
  for (let n = 0; n * CHUNK_ROWS < rows.length || (n === 0 && rows.length === 0); n++) {
    const part = rows.slice(n * CHUNK_ROWS, (n + 1) * CHUNK_ROWS);
    out.push({
      _id: `${deckId}#${revision}#${n}`,
      deckId,
      revision,
      n,
      createdAt: now,
      prefix: part.map((r) => r.prefix),
      name: part.map((r) => r.name),
      rate: part.map((r) => r.rate),
      fee: part.map((r) => r.fee),
      first: part.map((r) => r.first),
      next: part.map((r) => r.next),
      from: part.map((r) => r.from),
      until: part.map((r) => r.until),
    });
    if (rows.length === 0) break;
  }
  return out;
}

export interface DeckServiceDeps {
  store: Store;
  clock: Clock;
}

export type DeckService = ReturnType<typeof createDeckService>;

export function createDeckService(deps: DeckServiceDeps) {
  const { store, clock } = deps;
  const decks = store.collection<RateDeck>(COLLECTIONS.rateDecks);
  const chunks = store.collection<RateChunk>(COLLECTIONS.rateChunks);

  /** The deck if the principal may see it: a registrar its own sell decks, the admin every deck. */
  async function own(p: Principal, id: string, where: string): Promise<RateDeck> {
    return visible(p, await decks.get(id), `${where}: deck ${id}`);
  }

  async function partyExists(kind: string, id: string): Promise<boolean> {
    const coll = { registrar: 'registrars', gateway: 'gateways', carrier: 'carriers', center: 'countries' }[
      kind
    ];
    return coll ? (await store.collection(coll).get(id)) !== null : false;
  }

  async function create(p: Principal, input: CreateDeckInput): Promise<DeckView> {
    const where = 'registry: billing: create deck';
    const v = parseInput(CreateDeckInput, input, where);
    const party = parseParty(v.party)!;
    if (party.kind === 'center')
      throw invalidInput(where, [
        { path: 'party', pointer: '/party', message: 'centers carry on-net calls: they have no rates' },
      ]);
    if (party.kind === 'registrar') {
      if (!canAccess(p, party.id))
        throw new RegistryError('forbidden', `${where}: a registrar creates only its own sell decks`);
    } else requireAdmin(p, `${where}: a cost deck of ${v.party}`);
    if (!(await partyExists(party.kind, party.id)))
      throw new RegistryError('not-found', `${where}: no ${party.kind} ${party.id}`);
    const now = clock.now();
    const doc: RateDeck = {
      _id: deckIdOf(v.party, v.currency),
      kind: party.kind === 'registrar' ? 'sell' : 'cost',
      party: v.party,
      registrarId: party.kind === 'registrar' ? party.id : null,
      currency: v.currency,
      name: v.name ?? `${v.party} ${v.currency}`,
      defaults: { first: v.firstIncrement, next: v.nextIncrement },
      revision: 0,
      nextRevision: 0,
      entries: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await decks.insert(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      throw new RegistryError('exists', `${where}: ${v.party} has a ${v.currency} deck already (${doc._id})`);
    }
    return deckView(doc);
  }

  async function list(p: Principal, input: ListDecksInput = {}): Promise<Page<DeckView>> {
    const v = parseInput(ListDecksInput, input, 'registry: billing: decks');
    const mine = registrarOf(p);
    if (mine !== null && v.party !== undefined && v.party !== `registrar:${mine}`)
      throw new RegistryError(
        'forbidden',
        `registry: billing: decks: registrar ${mine} lists only its own decks`,
      );
    const filter = {
      ...(mine === null ? {} : { registrarId: mine }),
      ...(v.party ? { party: v.party } : {}),
    };
    return page(decks, filter, v, { list: 'billing: decks', query: { mine, party: v.party } }, deckView);
  }

  async function importCsv(p: Principal, input: ImportDeckInput): Promise<ImportResult> {
    const started = performance.now();
    const v = parseInput(ImportDeckInput, input, 'registry: billing: import');
    const where = `registry: billing: deck ${v.deckId}: import`;
    const deck = await own(p, v.deckId, 'registry: billing: import');
    const read = readDeckCsv(v.csv, { currency: deck.currency, defaults: deck.defaults });
    if (read.issues.length) throw invalidInput(where, read.issues, { issueCount: read.issueCount });
    if (read.currencyIssues.length)
      throw new RegistryError(
        'currency-mismatch',
        `${where}: ${read.currencyIssues.length} row(s) in another currency than the deck's ${deck.currency}`,
        { issues: read.currencyIssues, details: { deckCurrency: deck.currency } },
      );
    let rows = read.rows;
    if (v.mode === 'merge') {
      const byKey = new Map<string, RateRow>();
      for (const r of await readRevision(chunks, deck._id, deck.revision))
        byKey.set(`${r.prefix}@${r.from}`, r);
      for (const r of rows) byKey.set(`${r.prefix}@${r.from}`, r);
      rows = [...byKey.values()];
      const clash = overlaps(rows);
      if (clash.length) throw invalidInput(where, clash);
    }
    // a revision number of our own, then its rows, then the switch
    const taken = await decks.findOneAndUpdate({ _id: deck._id }, { $inc: { nextRevision: 1 } });
    if (!taken) throw new RegistryError('not-found', `${where}: the deck was removed`);
    const revision = taken.nextRevision;
    const now = clock.now();
    for (const c of chunksOf(deck._id, revision, rows, now)) await chunks.insert(c);
    const switched = await decks.findOneAndUpdate(
      v.mode === 'merge'
        ? { _id: deck._id, revision: deck.revision }
        : { _id: deck._id, revision: { $lt: revision } },
      {
        $set: { revision, entries: rows.length, importedAt: now, updatedAt: now },
        $inc: { version: 1 },
      },
    );
    if (!switched) {
      await chunks.deleteMany({ deckId: deck._id, revision });
      throw new RegistryError(
        'version-conflict',
        `${where}: another import changed the deck meanwhile; import again`,
      );
    }
    await chunks.deleteMany({ deckId: deck._id, revision: { $lt: revision } });
    return { deck: deckView(switched), rows: rows.length, ms: performance.now() - started };
  }

  async function exportCsv(p: Principal, input: DeckRef): Promise<{ deck: DeckView; csv: string }> {
    const v = parseInput(DeckRef, input, 'registry: billing: export');
    const deck = await own(p, v.deckId, 'registry: billing: export');
    const rows = await readRevision(chunks, deck._id, deck.revision);
    return { deck: deckView(deck), csv: writeDeckCsv(rows, deck.currency) };
  }

  async function remove(p: Principal, input: DeckRef): Promise<void> {
    const v = parseInput(DeckRef, input, 'registry: billing: remove deck');
    const deck = await own(p, v.deckId, 'registry: billing: remove deck');
    await decks.findOneAndDelete({ _id: deck._id });
    await chunks.deleteMany({ deckId: deck._id });
  }

  async function compiled(deck: RateDeck): Promise<CompiledDeck> {
    return compileDeck(
      { id: deck._id, kind: deck.kind, party: deck.party, currency: deck.currency, revision: deck.revision },
      await readRevision(chunks, deck._id, deck.revision),
    );
  }

  async function match(p: Principal, input: MatchInput): Promise<MatchView> {
    const v = parseInput(MatchInput, input, 'registry: billing: match');
    const deck = await own(p, v.deckId, 'registry: billing: match');
    const c = await compiled(deck);
    const at = v.at ?? clock.now();
    const digits = v.number.replace(/^\+/, '');
    const r = c.match(digits, at);
    return {
      deck: deck._id,
      revision: deck.revision,
      number: `+${digits}`,
      at,
      match: r && {
        prefix: r.prefix,
        destination: r.name,
        rate: formatMicro(r.rate, deck.currency),
        connectionFee: formatMicro(r.fee, deck.currency),
        firstIncrement: r.first,
        nextIncrement: r.next,
        currency: deck.currency,
      },
    };
  }

  /** Chunks of revisions no deck reads: older than the current one, or an import that never switched. */
  async function sweep(): Promise<number> {
    let removed = 0;
    const cutoff = clock.now() - ORPHAN_MS;
    const current = new Map((await decks.find({})).map((d) => [d._id, d.revision]));
    for (const c of await chunks.find({ createdAt: { $lt: cutoff } }, { limit: 1000 })) {
      const rev = current.get(c.deckId);
      if (rev === c.revision) continue;
      if (await chunks.findOneAndDelete({ _id: c._id })) removed++;
    }
    return removed;
  }

  return {
    decks,
    chunks,
    create,
    list,
    get: async (p: Principal, input: DeckRef) =>
      deckView(
        await own(p, parseInput(DeckRef, input, 'registry: billing: deck').deckId, 'registry: billing'),
      ),
    importCsv,
    exportCsv,
    remove,
    match,
    compiled,
    sweep,
  };
}
