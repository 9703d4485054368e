// First gate for every identifier: length cap, trimming, forbidden characters, Unicode
// normalisation. Cheap checks first, so a 10 kB string or a NUL costs next to nothing.
import { fail } from './errors.ts';

/** Longest input accepted (UTF-16 code units): a SIP URI with parameters fits, a flood does not. */
export const MAX_INPUT_LENGTH = 1024;

// Never part of an identifier: controls (C0, C1, DEL, NUL), format characters (bidi and
// RTL marks, zero-width joiners, BOM, soft hyphen), private use, unassigned code points,
// lone surrogates, line and paragraph separators. Rejected, never silently dropped: an
// invisible character in a dialled identifier is a spoofing attempt or a paste accident.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;
const NON_ASCII = /[^\x20-\x7e]/;

/**
 * Checks and normalises raw input: rejects non-strings, over-long input ('too-long'), blank
 * input ('empty') and forbidden characters ('bad-characters'); trims; applies NFKC, which maps
 * fullwidth forms (０-９, ＋, ＃, ＠, ｅｘａｍｐｌｅ) and compatibility spaces to their plain forms.
 */
export function normalizeInput(input: unknown): string {
  if (typeof input !== 'string')
    throw fail('bad-characters', String(input), 'an identifier must be a string');
  if (input.length > MAX_INPUT_LENGTH) {
    throw fail('too-long', input, `longer than ${MAX_INPUT_LENGTH} characters (${input.length})`);
  }
  const trimmed = input.trim();
  if (trimmed === '') throw fail('empty', input, 'nothing to classify');
  return normalizeText(trimmed, input);
}

/** The character checks and NFKC of normalizeInput, also used on percent-decoded URI parts. */
export function normalizeText(text: string, input: string): string {
  if (!NON_ASCII.test(text)) return text; // fast path: printable ASCII needs nothing more
  const bad = FORBIDDEN.exec(text);
  if (bad) {
    const cp = bad[0].codePointAt(0)!;
    const name = cp === 0 ? 'NUL' : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    throw fail('bad-characters', input, `contains the invisible or control character ${name}`);
  }
  const nfkc = text.normalize('NFKC');
  if (nfkc.length > MAX_INPUT_LENGTH) {
    throw fail('too-long', input, `longer than ${MAX_INPUT_LENGTH} characters after normalisation`);
  }
  return nfkc;
}

// Every Unicode decimal digit (\p{Nd}: Arabic-Indic, Devanagari, Thai, ...) and its value,
// taken from ICU through Intl rather than a hand-written table; built once, on first use.
let digitMap: Map<string, string> | undefined;

function digits(): Map<string, string> {
  if (digitMap) return digitMap;
  const map = new Map<string, string>();
  const isDigit = /^\p{Nd}$/u;
  for (const system of Intl.supportedValuesOf('numberingSystem')) {
    const f = new Intl.NumberFormat('en', { numberingSystem: system, useGrouping: false });
    for (let d = 0; d <= 9; d++) {
      const ch = f.format(d);
      if (isDigit.test(ch)) map.set(ch, String(d));
    }
  }
  digitMap = map;
  return map;
}

const UNICODE_DIGIT = /\p{Nd}/gu;
// Dashes people paste from word processors and web pages, read as '-' inside numbers.
const DASHES = /[\u2010-\u2015\u2212\u30fc]/g;

/**
 * Inside a telephone number only: every Unicode decimal digit becomes its ASCII digit (as
 * libphonenumber does for the scripts it knows, extended to all of \p{Nd}), Unicode dashes
 * become '-'. Domain names keep their digits: there they are letters of a label.
 */
export function asciiNumberText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const map = digits();
  return text.replace(UNICODE_DIGIT, (d) => map.get(d) ?? d).replace(DASHES, '-');
}
