// Caller identity for call switching: the caller's E.164 number rewritten into the number system
// the destination expects (PartnerCarrier.callerIdFormat, src/registry/model.ts).
import type { CallerIdFormat } from '#core';
import { phoneNumberOf } from './e164.ts';
import { e164ToPin } from './pin.ts';

/**
 * 'e164': '+82262006200'. 'national': as dialled inside the country, digits only, with the trunk
 * prefix where the country's national format writes one ('0262006200'; US: '2025550123').
 * 'pin': digits only, '0262006200082' — dashes are only visual separators and SIP user parts
 * and P-Asserted-Identity carry digits. A number of no country (+800, +882) has no national or
 * PIN form and stays in E.164. Throws NumberingError('invalid-number') for an invalid number.
 */
export function formatCallerId(e164: string, format: CallerIdFormat): string {
  const n = phoneNumberOf(e164);
  if (format === 'e164' || !n.country) return n.number;
  if (format === 'national') return n.formatNational().replace(/\D/g, '');
  return e164ToPin(n.number, '');
}
