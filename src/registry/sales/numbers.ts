// Numbers as the sales layer reads them from people and programs, through src/numbering only:
// an inventory key ('pin:+82262006200', 'vns:62006200'), a PIN ('02-6200-6200-082'), an E.164
// number in any written form, or a VNS ('6200-6200#082', which names its base).

import type { NumberKind } from '#core';
import {
  e164ToPin,
  formatVnsBase,
  NumberingError,
  numberKey,
  parseIdentifier,
  parseNumberKey,
} from '#numbering';

export interface NumberRef {
  /** Inventory key, the InventoryNumber `_id`. */
  id: string;
  kind: NumberKind;
  /** E.164 of a PIN. */
  e164?: string;
  /** Base digits of a VNS. */
  base?: string;
}

/** Parses a number reference; throws NumberingError saying what is wrong. */
export function parseNumberRef(text: string): NumberRef {
  const t = text.trim();
  if (t.startsWith('pin:') || t.startsWith('vns:')) return refOfKey(t);
  const id = parseIdentifier(t);
  switch (id.kind) {
    case 'pin':
    case 'e164':
      return { id: numberKey({ kind: 'pin', e164: id.e164 }), kind: 'pin', e164: id.e164 };
    case 'vns':
      return { id: numberKey({ kind: 'vns', base: id.base }), kind: 'vns', base: id.base };
    default:
      throw new NumberingError(
        'invalid-number',
        `numbering: '${id.canonical}': a ${id.kind} is not a number that is sold (give a PIN, an E.164 number, a VNS or 'vns:<base>')`,
        `a ${id.kind} is not a number that is sold`,
      );
  }
}

/** The parts of an inventory key. */
export function refOfKey(key: string): NumberRef {
  const p = parseNumberKey(key);
  return p.kind === 'pin' ? { id: key, kind: 'pin', e164: p.e164 } : { id: key, kind: 'vns', base: p.base };
}

/** How people read a stocked number: the PIN ('02-6200-6200-082') or the VNS base ('6200-6200'). */
export function displayOf(key: string): string {
  const r = refOfKey(key);
  if (r.kind === 'vns') return formatVnsBase(r.base!);
  try {
    return e164ToPin(r.e164!);
  } catch {
    return r.e164!;
  }
}

/** A NumberingError's message, or the error's text: for 'invalid' reasons and input issues. */
export function numberingMessage(err: unknown): string {
  if (err instanceof NumberingError) return err.message;
  throw err;
}
