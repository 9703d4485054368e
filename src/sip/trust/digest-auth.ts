// SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760) for every request the
// redirector authenticates: REGISTER, and INVITE and MESSAGE of members and trusted peers. One
// verifier per redirector: nonces valid on every redirector (the deployment's secret in the
// registry), nonce counts against replays, the digest `uri` checked against the Request-URI
// (RFC 7616 §3.4.6, RFC 3261 §22.4). Credentials are HA1 digests, never passwords.
import type { Clock } from '#core';
import { header, parseUri, type SipMessage } from '../message.ts';
import {
  ALGORITHMS,
  challenge,
  createNonces,
  type DigestAlgorithm,
  digestResponse,
  type Nonces,
  parseAuthorization,
  sameDigest,
} from '../register/digest.ts';
import { createNonceCounts } from './nonce-counts.ts';

/** What a verifier needs of an account. */
export interface DigestCredentials {
  username: string;
  ha1Md5: string;
  ha1Sha256: string;
}

/** The longest Authorization value read (a UA sends a few hundred octets). */
export const MAX_AUTHORIZATION = 4096;

export type DigestOutcome<A> =
  /** The digest checked out. */
  | { kind: 'ok'; account: A; algorithm: DigestAlgorithm }
  /** No Authorization for our realm (none at all, or only for other realms). */
  | { kind: 'none'; foreign: boolean }
  /** Credentials that do not authenticate: answer with a new challenge (stale: only the nonce is old or reused). */
  | { kind: 'challenge'; stale: boolean; why: string; username?: string }
  /** Credentials that cannot be read: 400. */
  | { kind: 'malformed'; why: string };

export interface DigestVerifierDeps {
  realm: string;
  /** Challenged with, most preferred first. */
  algorithms?: DigestAlgorithm[];
  clock: Clock;
  nonceLifetimeMs?: number;
  /** The deployment's nonce secret (registryNonceSecret); without it nonces are this process's own. */
  nonceSecret?: () => Promise<Buffer>;
}

export interface DigestVerifier {
  readonly realm: string;
  readonly algorithms: readonly DigestAlgorithm[];
  /**
   * Checks the request's Authorization against `lookup` (username -> account, null when there is
   * none; it may throw when the registry fails, and that propagates).
   */
  verify<A extends DigestCredentials>(
    msg: SipMessage,
    lookup: (username: string) => Promise<A | null> | A | null,
  ): Promise<DigestOutcome<A>>;
  /** WWW-Authenticate values, one per algorithm, with a new nonce. */
  challenges(stale: boolean): Promise<[string, string][]>;
}

/** Authorization values are comma-joined by the message model; split them at each "Digest". */
function splitAuthorizations(v: string): string[] {
  return v.split(/,\s*(?=Digest\s)/i);
}

