// HTTP Digest for SIP REGISTER (RFC 3261 §22, RFC 7616 algorithms, RFC 8760 SHA-256 for SIP):
// qop=auth, stateless nonces that expire, stale=true when only the nonce is too old. HA1 is
// core's (src/core/credentials.ts): the registry stores what it computes.
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { type DigestAlgorithm, digestHash as H } from '#core';

export type { DigestAlgorithm } from '#core';
/**
 * Challenges in the order sent, most preferred first (RFC 8760 §2.4); the default of
 * CALLX_SIP_DIGEST_ALGORITHMS. MD5 first: SIPp reads only the first challenge and computes only
 * MD5, as do several deployed clients (docs/trust.md, "Clients"); SHA-256 is there for UAs that
 * support nothing else or are configured for it.
 */
export const ALGORITHMS: DigestAlgorithm[] = ['MD5', 'SHA-256'];

/** The expected `response` for qop=auth. */
export function digestResponse(
  alg: DigestAlgorithm,
  ha1Hex: string,
  p: { nonce: string; nc: string; cnonce: string; qop: string; method: string; uri: string },
): string {
  const ha2 = H(alg, `${p.method}:${p.uri}`);
  return H(alg, `${ha1Hex}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

export interface Nonces {
  issue(now: number): string;
  /** 'ok' (ours and fresh), 'stale' (ours but expired: re-challenge with stale=true), 'bad'. */
  check(nonce: string, now: number): 'ok' | 'stale' | 'bad';
}

/**
 * Nonces carry their issue time, 4 random octets and an HMAC over both and the realm, so checking
 * one needs no state: every redirector given the same secret (the deployment's, kept in the
 * registry: register/stores.ts) accepts the nonces of the others. Without a secret the nonces
 * are this process's only, and a nonce from another redirector is 'bad' and challenged again.
 */
export function createNonces(lifetimeMs: number, secret: Buffer = randomBytes(32), realm = ''): Nonces {
  // a key of its own for nonces, so the stored secret could serve other purposes later; as a
  // KeyObject, an HMAC costs ~6 µs instead of ~28 µs with a Buffer key (measured, Node 24)
  const key = createSecretKey(createHmac('sha256', secret).update('callx sip digest nonce v1').digest());
  const realmBytes = Buffer.from(realm, 'utf8');
  const mac = (head: Buffer) =>
    createHmac('sha256', key).update(head).update(realmBytes).digest().subarray(0, 16);
  // random octets drawn from a pool (one randomBytes call costs ~4 µs whatever its size)
  const pool = Buffer.alloc(4096);
  let used = pool.length;
  return {
    issue(now) {
      const head = Buffer.alloc(12);
      head.writeBigUInt64BE(BigInt(now));
      if (used + 4 > pool.length) {
        randomBytes(pool.length).copy(pool);
        used = 0;
      }
      pool.copy(head, 8, used, used + 4);
      used += 4;
      return Buffer.concat([head, mac(head)]).toString('base64url');
    },
    check(nonce, now) {
      let raw: Buffer;
      try {
        raw = Buffer.from(nonce, 'base64url');
      } catch {
        return 'bad';
      }
      if (raw.length !== 28) return 'bad';
      const head = raw.subarray(0, 12);
      if (!timingSafeEqual(raw.subarray(12), mac(head))) return 'bad';
      const issued = Number(head.readBigUInt64BE());
      if (issued > now + 5000) return 'bad';
      return now - issued > lifetimeMs ? 'stale' : 'ok';
    },
  };
}

/** A WWW-Authenticate value. */
export function challenge(alg: DigestAlgorithm, realm: string, nonce: string, stale: boolean): string {
  const q = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `Digest realm=${q(realm)}, nonce=${q(nonce)}, algorithm=${alg}, qop="auth"${stale ? ', stale=true' : ''}`;
}

/** Parses `Digest k=v, k="v"` (quoted values unescaped, names lower case); null if not Digest. */
export function parseAuthorization(value: string): Map<string, string> | null {
  const m = /^\s*Digest\s+/i.exec(value);
  if (!m) return null;
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)/gy;
  re.lastIndex = m[0].length;
  while (re.lastIndex < value.length) {
    const p = re.exec(value);
    if (!p) return null;
    out.set(p[1]!.toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!);
  }
  return out;
}

/** Constant-time comparison of hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}
