// The rate deck CSV layout (docs/billing.md, "Rate deck CSV"), read and written here: an A-Z
// deck as carriers exchange it, one row per destination prefix, a header row naming the
// columns (any order, case-insensitive, with the aliases carriers use), decimal prices in major
// units per minute. Reading checks every row and reports every bad field by its line and
// column; a file with any error is refused whole.
import { type InputIssue, issue } from '../kernel/index.ts';
import { CsvError, headerKey, parseCsv, toCsv } from './csv.ts';
import { DecimalError, formatMicro, microOf } from './money.ts';

/** One row of a deck, as stored: amounts in micro-units of the minor unit, times in epoch ms. */
export interface RateRow {
  prefix: string;
  name: string;
  rate: number;
  fee: number;
  first: number;
  next: number;
  from: number;
  /** Exclusive end of validity; null: open-ended. */
  until: number | null;
}

/** The columns of the layout, and the header names read as each. */
export const DECK_COLUMNS = {
  prefix: ['prefix', 'dial_code', 'dialcode', 'code', 'digits'],
  destination: ['destination', 'name', 'description', 'country'],
  rate: ['rate', 'price', 'rate_per_minute', 'price_per_minute'],
  connection_fee: ['connection_fee', 'connect_fee', 'setup_fee', 'connection_charge'],
  increment: ['increment', 'billing_increment', 'interval'],
  first_increment: ['first_increment', 'initial_increment', 'min_duration', 'first_interval'],
  next_increment: ['next_increment', 'subsequent_increment', 'next_interval'],
  effective_from: ['effective_from', 'effective_date', 'activation', 'activation_time', 'valid_from'],
  effective_until: ['effective_until', 'end_date', 'expiry', 'valid_until'],
  currency: ['currency'],
} as const;
export type DeckColumn = keyof typeof DECK_COLUMNS;

const ALIAS = new Map<string, DeckColumn>(
  (Object.entries(DECK_COLUMNS) as [DeckColumn, readonly string[]][]).flatMap(([col, names]) =>
    names.map((n) => [n, col] as const),
  ),
);

/** Headers of an exported deck, in this order. */
export const EXPORT_HEADER = [
  'prefix',
  'destination',
  'rate',
  'connection_fee',
  'first_increment',
  'next_increment',
  'effective_from',
  'effective_until',
  'currency',
] as const;

const MAX_ISSUES = 100;
const MAX_INCREMENT = 3600;

