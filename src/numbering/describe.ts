// One flat description of an identifier for people and tools: `callx number` prints it, the HTTP
// API can return it. Adds the inventory key, the other written forms, and the DNS owner names.

import { numberKey } from './keys.ts';
import type { Tree } from './owners.ts';
import { ownerNames } from './owners.ts';
import { e164ToPin } from './pin.ts';
import type { Identifier } from './types.ts';

export type IdentifierDescription = Identifier & {
  /** Inventory key ('pin:+82262006200', 'vns:62006200') for numbers. */
  key?: string;
  /** PIN form of an E.164 number that belongs to a country. */
  pin?: string;
  owners: Partial<Record<Tree, string>>;
};

export function describeIdentifier(id: Identifier, apex: string): IdentifierDescription {
  const extra: { key?: string; pin?: string } = {};
  if (id.kind === 'pin' || id.kind === 'e164' || id.kind === 'vns') extra.key = numberKey(id);
  if (id.kind === 'e164' && id.country !== null) extra.pin = e164ToPin(id.e164);
  return { ...id, ...extra, owners: ownerNames(id, apex) };
}
