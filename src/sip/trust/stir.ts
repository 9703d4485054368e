// STIR/SHAKEN: the caller identity signed as a PASSporT (RFC 8225, SHAKEN RFC 8588: ES256,
// attest, origid) carried in an Identity header (RFC 8224) embedded in each Contact. Signed by
// #core's es256Compact (node:crypto), verified with jose; the key from configuration or the
// registry's demo key (docs/trust.md, "Signed identity").
//
// ES256 costs ~35 µs of CPU per signature here: a PASSporT for the same orig, dest, attest and
// origid is reused while its iat is the current second (so a retransmission, a forked attempt or
// a redial within the second costs nothing).
import { createHash, createPrivateKey } from 'node:crypto';
import { compactVerify, importX509 } from 'jose';
import { LRUCache } from 'lru-cache';
import { type Clock, es256Compact } from '#core';

export type Attestation = 'A' | 'B' | 'C';

/** What a PASSporT asserts: telephone numbers as digits, without '+' (RFC 8224 §8.3). */
export interface PassportClaims {
  attest: Attestation;
  /** The calling number. */
  orig: string;
  /** The dialed number (E.164 digits), or a URI for a destination that is not a number. */
  dest: { tn: string } | { uri: string };
  origid: string;
}

export interface SignerDeps {
  /** PKCS#8 PEM of a P-256 key. */
  keyPem: string;
  /** PEM of its certificate (the first of the chain), to verify our own tokens. */
  certPem: string;
  /** Where the certificate is served (PASSporT x5u, Identity info). */
  x5u: string;
  clock: Clock;
  /** How long a signed PASSporT is reused for the same claims (s): while its iat is the current second (1). */
  reuseS?: number;
}

export interface Signer {
  readonly x5u: string;
  /** The Identity header value for these claims (a signed or reused PASSporT). */
  identity(claims: PassportClaims): Promise<string>;
  /** The signature of a compact PASSporT checks out with our own key. */
  verifiesOurs(jws: string): Promise<boolean>;
  readonly stats: { signed: number; reused: number };
}

/**
 * An origid (RFC 8588 §4: a UUID for the origination point) that stays the same for one
 * originator: a name-based UUID (version 8 layout) of the member or peer id.
 */
export function origidOf(kind: string, id: string): string {
  const h = createHash('sha256').update(`callx origid ${kind} ${id}`).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The PASSporT payload with its claims in lexicographic order and no white space (RFC 8225 §9). */
export function passportPayload(c: PassportClaims, iat: number): string {
  const dest = 'tn' in c.dest ? { tn: [c.dest.tn] } : { uri: [c.dest.uri] };
  return JSON.stringify({ attest: c.attest, dest, iat, orig: { tn: c.orig }, origid: c.origid });
}

export async function createSigner(deps: SignerDeps): Promise<Signer> {
  const key = createPrivateKey(deps.keyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('sip: stir: the signing key is not a P-256 (ES256) key');
  const publicKey = await importX509(deps.certPem, 'ES256');
  const reuseMs = (deps.reuseS ?? 1) * 1000;
  const header = JSON.stringify({ alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u: deps.x5u });
  const info = `;info=<${deps.x5u}>;alg=ES256;ppt=shaken`;
  const done = new LRUCache<string, { value: string; iatMs: number }>({ max: 20_000 });
  const stats = { signed: 0, reused: 0 };

  return {
    x5u: deps.x5u,
    stats,
    identity(claims) {
      const now = deps.clock.now();
      const iatS = Math.floor(now / 1000);
      const key_ = `${claims.orig}|${'tn' in claims.dest ? claims.dest.tn : claims.dest.uri}|${claims.attest}|${claims.origid}`;
      const hit = done.get(key_);
      // reused while its iat is recent enough: the same second by default
      if (hit && Math.floor(hit.iatMs / 1000) * 1000 + reuseMs > now) {
        stats.reused++;
        return Promise.resolve(hit.value);
      }
      const value = `${es256Compact(key, header, passportPayload(claims, iatS))}${info}`;
      stats.signed++;
      done.set(key_, { value, iatMs: iatS * 1000 });
      return Promise.resolve(value);
    },
    async verifiesOurs(jws) {
      try {
        await compactVerify(jws, publicKey);
        return true;
      } catch {
        return false;
      }
    },
  };
}
