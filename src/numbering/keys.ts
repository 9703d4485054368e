// Canonical inventory keys (InventoryNumber._id in src/registry/model.ts): a PIN is its E.164
// number ('pin:+82262006200'), a VNS is its base, sold once worldwide ('vns:62006200').
import { E164_PATTERN } from './e164.ts';
import { fail } from './errors.ts';
import { VNS_BASE_MAX_DIGITS, VNS_BASE_MIN_DIGITS } from './vns.ts';

/** What a key is made from: a PIN or E.164 identifier (same subscriber), a VNS, or a registry MemberNumber. */
export type NumberKeySource = { kind: 'pin' | 'e164'; e164: string } | { kind: 'vns'; base: string };
export type NumberKeyParts = { kind: 'pin'; e164: string } | { kind: 'vns'; base: string };

const VNS_BASE = new RegExp(`^\\d{${VNS_BASE_MIN_DIGITS},${VNS_BASE_MAX_DIGITS}}$`);

/** numberKey({ kind: 'pin', e164: '+82262006200' }) === 'pin:+82262006200'; numberKey(vns) === 'vns:62006200'. */
export function numberKey(n: NumberKeySource): string {
  if (n.kind === 'vns') {
    if (!VNS_BASE.test(n.base)) throw fail('bad-vns', n.base, 'not a VNS base number');
    return `vns:${n.base}`;
  }
  if (!E164_PATTERN.test(n.e164)) throw fail('invalid-number', n.e164, 'not an E.164 number');
  return `pin:${n.e164}`;
}

/** The inverse of numberKey; throws NumberingError for anything else. */
export function parseNumberKey(key: string): NumberKeyParts {
  if (key.startsWith('pin:') && E164_PATTERN.test(key.slice(4))) return { kind: 'pin', e164: key.slice(4) };
  if (key.startsWith('vns:') && VNS_BASE.test(key.slice(4))) return { kind: 'vns', base: key.slice(4) };
  throw fail('invalid-number', key, "not a number key ('pin:+<E.164>' or 'vns:<base digits>')");
}
