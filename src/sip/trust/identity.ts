// Identity headers a request brings (RFC 8224 §4.1: `<compact PASSporT>;info=<URI>;alg=...;ppt=...`):
// read and checked before anything is done with them. A malformed one, or one whose iat is
// outside the freshness window, is refused with the status RFC 8224 gives (438, 436, 403 Stale
// Date); one signed with our own certificate is verified with our key (a forged one is 438).
// Others cannot be verified without fetching their certificate: a trusted peer's are passed on
// as they came, an anonymous caller's are never passed on. docs/trust.md, "Signed identity".
import { splitValues } from '../message.ts';

/** The longest Identity header value read (a PASSporT with a long x5u is well under 1 KiB). */
export const MAX_IDENTITY = 4096;
/** RFC 8224 §6.2.2: the Date, and so the iat, must be within this many seconds of ours. */
export const FRESHNESS_S = 60;

export interface IdentityHeader {
  /** The whole header value, as it came. */
  value: string;
  jws: string;
  x5u: string | undefined;
}

export type IdentityReading =
  | { ok: true; headers: IdentityHeader[] }
  | { ok: false; status: 403 | 436 | 438; reason: string; why: string };

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const invalid = (why: string): IdentityReading => ({
  ok: false,
  status: 438,
  reason: 'Invalid Identity Header',
  why,
});

/** Reads the Identity header values of a request (null when there are none). */
export function readIdentity(raw: string | undefined, nowMs: number): IdentityReading | null {
  if (raw === undefined) return null;
  if (raw.length > MAX_IDENTITY) return invalid(`Identity longer than ${MAX_IDENTITY} octets`);
  const headers: IdentityHeader[] = [];
  for (const value of splitValues(raw)) {
    const [jws = '', ...params] = value.split(';').map((s) => s.trim());
    const parts = jws.split('.');
    if (parts.length !== 3 || !parts.every((p) => p.length > 0 && B64URL.test(p)))
      return invalid('the Identity header is not a compact PASSporT');
    const header = decodeJson(parts[0]!);
    const payload = decodeJson(parts[1]!);
    if (!header || !payload) return invalid('the PASSporT does not decode');
    const named = new Map<string, string>();
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) named.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    }
    const alg = named.get('alg') ?? String(header.alg ?? '');
    if (alg !== 'ES256' || header.alg !== 'ES256')
      return invalid(`PASSporT algorithm '${alg.slice(0, 16)}' is not ES256`);
    if (parts[2]!.length !== 86) return invalid('the ES256 signature is not 64 octets');
    const info = named.get('info');
    if (!info || !/^<https?:\/\/[^\s<>]+>$/.test(info))
      return {
        ok: false,
        status: 436,
        reason: 'Bad Identity Info',
        why: 'the Identity info is not an http(s) URI',
      };
    const x5u = typeof header.x5u === 'string' ? header.x5u : undefined;
    const iat = payload.iat;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('the PASSporT has no iat');
    if (Math.abs(nowMs / 1000 - iat) > FRESHNESS_S)
      return { ok: false, status: 403, reason: 'Stale Date', why: 'the PASSporT iat is not within 60 s' };
    if (typeof payload.orig !== 'object' || typeof payload.dest !== 'object')
      return invalid('the PASSporT lacks orig or dest');
    headers.push({ value, jws, x5u });
  }
  return { ok: true, headers };
}