const FIELDS = ['username', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce'] as const;

/**
 * RFC 3261 §19.1.4 comparison of the digest `uri` with the Request-URI: the same URI, or the
 * same after case-insensitive scheme and host, decoded escapes in the user part, and parameters
 * compared case-insensitively in any order. SIPp, Linphone and PJSIP send the Request-URI as is.
 */
export function sameRequestUri(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  const norm = (u: string): string | null => {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(u.trim());
    if (!m) return null;
    const scheme = m[1]!.toLowerCase();
    if (scheme !== 'sip' && scheme !== 'sips') return `${scheme}:${decodeSafe(m[2]!).toLowerCase()}`;
    let p: ReturnType<typeof parseUri>;
    try {
      p = parseUri(`${scheme}:${m[2]!}`);
    } catch {
      return null;
    }
    if (!p?.host) return null;
    const port = Number.isFinite(p.port) ? String(p.port) : '';
    const params = Object.entries(p.params ?? {})
      .map(([k, v]) => `${k.toLowerCase()}=${String(v ?? '').toLowerCase()}`)
      .sort()
      .join(';');
    return `${scheme}:${decodeSafe(p.user ?? '')}@${p.host.toLowerCase()}:${port};${params}`;
  };
  const a = norm(digestUri);
  return a !== null && a === norm(requestUri);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function createDigestVerifier(deps: DigestVerifierDeps): DigestVerifier {
  const algorithms = deps.algorithms ?? ALGORITHMS;
  const lifetimeMs = deps.nonceLifetimeMs ?? 300_000;
  const now = () => deps.clock.now();
  // the counts used with each nonce (nonce-counts.ts), per redirector for the nonce's life, and
  // only after the digest checked out, so nobody can fill the table with guesses
  const counts = createNonceCounts({ max: 50_000, ttlMs: lifetimeMs });

  // the secret is read once (a failure is not remembered: the next request tries again)
  let nonces: Nonces | undefined = deps.nonceSecret
    ? undefined
    : createNonces(lifetimeMs, undefined, deps.realm);
  let loading: Promise<Nonces> | undefined;
  function noncesReady(): Nonces | Promise<Nonces> {
    if (nonces) return nonces;
    if (!loading) {
      loading = deps.nonceSecret!().then(
        (secret) => {
          nonces = createNonces(lifetimeMs, secret, deps.realm);
          return nonces;
        },
        (err: unknown) => {
          loading = undefined;
          throw err;
        },
      );
    }
    return loading;
  }

  return {
    realm: deps.realm,
    algorithms,
    async challenges(stale) {
      const nonce = (await noncesReady()).issue(now());
      return algorithms.map((a) => ['WWW-Authenticate', challenge(a, deps.realm, nonce, stale)]);
    },

    async verify(msg, lookup) {
      const values = header(msg, 'authorization');
      if (!values) return { kind: 'none', foreign: false };
      if (values.length > MAX_AUTHORIZATION)
        return { kind: 'malformed', why: `Authorization longer than ${MAX_AUTHORIZATION} octets` };
      const parsed = splitAuthorizations(values).map(parseAuthorization);
      if (parsed.some((a) => a === null)) return { kind: 'malformed', why: 'malformed Authorization' };
      // a UA may answer several challenges; take the one for our realm with an algorithm we offer
      const ours = (parsed as Map<string, string>[]).filter((a) => a.get('realm') === deps.realm);
      if (ours.length === 0) return { kind: 'none', foreign: true };
      const auth = ours.find((a) =>
        algorithms.includes((a.get('algorithm') ?? 'MD5').toUpperCase() as DigestAlgorithm),
      );
      if (!auth) {
        const alg = (ours[0]!.get('algorithm') ?? '').slice(0, 32);
        return { kind: 'challenge', stale: false, why: `digest algorithm '${alg}' is not offered` };
      }
      const alg = (auth.get('algorithm') ?? 'MD5').toUpperCase() as DigestAlgorithm;
      const [username, nonce, uri, response, qop, nc, cnonce] = FIELDS.map((k) => auth.get(k));
      if (!username || !nonce || !uri || !response)
        return { kind: 'malformed', why: 'incomplete Authorization' };
      if (username.length > 256) return { kind: 'malformed', why: 'username too long' };
      if (qop !== 'auth' || !nc || !cnonce)
        return { kind: 'challenge', stale: false, why: 'qop=auth is required', username };
      if (!/^[0-9a-f]{8}$/i.test(nc)) return { kind: 'malformed', why: 'nc is not 8 hex digits' };
      if (!/^[0-9a-f]+$/i.test(response)) return { kind: 'malformed', why: 'response is not hex' };
      // RFC 7616 §3.4.6, RFC 3261 §22.4: the credentials are for this request's target only
      if (!sameRequestUri(uri, msg.uri ?? ''))
        return { kind: 'malformed', why: 'the digest uri is not the Request-URI' };
      const fresh = (await noncesReady()).check(nonce, now());
      if (fresh === 'bad') return { kind: 'challenge', stale: false, why: 'unknown nonce', username };
      const account = await lookup(username);
      const ha1 = account ? (alg === 'MD5' ? account.ha1Md5 : account.ha1Sha256) : undefined;
      const expected = ha1
        ? digestResponse(alg, ha1, { nonce, nc, cnonce, qop, method: msg.method ?? '', uri })
        : '';
      // an unknown user and a wrong password get the same answer: nothing tells which accounts exist
      if (!account || !sameDigest(expected, response))
        return { kind: 'challenge', stale: false, why: 'wrong credentials', username };
      // right password, old nonce: the UA retries at once without asking its user (RFC 7616 §3.3)
      if (fresh === 'stale') return { kind: 'challenge', stale: true, why: 'nonce expired', username };
      if (!counts.use(nonce, Number.parseInt(nc, 16)))
        return { kind: 'challenge', stale: true, why: 'nonce count replayed', username };
      return { kind: 'ok', account, algorithm: alg };
    },
  };
}
