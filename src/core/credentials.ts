// Digest credentials (RFC 7616, RFC 8760 for SIP): the registry stores HA1 = H(username:realm:password)
// per algorithm instead of the password, and the SIP registrar verifies responses against it.
// One definition shared by both (src/registry/members, src/sip/register).
import { hash } from 'node:crypto';

export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** H() of RFC 7616 §3.4.2 for the algorithms callx offers. */
export const digestHash = (alg: DigestAlgorithm, s: string): string =>
  hash(alg === 'MD5' ? 'md5' : 'sha256', s, 'hex');

/** HA1 = H(username:realm:password): what the registry stores instead of the password. */
export function ha1(alg: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(alg, `${username}:${realm}:${password}`);
}
