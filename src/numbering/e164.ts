// Telephone numbers through libphonenumber-js: parse, validate, tell 'too short' from 'invalid'.
// Input here is digits only (separators already removed by the caller).

import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import { ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { fail } from './errors.ts';
import type { PhoneNumberInfo } from './types.ts';

export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

type Where = { country: CountryCode } | { callingCode: string } | null;

function whereText(where: Where, n?: PhoneNumber): string {
  if (n?.country) return `in ${n.country}`;
  if (n) return `with country code ${n.countryCallingCode}`;
  if (where && 'country' in where) return `in ${where.country}`;
  if (where) return `with country code ${where.callingCode}`;
  return '';
}

/** "+2812345: no country code 2, 28 or 281 exists" style text for an unknown code. */
function unknownCodeText(digits: string): string {
  const tries = [1, 2, 3].filter((l) => digits.length >= l).map((l) => digits.slice(0, l));
  if (tries.length === 1) return `country code ${tries[0]} does not exist`;
  return `starts with no country code (${tries.slice(0, -1).join(', ')} and ${tries.at(-1)} do not exist)`;
}

function lengthError(text: string, where: Where, input: string, n?: PhoneNumber) {
  const options =
    where && 'country' in where
      ? { defaultCountry: where.country }
      : where
        ? { defaultCallingCode: where.callingCode }
        : undefined;
  const verdict = validatePhoneNumberLength(text, options);
  const w = whereText(where, n);
  const place = w === '' ? '' : ` ${w}`;
  switch (verdict) {
    case 'TOO_SHORT':
    case 'NOT_A_NUMBER':
      return fail('too-short', input, `too short for a telephone number${place} (more digits expected)`);
    case 'TOO_LONG':
      return fail('too-long-number', input, `too long for a telephone number${place}`);
    case 'INVALID_LENGTH':
      return fail('invalid-number', input, `no telephone number${place} has this many digits`);
    default:
      return undefined;
  }
}

/**
 * Parses and validates `text` (digits, or '+' and digits). `where`: the country whose national
 * rules and IDD prefix apply, or the calling code a national number belongs to (PINs).
 * Throws NumberingError: unknown-country-code, too-short, too-long-number or invalid-number.
 */
export function parseNumber(text: string, where: Where, input: string): PhoneNumberInfo {
  return phoneInfo(parsePhone(text, where, input));
}

/** parseNumber, returning libphonenumber's PhoneNumber (for formatting without parsing again). */
export function parsePhone(text: string, where: Where, input: string): PhoneNumber {
  const options =
    where && 'country' in where
      ? { defaultCountry: where.country }
      : where
        ? { defaultCallingCode: where.callingCode }
        : undefined;
  let n: PhoneNumber;
  try {
    n = parsePhoneNumberWithError(text, options);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    if (err.message === 'INVALID_COUNTRY') {
      throw fail('unknown-country-code', input, unknownCodeText(text.replace(/^\+/, '')));
    }
    throw (
      lengthError(text, where, input) ??
      fail('invalid-number', input, `not a telephone number ${whereText(where)}`.trim())
    );
  }
  if (where && 'callingCode' in where && n.countryCallingCode !== where.callingCode) {
    // libphonenumber read an international prefix inside a PIN's national part
    throw fail('invalid-number', input, `not a national number with country code ${where.callingCode}`);
  }
  if (!n.isValid()) {
    throw (
      lengthError(text, where, input, n) ??
      fail(
        'invalid-number',
        input,
        `not a valid telephone number ${whereText(where, n)} (no such number range)`,
      )
    );
  }
  return n;
}

export function phoneInfo(n: PhoneNumber): PhoneNumberInfo {
  return {
    e164: n.number,
    callingCode: n.countryCallingCode,
    country: n.country ?? null,
    nationalNumber: n.nationalNumber,
    type: n.getType() ?? null,
  };
}

/** The PhoneNumber object of a valid E.164 string, for formatting; throws invalid-number otherwise. */
export function phoneNumberOf(e164: string): PhoneNumber {
  if (!E164_PATTERN.test(e164)) throw fail('invalid-number', e164, 'not an E.164 number (+ and 2-15 digits)');
  let n: PhoneNumber;
  try {
    n = parsePhoneNumberWithError(e164);
  } catch {
    throw fail('invalid-number', e164, 'not a valid telephone number (unknown country code or length)');
  }
  if (!n.isValid()) throw fail('invalid-number', e164, 'not a valid telephone number (no such number range)');
  return n;
}

/** International display form: '+82 2 6200 6200'. */
export function formatInternational(e164: string): string {
  return phoneNumberOf(e164).formatInternational();
}
