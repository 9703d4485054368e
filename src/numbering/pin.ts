// PIN: the national number as dialled in its country (trunk prefix, area code, local number),
// then the calling code in three digits: 02-6200-6200-082 is +82 2 6200 6200.
import type { PhoneNumber } from 'libphonenumber-js/max';
import { parsePhone, phoneNumberOf } from './e164.ts';
import { fail } from './errors.ts';
import { countriesOf, isNonGeographic, trunkPrefix } from './metadata.ts';

/** Digits of the calling code at the end of a PIN, zero-padded: 082, 001, 358. */
export const PIN_CODE_DIGITS = 3;

/** The calling code a PIN's last three digits name ('082' -> '82'), checked to belong to a country. */
export function pinCallingCode(code: string, input: string): string {
  const cc = code.replace(/^0+/, '');
  if (!/^\d{3}$/.test(code) || cc === '')
    throw fail('unknown-country-code', input, `country code ${code} does not exist`);
  if (countriesOf(cc).length === 0) {
    throw isNonGeographic(cc)
      ? fail('unknown-country-code', input, `country code ${cc} belongs to no country, and a PIN needs one`)
      : fail('unknown-country-code', input, `country code ${code} does not exist`);
  }
  return cc;
}

/**
 * Reads a PIN from its digits: `national` (as dialled in the country, trunk prefix optional)
 * and the three-digit `code`. Throws NumberingError (unknown-country-code, pin-no-area-code,
 * too-short, too-long-number, invalid-number).
 */
export function readPin(national: string, code: string, input: string): PhoneNumber {
  const cc = pinCallingCode(code, input);
  if (national === '') throw fail('too-short', input, 'PIN has no number before the country code');
  try {
    const n = parsePhone(national, { callingCode: cc }, input);
    if (!n.country) throw fail('invalid-number', input, `not a number of a country with code ${cc}`);
    return n;
  } catch (err) {
    const country = countriesOf(cc)[0]!;
    const trunk = trunkPrefix(country);
    const code = (err as { code?: string }).code;
    if (code !== 'too-long-number' && trunk !== null && !national.startsWith(trunk)) {
      throw fail(
        'pin-no-area-code',
        input,
        `PIN has no area code: ${national} is not a number in ${country}; write it as dialled there, trunk prefix ${trunk} and area code first`,
      );
    }
    throw err;
  }
}

/**
 * E.164 -> PIN: the country's national format (libphonenumber), separators as `separator`, then
 * '-' and the zero-padded calling code. e164ToPin('+82262006200') === '02-6200-6200-082';
 * with separator '' the digits only: '0262006200082'. Throws for non-geographic numbers (+800 ...).
 */
export function e164ToPin(e164: string, separator: '-' | '' = '-'): string {
  return pinOf(phoneNumberOf(e164), separator);
}

/** e164ToPin for a parsed, valid number. */
export function pinOf(n: PhoneNumber, separator: '-' | '' = '-'): string {
  if (!n.country) {
    throw fail(
      'unknown-country-code',
      n.number,
      `country code ${n.countryCallingCode} belongs to no country, and a PIN needs one`,
    );
  }
  const groups = n
    .formatNational()
    .split(/\D+/)
    .filter((g) => g !== '');
  groups.push(n.countryCallingCode.padStart(PIN_CODE_DIGITS, '0'));
  return groups.join(separator);
}
