// API tokens: random secrets shown once; only their SHA-256 is stored (ApiToken `_id`), so a
// copy of the database does not hand out working tokens. 256 random bits make the hash a safe
// public identifier of the token (listing and revoking use it).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefix: secret scanners and people can tell a callx token from other strings. */
export const TOKEN_PREFIX = 'cx_';

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares a presented token with a configured one in constant time (through their hashes). */
export function sameToken(presented: string, configured: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(presented, 'utf8').digest(),
    createHash('sha256').update(configured, 'utf8').digest(),
  );
}
