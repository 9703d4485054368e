// Digit patterns with wildcards ('6200*', '62??6200') as the store's $regex on `digits`.
// '?' is one digit, '*' any number of digits (also none); separators are ignored. A PIN pattern
// matches the national significant number (the digits after the country code, no trunk
// prefix), or, written with a leading '+', the whole E.164 number. A VNS pattern matches the
// base. The regex is anchored and starts with every literal digit before the first wildcard, so
// the store answers it from the (country, kind, status, digits) index as a prefix range.

import type { NumberKind } from '#core';
import { callingCodeOf } from '#numbering';

export const MAX_PATTERN_LENGTH = 32;
/** Each '*' adds backtracking; a handful is all a person types. */
export const MAX_STARS = 4;

const SEPARATORS = /[-. ()]/g;

export class PatternError extends Error {
  override name = 'PatternError';
}

export function patternRegex(pattern: string, kind: NumberKind, country: string): string {
  let p = pattern.trim().replace(SEPARATORS, '');
  const e164 = p.startsWith('+');
  if (e164) {
    if (kind !== 'pin') throw new PatternError(`'${pattern}': '+' (an E.164 pattern) applies to PINs only`);
    p = p.slice(1);
  }
  if (p === '') throw new PatternError(`'${pattern}': empty pattern`);
  if (p.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  if (!/^[0-9?*]+$/.test(p)) {
    throw new PatternError(`'${pattern}': a pattern holds digits, '?' (one digit) and '*' (any digits)`);
  }
  p = p.replace(/\*+/g, '*');
  if ((p.match(/\*/g) ?? []).length > MAX_STARS) {
    throw new PatternError(`'${pattern}': at most ${MAX_STARS} '*' in a pattern`);
  }
  const body = p.replace(/\?/g, '[0-9]').replace(/\*/g, '[0-9]*');
  const prefix = kind === 'pin' && !e164 ? callingCodeOf(country) : '';
  return `^${prefix}${body}$`;
}
