// Stock blocks: a PIN range (first number and count) or list, VNS bases as a range or list,
// expanded into validated inventory entries. Pure: every number goes through src/numbering, a
// PIN must be a valid number of the block's country, a VNS base must be a valid base.

import type { NumberKind } from '#core';
import { NumberingError, numberKey, parseIdentifier } from '#numbering';

/** At most this many numbers per stocking call (one insertMany). */
export const MAX_BLOCK = 10_000;

export interface Block {
  country: string;
  kind: NumberKind;
  range?: { first: string; count: number };
  numbers?: string[];
}

export interface BlockEntry {
  id: string;
  kind: NumberKind;
  country: string;
  /** E.164 digits of a PIN, base digits of a VNS: what searches match. */
  digits: string;
  /** What premiums look at: the national significant number of a PIN, the VNS base. */
  memorable: string;
}

export interface BlockResult {
  entries: BlockEntry[];
  /** Numbers refused, each with why (NumberingError message). */
  invalid: Array<{ number: string; reason: string }>;
}

const SEPARATORS = /[-. ()]/g;

/** The next number of the same length, or null when the digits would grow (…999 + 1). */
function increment(digits: string): string | null {
  const next = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  return next.length > digits.length ? null : next;
}

function pinEntry(text: string, country: string): BlockEntry {
  if (/\p{L}/u.test(text.replace(/^tel:/i, ''))) {
    throw new NumberingError(
      'invalid-number',
      `numbering: '${text}': not a telephone number`,
      'not a telephone number',
    );
  }
  const id = parseIdentifier(text, { defaultCountry: country });
  if (id.kind !== 'pin' && id.kind !== 'e164') {
    throw new NumberingError(
      'invalid-number',
      `numbering: '${text}': not a telephone number`,
      'not a telephone number',
    );
  }
  if (id.country !== country) {
    throw new NumberingError(
      'invalid-number',
      `numbering: '${text}': a number of ${id.country ?? `+${id.callingCode}`}, not of ${country}`,
      `not a number of ${country}`,
    );
  }
  return {
    id: numberKey({ kind: 'pin', e164: id.e164 }),
    kind: 'pin',
    country,
    digits: id.e164.slice(1),
    memorable: id.nationalNumber,
  };
}

function vnsEntry(text: string, country: string): BlockEntry {
  const base = text.replace(SEPARATORS, '');
  const id = numberKey({ kind: 'vns', base });
  return { id, kind: 'vns', country, digits: base, memorable: base };
}

/** Expands and validates a block. Duplicates inside the block are kept once. */
export function expandBlock(block: Block): BlockResult {
  const entryOf = block.kind === 'pin' ? pinEntry : vnsEntry;
  const invalid: BlockResult['invalid'] = [];
  const byId = new Map<string, BlockEntry>();
  const add = (text: string) => {
    try {
      const e = entryOf(text, block.country);
      if (!byId.has(e.id)) byId.set(e.id, e);
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
      invalid.push({ number: text, reason: err.message });
    }
  };
  if (block.numbers) for (const n of block.numbers) add(n);
  if (block.range) {
    let first: BlockEntry;
    try {
      first = entryOf(block.range.first, block.country);
    } catch (err) {
      if (!(err instanceof NumberingError)) throw err;
      return { entries: [], invalid: [{ number: block.range.first, reason: err.message }] };
    }
    // A PIN range counts up the E.164 digits; a VNS range counts up the base, keeping its length.
    let digits: string | null = first.digits;
    for (let i = 0; i < block.range.count; i++) {
      if (digits === null) {
        invalid.push({
          number: `${block.range.first} + ${i}`,
          reason: `range: ${block.range.count} numbers from ${block.range.first} run past the last number of that length`,
        });
        break;
      }
      add(block.kind === 'pin' ? `+${digits}` : digits);
      digits = increment(digits);
    }
  }
  return { entries: [...byId.values()], invalid };
}
