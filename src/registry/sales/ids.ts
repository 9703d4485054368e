// Document ids for orders and members: a prefix, the creation time in base 36 (so `_id` order is
// creation order, which listing by `_id` relies on) and 64 random bits (unique across processes).
import { randomBytes } from 'node:crypto';

export const ID_PATTERN = /^[a-z]_[0-9a-z]{9}[0-9a-f]{16}$/;

export function newId(prefix: 'o' | 'm', now: number): string {
  return `${prefix}_${Math.max(0, Math.floor(now)).toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
