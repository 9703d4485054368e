// Conversions between written forms that need the full classifier.
import { parseIdentifier } from './classify.ts';
import { fail } from './errors.ts';

/** PIN -> E.164: pinToE164('02-6200-6200-082') === '+82262006200'. Throws NumberingError for non-PINs. */
export function pinToE164(pin: string): string {
  const id = parseIdentifier(pin);
  if (id.kind !== 'pin') throw fail('invalid-number', pin, `is a ${id.kind}, not a PIN`);
  return id.e164;
}
