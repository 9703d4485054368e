// NAPTR processing for ENUM (RFC 3403 / RFC 3402 / RFC 6116), pure: records and the
// Application Unique String in, a verdict per record out.
import { compileEre, EreError } from './ere.ts';

export interface Naptr {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}

export class NaptrError extends Error {
  override name = 'NaptrError';
}

type ReplPart = string | number; // literal text or a back-reference 1-9

export interface Substitution {
  re: RegExp;
  repl: ReplPart[];
  groups: number;
}

/**
 * Parses a substitution expression: delim ERE delim replacement delim flags (RFC 3402 §3.2).
 * The delimiter is the first character (not a digit, not 'i', not a backslash); a backslash
 * before the delimiter makes it literal.
 */
export function parseSubstitution(expr: string): Substitution {
  const delim = expr[0];
  if (delim === undefined) throw new NaptrError('empty regexp');
  if (/[0-9i\\]/.test(delim)) throw new NaptrError(`invalid delimiter '${delim}'`);
  const parts: string[] = [];
  let cur = '';
  let i = 1;
  for (; i < expr.length && parts.length < 2; i++) {
    const ch = expr[i]!;
    if (ch === '\\' && i + 1 < expr.length) {
      cur += ch + expr[i + 1];
      i++;
    } else if (ch === delim) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (parts.length < 2) throw new NaptrError(`regexp '${expr}' is not delim-ere-delim-repl-delim`);
  const flags = expr.slice(i);
  if (flags !== '' && flags !== 'i') throw new NaptrError(`unknown regexp flags '${flags}'`);
  const [ere, replSrc] = parts as [string, string];
  let re: RegExp;
  try {
    re = compileEre(ere, flags === 'i');
  } catch (err) {
    if (err instanceof EreError) throw new NaptrError(`regexp '${ere}': ${err.message}`);
    throw err;
  }
  const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
  const repl: ReplPart[] = [];
  let lit = '';
  for (let j = 0; j < replSrc.length; j++) {
    const ch = replSrc[j]!;
    if (ch !== '\\') {
      lit += ch;
      continue;
    }
    const next = replSrc[j + 1];
    j++;
    if (next === undefined) {
      lit += '\\';
    } else if (/[1-9]/.test(next)) {
      const n = Number(next);
      if (n > groups) throw new NaptrError(`back-reference \\${n} but the regexp has ${groups} group(s)`);
      if (lit) repl.push(lit);
      lit = '';
      repl.push(n);
    } else {
      lit += next; // \<delim>, \\ and any other escaped character stand for themselves
    }
  }
  if (lit) repl.push(lit);
  return { re, repl, groups };
}

const subCache = new Map<string, Substitution | NaptrError>();

/** Parses with a bounded memo: the same few regexps recur on every call. */
export function substitution(expr: string): Substitution {
  let s = subCache.get(expr);
  if (s === undefined) {
    try {
      s = parseSubstitution(expr);
    } catch (err) {
      if (!(err instanceof NaptrError)) throw err;
      s = err;
    }
    if (subCache.size > 10_000) subCache.clear();
    subCache.set(expr, s);
  }
  if (s instanceof NaptrError) throw s;
  return s;
}

/** Applies the substitution to the AUS; null when the regexp does not match. */
export function applySubstitution(sub: Substitution, aus: string): string | null {
  const m = sub.re.exec(aus);
  if (!m) return null;
  let out = '';
  for (const p of sub.repl) out += typeof p === 'number' ? (m[p] ?? '') : p;
  return out;
}

export interface Enumservice {
  type: string;
  subtype: string | undefined;
}

/** "E2U+sip", "E2U+web:http", "E2U+sip+pres" (RFC 3761 style) -> services; null if not E2U. */
export function parseServices(services: string): Enumservice[] | null {
  const items = services.toLowerCase().split('+');
  if (items[0] !== 'e2u') return null;
  return items.slice(1).map((s) => {
    const [type, subtype] = s.split(':', 2) as [string, string | undefined];
    return { type, subtype };
  });
}

/** What a record means for a caller. */
export type NaptrVerdict =
  | { use: 'sip'; uri: string }
  | { use: 'tel'; uri: string; e164: string }
  | { use: 'web' | 'email' | 'other'; uri: string; service: string }
  | { use: 'next'; domain: string }
  | { use: 'skip'; reason: string };

const VALID_FLAGS = /^[a-z0-9]?$/i;
export const SAFE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"\x00-\x1f\x7f]+$/;

/** Evaluates one NAPTR against the AUS (for ENUM: '+' and the E.164 digits). */
export function evaluateNaptr(rec: Naptr, aus: string): NaptrVerdict {
  const flags = rec.flags.toLowerCase();
  if (!VALID_FLAGS.test(flags)) return { use: 'skip', reason: `flags '${rec.flags}' not understood` };
  const hasRegexp = rec.regexp !== '';
  const hasRepl = rec.replacement !== '' && rec.replacement !== '.';
  if (hasRegexp && hasRepl)
    return { use: 'skip', reason: 'both regexp and replacement are set (RFC 3403 §4.1)' };
  const services = rec.services === '' ? [] : parseServices(rec.services);
  if (services === null)
    return { use: 'skip', reason: `service '${rec.services}' is not an E2U enumservice` };

  let result: string;
  if (hasRegexp) {
    let sub: Substitution;
    try {
      sub = substitution(rec.regexp);
    } catch (err) {
      return { use: 'skip', reason: (err as Error).message };
    }
    const r = applySubstitution(sub, aus);
    if (r === null) return { use: 'skip', reason: `regexp does not match '${aus}'` };
    result = r;
  } else if (hasRepl) {
    result = rec.replacement;
  } else {
    return { use: 'skip', reason: 'neither regexp nor replacement' };
  }

  if (flags === '') {
    const domain = result.toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9_*-]+(\.[a-z0-9_*-]+)*$/.test(domain)) {
      return { use: 'skip', reason: `non-terminal rewrite '${result}' is not a domain name` };
    }
    return { use: 'next', domain };
  }
  if (flags !== 'u') return { use: 'skip', reason: `flag '${rec.flags}' is not used in ENUM (RFC 6116)` };
  if (!hasRegexp) return { use: 'skip', reason: `flag "u" without a regexp` };
  if (services.length === 0) return { use: 'skip', reason: 'terminal record without an enumservice' };

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(result)?.[1]?.toLowerCase();
  if (scheme === undefined) return { use: 'skip', reason: `result '${result}' is not a URI` };
  // the result becomes a header value: no spaces, quotes, angle brackets or control characters
  if (!SAFE_URI.test(result))
    return { use: 'skip', reason: `result ${JSON.stringify(result)} has characters a URI cannot have` };
  const types = services.map((s) => s.type);
  if (types.includes('sip') && (scheme === 'sip' || scheme === 'sips')) return { use: 'sip', uri: result };
  if (types.includes('tel') && scheme === 'tel') {
    const m = /^tel:(\+[0-9().-]+)(;.*)?$/i.exec(result);
    const digits = m?.[1]?.replace(/[^0-9]/g, '');
    if (!digits) return { use: 'skip', reason: `'${result}' is not a global tel: number` };
    return { use: 'tel', uri: result, e164: `+${digits}` };
  }
  if (types.includes('web')) return { use: 'web', uri: result, service: rec.services };
  if (types.includes('email')) return { use: 'email', uri: result, service: rec.services };
  return { use: 'other', uri: result, service: rec.services };
}

