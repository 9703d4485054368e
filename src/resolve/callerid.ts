// Call switching: the caller's identity written in the number system of the destination, as
// the value of the P-Asserted-Identity header embedded in each Contact.

import type { CallerIdFormat } from '#core';
import { formatCallerId, type Identifier } from '#numbering';

export interface Caller {
  /** The URI the request named the caller with (P-Asserted-Identity, else From). */
  uri: string;
  display: string | undefined;
  header: 'P-Asserted-Identity' | 'From' | 'command line';
  /** The identifier it reads as, or null (anonymous, an address of no plan). */
  identifier: Identifier | null;
  /** The caller's country (ISO), from the number, else the configured default. */
  country: string | null;
}

export interface SwitchedCallerId {
  format: CallerIdFormat | 'as-received';
  /** P-Asserted-Identity header value. */
  value: string;
}

/** A display name as a quoted-string (RFC 3261 §25.1). */
function displayPart(display: string | undefined): string {
  if (!display) return '';
  if (/^"(?:[^"\\\r\n]|\\[^\r\n])*"$/.test(display)) return `${display} `; // already a quoted-string
  return `"${display.replace(/[\r\n]/g, ' ').replace(/["\\]/g, (c) => `\\${c}`)}" `;
}

/**
 * Rewrites the caller into `format`: E.164 as tel:+..., a national number as a local tel: URI with
 * phone-context of the country's calling code (RFC 3966 §5.1.5), a PIN with our apex as its
 * context. 'national' is only meaningful inside one country: towards another country it stays
 * E.164. A caller that is not a number (an email, anonymous) is passed on as received.
 */
export function switchCallerId(
  caller: Caller | null,
  format: CallerIdFormat,
  destCountry: string | null,
  apex: string,
): SwitchedCallerId | null {
  if (!caller) return null;
  if (/anonymous\.invalid/i.test(caller.uri) || /^sips?:anonymous@/i.test(caller.uri)) return null;
  const id = caller.identifier;
  const d = displayPart(caller.display);
  if (!id || (id.kind !== 'e164' && id.kind !== 'pin')) {
    return { format: 'as-received', value: `${d}<${caller.uri}>` };
  }
  let effective: CallerIdFormat = format;
  if (format === 'national' && (!id.country || id.country !== destCountry)) effective = 'e164';
  if (effective !== 'e164' && !id.country) effective = 'e164';
  const digits = formatCallerId(id.e164, effective);
  if (effective === 'e164') return { format: effective, value: `${d}<tel:${digits}>` };
  if (effective === 'national')
    return { format: effective, value: `${d}<tel:${digits};phone-context=+${id.callingCode}>` };
  return { format: effective, value: `${d}<tel:${digits};phone-context=${apex}>` };
}
