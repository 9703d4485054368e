// VNS: a company's base number, '#', the calling code of the branch: 6200-6200#082.
// The base is sold once worldwide; the calling code picks the branch.

import { fail } from './errors.ts';
import { callingCodeExists, countriesOf, isNonGeographic } from './metadata.ts';

/**
 * Base numbers have 4 to 12 digits: short enough to remember and to dial with '#cc' after it,
 * long enough that one worldwide inventory does not run out (10^4 premium short bases up to 10^12).
 * Leading zeros are allowed: the base is never dialled into a national network.
 */
export const VNS_BASE_MIN_DIGITS = 4;
export const VNS_BASE_MAX_DIGITS = 12;

const SEPARATORS = /[-. /()]+/g;
const DIGITS = /^\d+$/;

/** Reads '6200-6200#082' (separators optional, calling code 1-3 digits, zero-padded or not). */
export function readVns(
  text: string,
  input: string,
): { base: string; callingCode: string; countries: readonly string[] } {
  const parts = text.split('#');
  if (parts.length !== 2)
    throw fail('bad-vns', input, "a VNS has exactly one '#' between base number and country code");
  const base = parts[0]!.replace(SEPARATORS, '');
  const code = parts[1]!.replace(SEPARATORS, '');
  if (base === '') throw fail('bad-vns', input, "VNS has no base number before '#'");
  if (code === '') throw fail('bad-vns', input, "VNS has no country code after '#'");
  if (!DIGITS.test(base))
    throw fail('bad-characters', input, 'a VNS base number has only digits and separators');
  if (!DIGITS.test(code)) throw fail('bad-characters', input, 'a VNS country code has only digits');
  const cc = code.replace(/^0+/, '');
  if (code.length > 3 || cc === '' || !callingCodeExists(cc)) {
    throw fail('unknown-country-code', input, `country code ${code} does not exist`);
  }
  const countries = countriesOf(cc);
  if (countries.length === 0 || isNonGeographic(cc)) {
    throw fail(
      'unknown-country-code',
      input,
      `country code ${cc} belongs to no country, and a VNS branch is in one`,
    );
  }
  if (base.length < VNS_BASE_MIN_DIGITS) {
    throw fail('too-short', input, `a VNS base number has at least ${VNS_BASE_MIN_DIGITS} digits`);
  }
  if (base.length > VNS_BASE_MAX_DIGITS) {
    throw fail('too-long-number', input, `a VNS base number has at most ${VNS_BASE_MAX_DIGITS} digits`);
  }
  return { base, callingCode: cc, countries };
}

/** Base digits grouped by four from the right: 62006200 -> 6200-6200, 1234567 -> 123-4567. */
export function formatVnsBase(base: string): string {
  const groups: string[] = [];
  for (let end = base.length; end > 0; end -= 4) groups.unshift(base.slice(Math.max(0, end - 4), end));
  return groups.join('-');
}

/** Canonical VNS: '6200-6200#082' (calling code zero-padded to three digits). */
export function formatVns(base: string, callingCode: string): string {
  return `${formatVnsBase(base)}#${callingCode.padStart(3, '0')}`;
}