export interface EvaluatedNaptr {
  record: Naptr;
  verdict: NaptrVerdict;
  /** Chosen for the call: in the lowest order that has something usable for a call. */
  chosen: boolean;
  why: string;
}

const forCall = (v: NaptrVerdict) => v.use === 'sip' || v.use === 'tel' || v.use === 'next';

/**
 * RFC 3403 §4: records sorted by order, then preference; only the lowest order that holds a
 * record usable for a call is used (a client MUST NOT mix orders); within it, by preference.
 */
export function processNaptrs(records: Naptr[], aus: string): EvaluatedNaptr[] {
  const sorted = [...records].sort((a, b) => a.order - b.order || a.preference - b.preference);
  const evaluated = sorted.map((record) => ({ record, verdict: evaluateNaptr(record, aus) }));
  const winning = evaluated.find((e) => forCall(e.verdict))?.record.order;
  return evaluated.map(({ record, verdict }) => {
    let chosen = false;
    let why: string;
    if (verdict.use === 'skip') why = verdict.reason;
    else if (!forCall(verdict)) why = `${verdict.use} service, not used for calls`;
    else if (record.order !== winning) why = `order ${record.order} after the chosen order ${winning}`;
    else {
      chosen = true;
      why = `order ${record.order} preference ${record.preference}`;
    }
    return { record, verdict, chosen, why };
  });
}
