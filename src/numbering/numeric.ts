// Number-shaped identifiers (digits, separators, '+', '#'): PIN, VNS or E.164, and which of the
// readings wins when digits alone could mean several things (docs/numbering.md, "Ambiguity").
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import { parsePhone, phoneInfo } from './e164.ts';
import { fail, NumberingError } from './errors.ts';
import { asciiNumberText } from './normalize.ts';
import { PIN_CODE_DIGITS, pinOf, readPin } from './pin.ts';
import type { E164Identifier, E164Written, NumberIdentifier, PinIdentifier } from './types.ts';
import { formatVns, readVns } from './vns.ts';

/** Characters a written number may have once digits are ASCII: digits, separators - . space / ( ), '+', '#'. */
const NUMBER_TEXT = /^[0-9+#()\-. /]+$/;
const NOT_NUMBER_CHAR = /[^0-9+#()\-. /]/u;
const GROUP_SEPARATORS = /[-. /()]+/;
const ESCAPED_HASH = /%23/gi;
const LEADING_PLUS = /^[( ]*\+/;
/** More digits than any PIN (15-digit E.164 + trunk prefix + code) or E.164 number: stop before libphonenumber. */
const MAX_DIGITS = 24;
/** Unseparated digits without a country: fewer digits before the code than this read as a national number, not a PIN. */
const MIN_PIN_NATIONAL = 6;

type Reading<T> = { ok: T } | { err: NumberingError };

function attempt<T>(f: () => T): Reading<T> {
  try {
    return { ok: f() };
  } catch (err) {
    if (err instanceof NumberingError) return { err };
    throw err;
  }
}

/** True when `text` (NFKC-normalised) reads as a number: nothing but digits, separators, '+', '#', '%23'. */
export function looksNumeric(text: string): boolean {
  return NUMBER_TEXT.test(asciiNumberText(text).replace(ESCAPED_HASH, '#'));
}

function e164Identifier(n: PhoneNumber, written: E164Written): E164Identifier {
  return { kind: 'e164', canonical: n.number, display: n.formatInternational(), written, ...phoneInfo(n) };
}

function pinIdentifier(n: PhoneNumber): PinIdentifier {
  const pin = pinOf(n);
  return { kind: 'pin', canonical: pin, display: pin, ...phoneInfo(n), country: n.country! };
}

/** Reads digits dialled in `country`: national number or that country's IDD prefix, then ITU's '00' as fallback. */
function readDialled(digits: string, country: CountryCode | undefined, input: string): E164Identifier {
  const viaCountry = country ? attempt(() => parsePhone(digits, { country }, input)) : undefined;
  if (viaCountry && 'ok' in viaCountry) {
    // digits ending in the whole E.164 number, with more in front: an international prefix was dialled
    const full = viaCountry.ok.number.slice(1);
    const written = digits.length > full.length && digits.endsWith(full) ? 'idd' : 'national';
    return e164Identifier(viaCountry.ok, written);
  }
  if (digits.startsWith('00')) {
    const viaItu = attempt(() => parsePhone(`+${digits.slice(2)}`, null, input));
    if ('ok' in viaItu) return e164Identifier(viaItu.ok, 'idd');
    throw viaItu.err;
  }
  if (viaCountry) throw viaCountry.err;
  throw fail(
    'national-needs-country',
    input,
    'reads as a national number, and no country is known to read it in (give the country, or write +<country code>...)',
  );
}

/**
 * Classifies number-shaped text. `defaultCountry`: where national numbers and IDD prefixes are read.
 * Order: '#' -> VNS; leading '+' -> E.164; a separated three-digit last group that reads as a
 * valid PIN -> PIN; digits dialled in `defaultCountry` (national or IDD, then '00') that read as a
 * valid number -> E.164; a valid PIN without separators -> PIN; otherwise the error of the reading
 * the writer most likely meant.
 */
export function classifyNumber(
  raw: string,
  defaultCountry: CountryCode | undefined,
  input: string,
): NumberIdentifier {
  const text = asciiNumberText(raw).replace(ESCAPED_HASH, '#');
  if (!NUMBER_TEXT.test(text)) {
    const bad = NOT_NUMBER_CHAR.exec(text)?.[0] ?? '?';
    throw fail('bad-characters', input, `unexpected character '${bad}' in a telephone number`);
  }
  if (text.includes('#')) {
    const vns = readVns(text, input);
    return {
      kind: 'vns',
      canonical: formatVns(vns.base, vns.callingCode),
      display: formatVns(vns.base, vns.callingCode),
      ...vns,
    };
  }
  const plus = LEADING_PLUS.test(text);
  const body = plus ? text.replace(LEADING_PLUS, '') : text;
  if (body.includes('+')) throw fail('bad-characters', input, "'+' may only start a telephone number");
  const groups = body.split(GROUP_SEPARATORS).filter((g) => g !== '');
  const digits = groups.join('');
  if (digits === '') {
    if (plus) throw fail('too-short', input, 'no digits after + (more digits expected)');
    throw fail('bad-characters', input, 'no digits');
  }
  if (digits.length > MAX_DIGITS) throw fail('too-long-number', input, `more than ${MAX_DIGITS} digits`);
  if (plus) return e164Identifier(parsePhone(`+${digits}`, null, input), 'international');

  const separated = groups.length > 1;
  const explicitPin = separated && groups.at(-1)!.length === PIN_CODE_DIGITS;
  const readPinDigits = () =>
    attempt(() =>
      pinIdentifier(readPin(digits.slice(0, -PIN_CODE_DIGITS), digits.slice(-PIN_CODE_DIGITS), input)),
    );
  let pin = explicitPin ? readPinDigits() : undefined;
  if (pin && 'ok' in pin) return pin.ok;
  const dialled =
    defaultCountry || digits.startsWith('00')
      ? attempt(() => readDialled(digits, defaultCountry, input))
      : undefined;
  // Unseparated digits: the caller's own dialling rules first, as the phone network reads them.
  if (dialled && 'ok' in dialled) return dialled.ok;
  if (!separated && digits.length > PIN_CODE_DIGITS) pin = readPinDigits();
  if (pin && 'ok' in pin) return pin.ok;
  // Nothing holds: report the reading the writer most likely meant.
  if (pin && explicitPin) {
    if (!dialled && pin.err.code === 'unknown-country-code') {
      throw fail(
        pin.err.code,
        input,
        `${pin.err.detail} (read as a PIN; a national number needs its country)`,
      );
    }
    throw pin.err;
  }
  if (dialled) throw dialled.err;
  // Unseparated digits and no country: a PIN error only when a plausible national part precedes the code.
  if (pin && digits.length - PIN_CODE_DIGITS >= MIN_PIN_NATIONAL && pin.err.code !== 'unknown-country-code') {
    throw pin.err;
  }
  return readDialled(digits, undefined, input); // throws national-needs-country
}
