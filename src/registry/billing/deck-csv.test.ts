import { describe, expect, it } from 'vitest';
import { compileDeck } from './compile.ts';
import { parseCsv, toCsv } from './csv.ts';
import { readDeckCsv, writeDeckCsv } from './deck-csv.ts';

const opts = { currency: 'USD', defaults: { first: 60, next: 60 } };

describe('billing: CSV', () => {
  it('reads RFC 4180: quotes, doubled quotes, commas and line breaks in fields, CRLF, a BOM', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, ""y""",3\n\n2,"multi\nline",4\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 4, fields: ['2', 'multi\nline', '4'] },
    ]);
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/line 2: a quoted field is never closed/);
    expect(parseCsv(toCsv([['a,b', 'c"d', 'e\nf']]))[0]!.fields).toEqual(['a,b', 'c"d', 'e\nf']);
  });
});

describe('billing: rate deck CSV', () => {
  it('reads the layout carriers exchange, with aliases and increments either way', () => {
    const r = readDeckCsv(
      [
        'Dial Code,Destination,Price,Connect Fee,Increment,Effective Date',
        '44,United Kingdom,0.0100,0,60/60,2026-01-01',
        '4420,UK London,0.0085,0.05,30/6,2026-01-01T00:00:00Z',
        '447,"UK Mobile, all",0.0450,,1/1,',
      ].join('\n'),
      opts,
    );
    expect(r.issues).toEqual([]);
    expect(r.rows).toEqual([
      {
        prefix: '44',
        name: 'United Kingdom',
        rate: 1_000_000,
        fee: 0,
        first: 60,
        next: 60,
        from: Date.UTC(2026, 0, 1),
        until: null,
      },
      {
        prefix: '4420',
        name: 'UK London',
        rate: 850_000,
        fee: 5_000_000,
        first: 30,
        next: 6,
        from: Date.UTC(2026, 0, 1),
        until: null,
      },
      {
        prefix: '447',
        name: 'UK Mobile, all',
        rate: 4_500_000,
        fee: 0,
        first: 1,
        next: 1,
        from: 0,
        until: null,
      },
    ]);
  });

  it('names every bad field by its line and column, and refuses the whole file', () => {
    const r = readDeckCsv(
      [
        'prefix,rate,first_increment,effective_from,effective_until',
        '44,0.01,60,2026-01-01,',
        '+44x,0.01,60,,',
        '45,-1,60,,',
        '46,0.001234567,0,2026-02-30,',
        '47,1e-3,60,2026-02-01,2026-01-01',
        '48,0.01,60',
      ].join('\n'),
      opts,
    );
    expect(r.rows.map((x) => x.prefix)).toEqual(['44']);
    expect(r.issues.map((i) => i.path)).toEqual([
      'rows.3.prefix',
      'rows.4.rate',
      'rows.5.rate',
      'rows.5.first_increment',
      'rows.5.effective_from',
      'rows.6.rate',
      'rows.6.effective_until',
      'rows.7',
    ]);
    expect(r.issues[0]!.pointer).toBe('/rows/3/prefix');
    expect(readDeckCsv('prefix,destination,colour\n44,UK,red', opts).issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/unknown column 'colour'/),
      'the header has no rate column',
    ]);
    expect(readDeckCsv('', opts).issues[0]!.message).toMatch(/empty/);
  });

  it('refuses overlapping validity of one prefix, and rows in another currency apart', () => {
    const overlap = readDeckCsv(
      'prefix,rate,effective_from,effective_until\n44,0.01,2026-01-01,\n44,0.02,2026-03-01,',
      opts,
    );
    expect(overlap.issues).toEqual([
      expect.objectContaining({
        path: 'rows.3.effective_from',
        message: expect.stringMatching(/two rates for the same time/),
      }),
    ]);
    const ok = readDeckCsv(
      'prefix,rate,effective_from,effective_until\n44,0.01,2026-01-01,2026-03-01\n44,0.02,2026-03-01,',
      opts,
    );
    expect(ok.issues).toEqual([]);
    const cur = readDeckCsv('prefix,rate,currency\n44,0.01,USD\n45,0.01,EUR', opts);
    expect(cur.issues).toEqual([]);
    expect(cur.currencyIssues).toEqual([expect.objectContaining({ path: 'rows.3.currency' })]);
  });

  it('writes what it reads', () => {
    const text =
      'prefix,destination,rate,connection_fee,first_increment,next_increment,effective_from,effective_until,currency\r\n44,UK,0.01,0.05,30,6,2026-01-01,2026-02-01T12:00:00Z,USD\r\n';
    const r = readDeckCsv(text, opts);
    expect(writeDeckCsv(r.rows, 'USD')).toBe(text);
  });
});

describe('billing: compiled decks', () => {
  const rows = readDeckCsv(
    [
      'prefix,rate,effective_from,effective_until',
      '44,0.01,,',
      '4420,0.02,,2026-06-01',
      '4420,0.03,2026-06-01,',
      '442079,0.04,2027-01-01,',
      '1,0.005,,',
    ].join('\n'),
    opts,
  ).rows;
  const deck = compileDeck(
    { id: 'd', kind: 'sell', party: 'registrar:a', currency: 'USD', revision: 1 },
    rows,
  );
  const at = (s: string) => Date.parse(s);

  it('matches the longest prefix valid at the time', () => {
    const rate = (n: string, t: string) => deck.match(n, at(t))?.rate ?? null;
    expect(rate('442079460000', '2026-01-15T00:00:00Z')).toBe(2_000_000);
    expect(rate('442079460000', '2026-07-01T00:00:00Z')).toBe(3_000_000);
    expect(rate('442079460000', '2027-02-01T00:00:00Z')).toBe(4_000_000);
    expect(rate('441612345678', '2026-01-15T00:00:00Z')).toBe(1_000_000);
    expect(rate('12025550100', '2026-01-15T00:00:00Z')).toBe(500_000);
    expect(rate('33123456789', '2026-01-15T00:00:00Z')).toBeNull();
    expect(rate('44', '2026-01-15T00:00:00Z')).toBe(1_000_000);
    expect(rate('', '2026-01-15T00:00:00Z')).toBeNull();
  });

  it('agrees with a brute-force longest-prefix match on a random deck', () => {
    let seed = 42;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const big = new Map<string, number>();
    while (big.size < 5000)
      big.set(String(Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 7)))), Math.floor(rnd() * 1e6));
    const d = compileDeck(
      { id: 'r', kind: 'cost', party: 'gateway:g', currency: 'USD', revision: 1 },
      [...big].map(([prefix, rate]) => ({
        prefix,
        name: '',
        rate,
        fee: 0,
        first: 1,
        next: 1,
        from: 0,
        until: null,
      })),
    );
    for (let i = 0; i < 20_000; i++) {
      const n = String(Math.floor(rnd() * 1e12));
      let want: number | null = null;
      for (let l = n.length; l > 0 && want === null; l--) want = big.get(n.slice(0, l)) ?? null;
      expect(d.match(n, 0)?.rate ?? null, n).toBe(want);
    }
  });
});
