// ES256 compact JWS signing (RFC 7515, RFC 7518 §3.4) for the tokens callx signs per call: the
// STIR PASSporT (src/sip/trust/stir.ts) and the fee system's route token (registry billing).
// node:crypto makes the ECDSA signature; ecdsa-sig-formatter turns its DER into JOSE's r||s.
// Verification stays with jose (an independent implementation) in both places.
//
// Why not jose's sign or node:crypto's `dsaEncoding: 'ieee-p1363'`: on Node 24 both cost about
// twice the bare signature (jose goes through WebCrypto and a promise; the options-object form of
// sign() ~70 µs against ~34 µs with the KeyObject itself, bench/RESULTS.md, "Caller trust").
import { type KeyObject, sign } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';

/** The JOSE signature (base64url) of `input` (the JWS signing input, `header.payload`). */
export function es256Signature(key: KeyObject, input: string): string {
  return derToJose(sign('sha256', Buffer.from(input), key), 'ES256');
}

/** es256Signature computed on libuv's thread pool (sign() with a callback): the caller goes on meanwhile. */
export function es256SignatureAsync(key: KeyObject, input: string): Promise<string> {
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(input), key, (err, der) =>
      err ? reject(err) : resolve(derToJose(der, 'ES256')),
    ),
  );
}

/** A compact JWS: base64url(header).base64url(payload).signature, both JSON texts given as strings. */
export function es256Compact(key: KeyObject, header: string, payload: string): string {
  const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${es256Signature(key, input)}`;
}
