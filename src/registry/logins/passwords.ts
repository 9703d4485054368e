// Password hashes for web logins: scrypt from node:crypto (OpenSSL's), with a random salt and
// the cost stored in the hash, so the cost can rise without invalidating old hashes
// (`needsRehash`). Never a plain or fast hash. Verification compares in constant time.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** log2 of scrypt's N in production: 2^15 with r = 8 is 32 MiB and ~50-100 ms per hash. */
export const DEFAULT_SCRYPT_LOG2N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 128;

/** A web password: 10-128 characters, no control or invisible characters. */
export const Password = z
  .string()
  .min(MIN_PASSWORD, { error: `expected a password of at least ${MIN_PASSWORD} characters` })
  .max(MAX_PASSWORD, { error: `expected a password of at most ${MAX_PASSWORD} characters` })
  .regex(/^[^\p{C}]*$/u, { error: 'a password may not hold control or invisible characters' });

const options = (log2n: number) => ({ N: 2 ** log2n, r: R, p: P, maxmem: 256 * 2 ** log2n * R + 1_048_576 });

/** `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string, log2n = DEFAULT_SCRYPT_LOG2N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options(log2n));
  return ['scrypt', log2n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `hash`; false for any hash this code did not make. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [alg, log2n, r, p, salt, key] = hash.split('$');
  if (alg !== 'scrypt' || !log2n || !r || !p || !salt || !key) return false;
  const n = Number(log2n);
  if (!Number.isInteger(n) || n < 1 || n > 20 || Number(r) !== R || Number(p) !== P) return false;
  const expected = Buffer.from(key, 'base64url');
  const got = await scrypt(
    password.normalize('NFC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    options(n),
  );
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** True when the hash was made with a lower cost than `log2n` (rehash at the next login). */
export function needsRehash(hash: string, log2n = DEFAULT_SCRYPT_LOG2N): boolean {
  return Number(hash.split('$')[1]) < log2n;
}