/** A time in a deck: a date (midnight UTC) or an ISO 8601 time with Z or an offset. */
export function parseDeckTime(s: string): number | null {
  const t = s.trim();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    return new Date(ms).toISOString().startsWith(t) ? ms : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return null;
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

/** A time as an exported deck writes it: the date alone at midnight UTC. */
export function formatDeckTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

export interface DeckReadOptions {
  /** The deck's currency: amounts are read at its scale; a `currency` column must match it. */
  currency: string;
  /** Increments of rows that give none. */
  defaults: { first: number; next: number };
}

export interface DeckReadResult {
  rows: RateRow[];
  /** Every bad field (at most 100), as `rows.<line>.<column>`; empty when the file is good. */
  issues: InputIssue[];
  /** Rows whose currency column names another currency (a 409, not a malformed file). */
  currencyIssues: InputIssue[];
  /** How many issues there were in all (more than listed when over 100). */
  issueCount: number;
}

/** Reads a deck file. Never throws for bad content: issues say what is wrong, where. */
export function readDeckCsv(text: string, opts: DeckReadOptions): DeckReadResult {
  const issues: InputIssue[] = [];
  const currencyIssues: InputIssue[] = [];
  let issueCount = 0;
  const add = (list: InputIssue[], path: string, message: string) => {
    issueCount++;
    if (list.length < MAX_ISSUES) list.push(issue(path, message));
  };
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    add(issues, `rows.${err.line}`, err.message);
    return { rows: [], issues, currencyIssues, issueCount };
  }
  const head = table[0];
  if (!head) {
    add(issues, 'rows', 'the file is empty: expected a header row and rates');
    return { rows: [], issues, currencyIssues, issueCount };
  }
  // the header
  const cols = new Map<DeckColumn, number>();
  head.fields.forEach((h, i) => {
    const col = ALIAS.get(headerKey(h));
    if (!col) {
      add(
        issues,
        `rows.${head.line}.${i + 1}`,
        `unknown column '${h.trim()}'; the columns are ${Object.keys(DECK_COLUMNS).join(', ')} (docs/billing.md)`,
      );
    } else if (cols.has(col)) {
      add(issues, `rows.${head.line}.${i + 1}`, `column ${col} appears twice`);
    } else cols.set(col, i);
  });
  for (const required of ['prefix', 'rate'] as const)
    if (!cols.has(required)) add(issues, `rows.${head.line}`, `the header has no ${required} column`);
  if (cols.has('increment') && (cols.has('first_increment') || cols.has('next_increment')))
    add(issues, `rows.${head.line}`, 'give either increment (60/60) or first_increment and next_increment');
  if (issues.length) return { rows: [], issues, currencyIssues, issueCount };

  const at = (fields: string[], col: DeckColumn): string | undefined => {
    const i = cols.get(col);
    return i === undefined ? undefined : (fields[i] ?? '').trim();
  };
  const rows: RateRow[] = [];
  const lines: number[] = [];
  for (let r = 1; r < table.length; r++) {
    const { line, fields } = table[r]!;
    const where = (col: DeckColumn) => `rows.${line}.${col}`;
    if (fields.length !== head.fields.length) {
      add(issues, `rows.${line}`, `expected ${head.fields.length} fields, got ${fields.length}`);
      continue;
    }
    let ok = true;
    const bad = (col: DeckColumn, message: string) => {
      ok = false;
      add(issues, where(col), message);
    };
    const rawPrefix = at(fields, 'prefix')!.replace(/^\+/, '');
    if (!/^[0-9]{1,15}$/.test(rawPrefix))
      bad('prefix', `'${rawPrefix}' is not 1-15 digits of an E.164 prefix`);
    const name = at(fields, 'destination') ?? '';
    if (name.length > 200) bad('destination', 'longer than 200 characters');
    const money = (col: DeckColumn, s: string | undefined): number => {
      if (s === undefined || s === '') return 0;
      try {
        return microOf(s, opts.currency);
      } catch (err) {
        if (!(err instanceof DecimalError)) throw err;
        bad(col, err.message);
        return 0;
      }
    };
    const rateText = at(fields, 'rate')!;
    if (rateText === '') bad('rate', 'no rate');
    const rate = money('rate', rateText);
    const fee = money('connection_fee', at(fields, 'connection_fee'));
    let first = opts.defaults.first;
    let next = opts.defaults.next;
    const inc = (col: DeckColumn, s: string): number => {
      if (!/^[0-9]{1,4}$/.test(s) || Number(s) < 1 || Number(s) > MAX_INCREMENT) {
        bad(col, `'${s}' is not a whole number of seconds 1-${MAX_INCREMENT}`);
        return 1;
      }
      return Number(s);
    };
    const both = at(fields, 'increment');
    if (both) {
      const m = /^([^/]+)\/([^/]+)$/.exec(both);
      if (!m) bad('increment', `'${both}' is not first/next seconds such as 60/60 or 30/6`);
      else {
        first = inc('increment', m[1]!.trim());
        next = inc('increment', m[2]!.trim());
      }
    } else {
      const f = at(fields, 'first_increment');
      const n = at(fields, 'next_increment');
      if (f) first = inc('first_increment', f);
      if (n) next = inc('next_increment', n);
    }
    const fromText = at(fields, 'effective_from');
    const untilText = at(fields, 'effective_until');
    let from = 0;
    let until: number | null = null;
    if (fromText) {
      const t = parseDeckTime(fromText);
      if (t === null) bad('effective_from', `'${fromText}' is not a date (2026-01-31) or an ISO 8601 time`);
      else from = t;
    }
    if (untilText) {
      const t = parseDeckTime(untilText);
      if (t === null) bad('effective_until', `'${untilText}' is not a date (2026-01-31) or an ISO 8601 time`);
      else if (t <= from) bad('effective_until', 'is not after effective_from');
      else until = t;
    }
    const cur = at(fields, 'currency');
    if (cur && cur.toUpperCase() !== opts.currency) {
      ok = false;
      add(currencyIssues, where('currency'), `the row is in ${cur}; this deck is in ${opts.currency}`);
    }
    if (ok) {
      rows.push({ prefix: rawPrefix, name, rate, fee, first, next, from, until });
      lines.push(line);
    }
  }
  if (issues.length === 0 && currencyIssues.length === 0) {
    for (const o of overlaps(rows, lines)) add(issues, o.path, o.message);
  }
  return { rows, issues, currencyIssues, issueCount };
}

/**
 * Rows of one prefix whose validity overlaps (ambiguous: which rate applies?), named by the
 * later row's line in the file (`lines[i]`), or by its prefix when lines are not known.
 */
export function overlaps(rows: RateRow[], lines?: number[]): InputIssue[] {
  const out: InputIssue[] = [];
  const sorted = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.prefix < b.r.prefix ? -1 : a.r.prefix > b.r.prefix ? 1 : a.r.from - b.r.from));
  for (let k = 1; k < sorted.length && out.length < MAX_ISSUES; k++) {
    const a = sorted[k - 1]!.r;
    const b = sorted[k]!.r;
    const line = lines?.[sorted[k]!.i];
    if (a.prefix === b.prefix && (a.until === null || a.until > b.from))
      out.push(
        issue(
          line === undefined ? `rows.${b.prefix}` : `rows.${line}.effective_from`,
          `prefix ${b.prefix} has two rates for the same time (from ${formatDeckTime(a.from)} and from ${formatDeckTime(b.from)}); give the first an effective_until`,
        ),
      );
  }
  return out;
}

/** A deck's rows as CSV in the export layout, sorted by prefix and start. */
export function writeDeckCsv(rows: readonly RateRow[], currency: string): string {
  const sorted = [...rows].sort((a, b) =>
    a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.from - b.from,
  );
  const out: string[][] = [[...EXPORT_HEADER]];
  for (const r of sorted)
    out.push([
      r.prefix,
      r.name,
      formatMicro(r.rate, currency),
      formatMicro(r.fee, currency),
      String(r.first),
      String(r.next),
      r.from === 0 ? '' : formatDeckTime(r.from),
      r.until === null ? '' : formatDeckTime(r.until),
      currency,
    ]);
  return toCsv(out);
}
