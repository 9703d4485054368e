// RFC 1035 §5 master files: $ORIGIN, $TTL (RFC 2308), $INCLUDE, '@', relative names, omitted
// owner/TTL/class, and the RDATA of schema.ts or the RFC 3597 generic form.
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Rdata } from '#wire';
import {
  type Entry,
  isMetaType,
  type Labels,
  LexError,
  Lexer,
  type NameError,
  nameKey,
  parseName,
  parseRdata,
  parseTtl,
  RdataError,
  SCHEMA,
  type Token,
  toDisplay,
  typeFromName,
} from '#wire';

export interface ZoneRecord {
  owner: Labels;
  /** nameKey(owner), computed once. */
  key: string;
  type: number;
  ttl: number;
  rdata: Rdata;
  file: string;
  line: number;
}

export class ZoneFileError extends Error {
  override name = 'ZoneFileError';
  file: string;
  line: number;
  reason: string;
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

export interface ParseOptions {
  /** Path shown in errors and used to resolve relative $INCLUDE paths. */
  file: string;
  origin: Labels | null;
  /** Reads an included file (latin1 text); default: none allowed. */
  readFile?: (path: string) => string | Buffer;
  /** Receives each record as it is read; when set, parseZoneFile returns an empty list. */
  onRecord?: (r: ZoneRecord) => void;
  /** Called for non-fatal findings (no $TTL, ...). */
  warn?: (file: string, line: number, message: string) => void;
}

interface State {
  origin: Labels | null;
  lastOwnerText?: string;
  lastKey?: string;
  lastOwnerOrigin?: Labels | null;
  ttl: number | null;
  lastTtl: number | null;
  lastOwner: Labels | null;
}

const MAX_INCLUDE_DEPTH = 8;

function isClass(text: string): boolean {
  return /^(IN|CH|HS|CLASS[0-9]+)$/i.test(text);
}

function isTtl(text: string): boolean {
  if (!/^[0-9]/.test(text)) return false;
  try {
    parseTtl(text);
    return true;
  } catch {
    return false;
  }
}

function directive(e: Entry, st: State, opts: ParseOptions, out: ZoneRecord[], depth: number): void {
  const [d, ...args] = e.tokens as [Token, ...Token[]];
  const word = d.text.toUpperCase();
  const fail = (why: string): never => {
    throw new ZoneFileError(opts.file, e.line, why);
  };
  if (word === '$ORIGIN') {
    if (args.length !== 1) fail('$ORIGIN takes one name');
    try {
      st.origin = parseName(args[0]!.text, st.origin);
    } catch (err) {
      fail(`bad $ORIGIN: ${(err as Error).message}`);
    }
  } else if (word === '$TTL') {
    if (args.length !== 1) fail('$TTL takes one TTL');
    try {
      st.ttl = parseTtl(args[0]!.text);
    } catch (err) {
      fail((err as Error).message);
    }
  } else if (word === '$INCLUDE') {
    if (args.length < 1 || args.length > 2) fail('$INCLUDE takes a file name and an optional origin');
    if (!opts.readFile) fail('$INCLUDE is not allowed here');
    if (depth >= MAX_INCLUDE_DEPTH) fail(`$INCLUDE nested deeper than ${MAX_INCLUDE_DEPTH}`);
    const path = resolve(dirname(opts.file), args[0]!.text);
    let origin = st.origin;
    if (args[1]) {
      try {
        origin = parseName(args[1].text, st.origin);
      } catch (err) {
        fail(`bad $INCLUDE origin: ${(err as Error).message}`);
      }
    }
    let text: string | Buffer;
    try {
      text = opts.readFile!(path);
    } catch (err) {
      fail(
        `cannot read $INCLUDE file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    // RFC 1035 §5.1: the included file's $ORIGIN does not leak back; the TTL default does (BIND).
    const inner: State = { ...st, origin };
    parseInto(text!, { ...opts, file: path }, inner, out, depth + 1);
    st.ttl = inner.ttl;
    st.lastTtl = inner.lastTtl;
  } else {
    fail(`unknown directive ${d.text}`);
  }
}

function record(e: Entry, st: State, opts: ParseOptions, out: ZoneRecord[]): void {
  const toks = e.tokens;
  const fail = (why: string): never => {
    throw new ZoneFileError(opts.file, e.line, why);
  };
  let i = 0;
  let owner: Labels;
  if (e.blankOwner) {
    if (!st.lastOwner) fail('no owner name (the first record starts with a blank)');
    owner = st.lastOwner!;
  } else if (toks[0]!.text === st.lastOwnerText && st.origin === st.lastOwnerOrigin) {
    owner = st.lastOwner!; // same owner as the previous line: share its labels
    i = 1;
  } else {
    try {
      owner = parseName(toks[0]!.text, st.origin);
      st.lastOwnerText = toks[0]!.text;
      st.lastOwnerOrigin = st.origin;
    } catch (err) {
      fail(`bad owner '${toks[0]!.text}': ${(err as NameError).message}`);
    }
    i = 1;
  }
  let ttl: number | null = null;
  let cls: string | null = null;
  for (let k = 0; k < 2 && i < toks.length; k++) {
    const t = toks[i]!.text;
    if (ttl === null && !toks[i]!.quoted && isTtl(t)) {
      ttl = parseTtl(t);
      i++;
    } else if (cls === null && !toks[i]!.quoted && isClass(t)) {
      cls = t.toUpperCase();
      i++;
    }
  }
  if (cls !== null && cls !== 'IN') fail(`class ${cls} is not served (only IN)`);
  const typeTok = toks[i++];
  if (!typeTok) fail('missing type');
  const type = typeFromName(typeTok!.text);
  if (type === undefined) fail(`unknown type '${typeTok!.text}'`);
  if (isMetaType(type!)) fail(`type ${typeTok!.text} cannot appear in a zone`);
  let rdata: Rdata;
  try {
    rdata = parseRdata(type!, toks.slice(i), st.origin);
  } catch (err) {
    if (err instanceof RdataError)
      fail(`${typeTok!.text.toUpperCase()} ${toDisplay(owner!)}: ${err.message}`);
    throw err;
  }
  if (ttl === null) {
    ttl = st.ttl ?? st.lastTtl;
    if (ttl === null) {
      if (type === 6 && SCHEMA.has(6)) ttl = rdata!.fields[6] as number;
      else fail('no TTL and no $TTL before this record');
      opts.warn?.(opts.file, e.line, 'no $TTL: using the SOA minimum as TTL');
    }
  }
  st.lastTtl = ttl;
  if (st.lastOwner !== owner!) st.lastKey = nameKey(owner!);
  st.lastOwner = owner!;
  const rec = {
    owner: owner!,
    key: st.lastKey!,
    type: type!,
    ttl: ttl!,
    rdata: rdata!,
    file: opts.file,
    line: e.line,
  };
  if (opts.onRecord) opts.onRecord(rec);
  else out.push(rec);
}

type Source = string | Buffer | { path: string };

/** Feeds a source to the lexer; a path is read in chunks that end at a newline. */
function feed(src: Source, lx: Lexer): void {
  if (typeof src === 'string' || Buffer.isBuffer(src)) {
    lx.feed(typeof src === 'string' ? Buffer.from(src, 'latin1') : src);
    return;
  }
  const fd = openSync(src.path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const cut = data.lastIndexOf(10) + 1;
      lx.feed(data.subarray(0, cut));
      carry = Buffer.from(data.subarray(cut));
    }
    if (carry.length) lx.feed(carry);
  } finally {
    closeSync(fd);
  }
}

const CHUNK = 1 << 20;

function parseInto(src: Source, opts: ParseOptions, st: State, out: ZoneRecord[], depth: number): void {
  try {
    const lx = new Lexer((e) => {
      if (!e.blankOwner && e.tokens[0]!.text.startsWith('$') && !e.tokens[0]!.quoted)
        directive(e, st, opts, out, depth);
      else record(e, st, opts, out);
    });
    feed(src, lx);
    lx.end();
  } catch (err) {
    if (err instanceof LexError) throw new ZoneFileError(opts.file, err.line, err.message);
    throw err;
  }
}

/**
 * Parses a whole master file (text, octets, or { path } to read it in chunks); throws
 * ZoneFileError naming file, line and reason.
 */
export function parseZoneFile(text: Source, opts: ParseOptions): ZoneRecord[] {
  const out: ZoneRecord[] = [];
  parseInto(text, opts, { origin: opts.origin, ttl: null, lastTtl: null, lastOwner: null }, out, 0);
  return out;
}
