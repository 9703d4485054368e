// POSIX Extended Regular Expressions (the syntax RFC 3402 gives NAPTR regexps) translated to
// JavaScript RegExp source. What differs and how it is handled:
// - bracket expressions: a backslash is literal, ']' first is literal, [:class:], [=c=] and [.c.]
//   are POSIX only -> rewritten into an explicit JS class;
// - '\' before an ordinary (alphanumeric) character is undefined in POSIX; JS would read \d, \w,
//   \b as classes or assertions. We refuse them instead of guessing;
// - '.' matches any character including newline (no REG_NEWLINE) -> the 's' flag;
// - '{' starts an interval only as {m}, {m,} or {m,n}; elsewhere it is literal;
// - POSIX picks the leftmost-LONGEST match, JS the leftmost-first alternative. For the anchored
//   patterns used in ENUM (^...$) the overall match is the same; sub-captures of alternations such
//   as (a|ab) may differ. Documented in docs/sip.md.

export class EreError extends Error {
  override name = 'EreError';
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

/** Characters special in a JS pattern outside a class; ERE literals among them get a backslash. */
const JS_SPECIAL = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/']);

function escapeInClass(ch: string): string {
  return ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-' ? `\\${ch}` : ch;
}

/** Parses a bracket expression starting at s[i] === '['; returns JS class source and the index after ']'. */
function bracket(s: string, start: number): [string, number] {
  let i = start + 1;
  let negate = false;
  if (s[i] === '^') {
    negate = true;
    i++;
  }
  let out = '';
  let first = true;
  for (;;) {
    if (i >= s.length) throw new EreError(`unterminated bracket expression at offset ${start}`);
    const ch = s[i]!;
    if (ch === ']' && !first) return [`[${negate ? '^' : ''}${out}]`, i + 1];
    first = false;
    if (ch === '[' && (s[i + 1] === ':' || s[i + 1] === '=' || s[i + 1] === '.')) {
      const kind = s[i + 1]!;
      const end = s.indexOf(`${kind}]`, i + 2);
      if (end < 0) throw new EreError(`unterminated [${kind} in bracket expression at offset ${i}`);
      const name = s.slice(i + 2, end);
      if (kind === ':') {
        const cls = POSIX_CLASSES[name];
        if (cls === undefined) throw new EreError(`unknown character class [:${name}:]`);
        out += cls;
      } else {
        if (name.length !== 1) throw new EreError(`unsupported collating element [${kind}${name}${kind}]`);
        out += escapeInClass(name);
      }
      i = end + 2;
      continue;
    }
    // a range a-z (a '-' first or last is literal)
    if (s[i + 1] === '-' && s[i + 2] !== undefined && s[i + 2] !== ']') {
      const lo = ch;
      const hi = s[i + 2]!;
      if (lo > hi) throw new EreError(`invalid range ${lo}-${hi} in bracket expression`);
      out += `${escapeInClass(lo)}-${escapeInClass(hi)}`;
      i += 3;
      continue;
    }
    out += escapeInClass(ch);
    i++;
  }
}

/** Translates an ERE into JS RegExp source (to be compiled with the 's' flag, plus 'i' when asked). */
export function ereToJs(ere: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < ere.length; ) {
    const ch = ere[i]!;
    switch (ch) {
      case '\\': {
        const next = ere[i + 1];
        if (next === undefined) throw new EreError('trailing backslash');
        if (/[0-9A-Za-z]/.test(next)) throw new EreError(`unsupported escape \\${next} (not POSIX ERE)`);
        out += JS_SPECIAL.has(next) ? `\\${next}` : next;
        i += 2;
        break;
      }
      case '[': {
        const [cls, end] = bracket(ere, i);
        out += cls;
        i = end;
        break;
      }
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(ere.slice(i));
        if (!m) {
          out += '\\{';
          i++;
          break;
        }
        const lo = Number(m[1]);
        const hi = m[3] === undefined || m[3] === '' ? undefined : Number(m[3]);
        if (lo > 255 || (hi !== undefined && (hi > 255 || hi < lo)))
          throw new EreError(`invalid interval ${m[0]}`);
        out += m[0];
        i += m[0].length;
        break;
      }
      case '(':
        depth++;
        out += '(';
        i++;
        break;
      case ')':
        if (depth === 0) {
          out += '\\)'; // an unmatched ')' is an ordinary character in ERE
        } else {
          depth--;
          out += ')';
        }
        i++;
        break;
      case '}':
      case ']':
      case '/':
        out += `\\${ch}`;
        i++;
        break;
      default:
        out += ch; // . ^ $ | * + ? and ordinary characters mean the same in both
        i++;
    }
  }
  if (depth !== 0) throw new EreError('unbalanced parenthesis');
  return out;
}

/** Compiles an ERE to a JS RegExp; throws EreError with the reason. */
export function compileEre(ere: string, caseInsensitive: boolean): RegExp {
  const src = ereToJs(ere);
  try {
    return new RegExp(src, caseInsensitive ? 'si' : 's');
  } catch (err) {
    throw new EreError(`invalid regular expression: ${(err as Error).message}`);
  }
}
