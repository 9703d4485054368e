// Emergency short codes (112, 911, 119, 999, ...) per country, from Google's libphonenumber
// (google-libphonenumber: its ShortNumberInfo carries each region's emergency numbers), never
// from a table of our own. Emergency calls are routed to the emergency gateway of the caller's
// country, published at <cc>.emergency.<apex> (docs/trust.md, "Emergency calls").
import gl from 'google-libphonenumber';
import { LRUCache } from 'lru-cache';
import { countriesOf } from '#numbering';

interface ShortNumbers {
  isEmergencyNumber(number: string, region: string): boolean;
}

// loaded once with this module (~30 ms); a check is then a regular-expression match (~2 µs), memoised
const shortNumbers = gl.ShortNumberInfo.getInstance() as unknown as ShortNumbers;
const regions: readonly string[] = gl.PhoneNumberUtil.getInstance().getSupportedRegions();

/** Every region libphonenumber knows (ISO 3166 alpha-2): the countries whose emergency routes are checked. */
export function emergencyRegions(): readonly string[] {
  return regions;
}

/** An emergency call: the short code dialed and the country whose emergency services it reaches. */
export interface EmergencyDial {
  code: string;
  country: string;
}

const memo = new LRUCache<string, boolean>({ max: 10_000 });

/** True when `code` is an emergency number in `country` (libphonenumber's ShortNumberInfo). */
export function isEmergencyNumber(code: string, country: string): boolean {
  const key = `${code}|${country}`;
  let r = memo.get(key);
  if (r === undefined) {
    r = regions.includes(country) && shortNumbers.isEmergencyNumber(code, country);
    memo.set(key, r);
  }
  return r;
}

// sip:112@host, sip:112;phone-context=+82@host, sips:..., tel:112, tel:112;phone-context=+82, or 112
const SHORT = /^(?:(?:sips?):)?(\d{2,6})(?:;phone-context=\+(\d{1,3}))?(?:@[^;?]*)?(?:[;?].*)?$/i;
const TEL = /^tel:(\d{2,6})(?:;phone-context=\+(\d{1,3}))?(?:;.*)?$/i;

/**
 * The emergency call a Request-URI (or a bare number) dials, read in the caller's country, or
 * null. A `phone-context=+<calling code>` names the country itself (its main region). Only the
 * user part's digits count: '112' is an emergency code in KR, '1120' is not.
 */
export function emergencyDial(
  target: string,
  callerCountry: string | null | undefined | (() => string | null | undefined),
): EmergencyDial | null {
  const t = target.trim();
  const m = TEL.exec(t) ?? SHORT.exec(t);
  if (!m) return null;
  const code = m[1]!;
  // the caller's country is worked out only for short codes (a function: it may cost a parse)
  const caller = typeof callerCountry === 'function' ? callerCountry() : callerCountry;
  const country = m[2] ? (countriesOf(m[2])[0] ?? null) : (caller ?? null);
  if (!country) return null;
  return isEmergencyNumber(code, country) ? { code, country } : null;
}

/** The DNS name of a country's emergency route: 'kr.emergency.callx.test'. */
export function emergencyOwner(country: string, apex: string): string {
  return `${country.toLowerCase()}.emergency.${apex}`;
}
