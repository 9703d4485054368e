// Splits an RFC 1035 §5.1 master file into entries (logical lines): parentheses join physical
// lines, ';' starts a comment, quoted strings keep blanks, backslash escapes are kept verbatim
// for the field parsers (a name needs to tell `\.` from `.`). Works on the file's octets so
// every token is a fresh flat latin1 string (no rope or slice keeps the whole file alive).
import { latin1Slice } from './latin1.ts';

export interface Token {
  /** Raw text: escapes not yet resolved, quotes removed. */
  text: string;
  quoted: boolean;
  line: number;
}

export interface Entry {
  tokens: Token[];
  line: number;
  /** The entry began with a blank: its owner is the previous owner. */
  blankOwner: boolean;
}

export class LexError extends Error {
  override name = 'LexError';
  line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

const NL = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const SEMI = 59;
const LP = 40;
const RP = 41;
const QUOTE = 34;
const BSL = 92;

/**
 * A resumable lexer: feed() takes the file in chunks that each end just after a newline (the
 * last one may end anywhere), so a big file need not sit in memory whole. Tokens never span a
 * newline, so no token crosses a chunk boundary; an entry in parentheses may.
 */
export class Lexer {
  private line = 1;
  private depth = 0;
  private depthLine = 0;
  private cur: Entry | null = null;
  private atLineStart = true;
  private readonly onEntry: (e: Entry) => void;

  constructor(onEntry: (e: Entry) => void) {
    this.onEntry = onEntry;
  }

  private finish(): void {
    if (this.cur && this.cur.tokens.length > 0) this.onEntry(this.cur);
    this.cur = null;
  }

  feed(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      const c = buf[i]!;
      if (c === NL) {
        this.line++;
        i++;
        if (this.depth === 0) {
          this.finish();
          this.atLineStart = true;
        }
        continue;
      }
      const line = this.line;
      if (this.atLineStart) {
        this.cur = { tokens: [], line, blankOwner: c === SP || c === TAB };
        this.atLineStart = false;
      }
      const entry = this.cur;
      if (!entry) throw new LexError(line, 'internal: no entry');
      if (c === SP || c === TAB || c === CR) {
        i++;
      } else if (c === SEMI) {
        while (i < n && buf[i] !== NL) i++;
      } else if (c === LP) {
        if (this.depth > 0) throw new LexError(line, "nested '('");
        this.depth = 1;
        this.depthLine = line;
        i++;
      } else if (c === RP) {
        if (this.depth === 0) throw new LexError(line, "')' without '('");
        this.depth = 0;
        i++;
      } else if (c === QUOTE) {
        const start = ++i;
        for (;;) {
          if (i >= n || buf[i] === NL) throw new LexError(line, 'unterminated quoted string');
          const d = buf[i]!;
          if (d === QUOTE) break;
          if (d === BSL) {
            if (i + 1 >= n || buf[i + 1] === NL) throw new LexError(line, "dangling '\\' in quoted string");
            i += 2;
          } else i++;
        }
        entry.tokens.push({ text: latin1Slice(buf, start, i), quoted: true, line });
        i++;
      } else {
        const start = i;
        while (i < n) {
          const d = buf[i]!;
          if (
            d === SP ||
            d === TAB ||
            d === CR ||
            d === NL ||
            d === SEMI ||
            d === LP ||
            d === RP ||
            d === QUOTE
          )
            break;
          if (d === BSL) {
            if (i + 1 >= n || buf[i + 1] === NL) throw new LexError(line, "dangling '\\'");
            i += 2;
          } else i++;
        }
        entry.tokens.push({ text: latin1Slice(buf, start, i), quoted: false, line });
      }
    }
  }

  end(): void {
    if (this.depth > 0) throw new LexError(this.depthLine, "'(' not closed before the end of the file");
    this.finish();
  }
}

/** Calls `onEntry` for each entry of the file, in order. */
export function lexEach(input: string | Buffer, onEntry: (e: Entry) => void): void {
  const lx = new Lexer(onEntry);
  lx.feed(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  lx.end();
}

export function lex(input: string | Buffer): Entry[] {
  const out: Entry[] = [];
  lexEach(input, (e) => out.push(e));
  return out;
}
