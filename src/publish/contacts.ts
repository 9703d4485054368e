// SIP URIs of members and company branches at their country center (docs/design.md, "DNS name space").
import { callingCodeOf, centerOwner } from '#numbering';

/** sip:+82262006200@kr.center.callx.test — a member's number at its home country's center. */
export function centerUriForNumber(e164: string, country: string, apex: string): string {
  return `sip:${e164}@${centerOwner(country, apex)}`;
}

/**
 * sip:62006200%23082@kr.center.callx.test — a company branch at its country's center. The VNS
 * travels in its canonical digits with '#' escaped (RFC 3261 user parts may not carry '#').
 */
export function centerUriForVns(base: string, country: string, apex: string): string {
  const cc = callingCodeOf(country).padStart(3, '0');
  return `sip:${base}%23${cc}@${centerOwner(country, apex)}`;
}
