// Thin typed access to libphonenumber-js 'max' metadata: calling codes, the countries that
// share one, trunk (national) prefixes. No country tables here.

import type { CountryCode } from 'libphonenumber-js/max';
import { getCountryCallingCode, isSupportedCountry, Metadata } from 'libphonenumber-js/max';
import { fail } from './errors.ts';

// The runtime Metadata class has more methods than its .d.ts declares; these are the ones we use.
interface NumberingPlan {
  nationalPrefix(): string | number | undefined;
}
interface MetadataApi {
  hasCallingCode(callingCode: string): boolean | undefined;
  isNonGeographicCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): CountryCode[] | undefined;
  selectNumberingPlan(country: string): MetadataApi;
  numberingPlan?: NumberingPlan;
}

const metadata = new (Metadata as unknown as new () => MetadataApi)();
const trunkCache = new Map<string, string | null>();

/** ISO 3166 alpha-2 country code as libphonenumber knows it, upper case; 'unknown-country' otherwise. */
export function toCountry(country: string): CountryCode {
  const cc = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc) || !isSupportedCountry(cc)) {
    throw fail(
      'unknown-country',
      country,
      'not an ISO 3166 country code with a numbering plan (e.g. KR, US)',
    );
  }
  return cc;
}

/** The country's ITU calling code: callingCodeOf('KR') === '82'. Throws 'unknown-country'. */
export function callingCodeOf(country: string): string {
  return getCountryCallingCode(toCountry(country));
}

/** True when the ITU calling code exists, geographic or not (82, 1, 800, 882). */
export function callingCodeExists(callingCode: string): boolean {
  return /^[1-9]\d{0,2}$/.test(callingCode) && metadata.hasCallingCode(callingCode) === true;
}

/** Countries sharing the calling code, the main one first (1: US, AG, AI, ...); [] for non-geographic or unknown codes. */
export function countriesOf(callingCode: string): readonly CountryCode[] {
  if (!/^[1-9]\d{0,2}$/.test(callingCode)) return [];
  return metadata.getCountryCodesForCallingCode(callingCode) ?? [];
}

/** True for calling codes that belong to no country (800 freephone, 882 networks, ...). */
export function isNonGeographic(callingCode: string): boolean {
  return callingCodeExists(callingCode) && metadata.isNonGeographicCallingCode(callingCode);
}

/** The country's trunk prefix ('0' in KR, '1' in US, '8' in RU), or null when it has none (DK, ES). */
export function trunkPrefix(country: CountryCode): string | null {
  let prefix = trunkCache.get(country);
  if (prefix === undefined) {
    const p = metadata.selectNumberingPlan(country).numberingPlan?.nationalPrefix();
    prefix = typeof p === 'string' && p !== '' ? p : null;
    trunkCache.set(country, prefix);
  }
  return prefix;
}
