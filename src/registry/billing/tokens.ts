// Signed route tokens (docs/billing.md, "Route tokens"): a JWT (RFC 7519) signed with ES256 that
// the redirector puts in each paid Contact, so a gateway or partner can check offline that the
// route was authorized, for whom, to where, at what rate and for how long. Keys are ES256 key
// pairs kept in the registry (`secrets/route-token-keys`), so every process signs with the same
// key and publishes the same JWKS (`/.well-known/jwks.json`); `callx billing keys rotate` adds
// a key that starts signing after a lead time (verifiers fetch it first), and a key that stopped
// signing stays published while tokens it signed may still come back in CDRs.
//
// Keys are made and exported with jose; signing is #core's es256Signature (node:crypto, no promise
// per token), and tokens are verified with jose (independently).
import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, jwtVerify } from 'jose';
import {
  type Clock,
  COLLECTIONS,
  DuplicateKeyError,
  es256Signature,
  es256SignatureAsync,
  type Logger,
  type Store,
} from '#core';

export const ROUTE_KEYS_ID = 'route-token-keys';

export interface RouteKey {
  kid: string;
  createdAt: number;
  /** Signs from then on (until a newer key is active). */
  activeAt: number;
  publicJwk: JWK;
  privateJwk: JWK;
}

interface RouteKeysDoc {
  _id: string;
  keys: RouteKey[];
  version: number;
}

/** The claims of a route token. */
export interface RouteClaims extends JWTPayload {
  /** Route id and candidate: `<route id>.<candidate index>`. */
  jti: string;
  /** The caller (its E.164 number or SIP URI). */
  sub: string;
  /** The counterparty the Contact points at ('gateway:gw-kr'). */
  aud: string;
  /** The destination, E.164. */
  dst: string;
  /** The longest call authorized, seconds. */
  max: number;
  /** The rate the counterparty is paid (its cost deck's row); absent when it has none. */
  rate?: { currency: string; perMinute: string; connectionFee: string; increments: string; prefix: string };
  emergency?: boolean;
}

export interface RouteTokensOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** `iss` of every token (the apex). */
  issuer: string;
  /** How long a token may be used to set a call up (ms, default 60 s). */
  ttlMs?: number;
  /** How long a key stays published after it stopped signing (ms, default 7 days: CDRs carry tokens back). */
  retainMs?: number;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

async function newKey(now: number, activeAt: number): Promise<RouteKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${new Date(now).toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  return {
    kid,
    createdAt: now,
    activeAt,
    publicJwk: { ...pub, kid, alg: 'ES256', use: 'sig' },
    privateJwk: { ...priv, kid, alg: 'ES256' },
  };
}

export type RouteTokens = ReturnType<typeof createRouteTokens>;

export function createRouteTokens(opts: RouteTokensOptions) {
  const { clock } = opts;
  const ttlMs = opts.ttlMs ?? 60_000;
  const retainMs = opts.retainMs ?? 7 * 86_400_000;
  const secrets = opts.store.collection<RouteKeysDoc>(COLLECTIONS.secrets);
  let keys: RouteKey[] = [];
  const privates = new Map<string, KeyObject>();
  let signer: { kid: string; key: KeyObject; header: string } | null = null;
  let loadedVersion = -1;

  function adopt(doc: RouteKeysDoc): void {
    if (doc.version === loadedVersion) return;
    keys = [...doc.keys].sort((a, b) => a.activeAt - b.activeAt);
    for (const k of keys)
      if (!privates.has(k.kid))
        privates.set(k.kid, createPrivateKey({ key: k.privateJwk as never, format: 'jwk' }));
    loadedVersion = doc.version;
    signer = null;
  }

  /** Reads the keys (creating the first one when the registry has none). */
  async function load(): Promise<void> {
    let doc = await secrets.get(ROUTE_KEYS_ID);
    if (!doc) {
      const now = clock.now();
      const first: RouteKeysDoc = { _id: ROUTE_KEYS_ID, keys: [await newKey(now, 0)], version: 1 };
      try {
        await secrets.insert(first);
        doc = first;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        doc = await secrets.get(ROUTE_KEYS_ID);
      }
    }
    if (doc) adopt(doc);
  }

  function current(): { kid: string; key: KeyObject; header: string } {
    const now = clock.now();
    let k: RouteKey | undefined;
    for (const x of keys) if (x.activeAt <= now) k = x;
    if (!k) throw new Error('billing: route tokens: no signing key (load() first)');
    if (signer?.kid !== k.kid)
      signer = {
        kid: k.kid,
        key: privates.get(k.kid)!,
        header: b64(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: k.kid })),
      };
    return signer;
  }

  /** The signing input (header.payload) and key for `claims`. */
  function toSign(claims: Omit<RouteClaims, 'iss' | 'iat' | 'nbf' | 'exp'>) {
    const s = current();
    const iat = Math.floor(clock.now() / 1000);
    const payload = b64(
      JSON.stringify({ iss: opts.issuer, iat, nbf: iat, exp: iat + Math.ceil(ttlMs / 1000), ...claims }),
    );
    return { input: `${s.header}.${payload}`, key: s.key };
  }

  /** A signed token for `claims` (iss, iat, nbf and exp are added). Synchronous. */
  function signRoute(claims: Omit<RouteClaims, 'iss' | 'iat' | 'nbf' | 'exp'>): string {
    const { input, key } = toSign(claims);
    return `${input}.${es256Signature(key, input)}`;
  }

  /**
   * The same token, the ECDSA signature computed on libuv's thread pool (node:crypto's sign with
   * a callback): the event loop goes on with other calls meanwhile, and another core signs.
   */
  function signRouteAsync(claims: Omit<RouteClaims, 'iss' | 'iat' | 'nbf' | 'exp'>): Promise<string> {
    const { input, key } = toSign(claims);
    return es256SignatureAsync(key, input).then((sig) => `${input}.${sig}`);
  }

  /** The public keys to publish: every key not yet retired long enough ago. */
  function jwks(): { keys: JWK[] } {
    const now = clock.now();
    const out: JWK[] = [];
    keys.forEach((k, i) => {
      const successor = keys[i + 1];
      const retiredAt = successor && successor.activeAt <= now ? successor.activeAt : null;
      if (retiredAt === null || now - retiredAt < retainMs) out.push(k.publicJwk);
    });
    return { keys: out };
  }

  /**
   * Adds a key that starts signing `leadMs` from now (verifiers that cache the JWKS pick it up
   * first), and drops keys retired longer than the retention. Returns the new key's id.
   */
  async function rotate(leadMs = 3_600_000): Promise<{ kid: string; activeAt: number }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      await load();
      const doc = (await secrets.get(ROUTE_KEYS_ID))!;
      const now = clock.now();
      const k = await newKey(now, now + leadMs);
      const sorted = [...doc.keys].sort((a, b) => a.activeAt - b.activeAt);
      const kept = sorted.filter((_x, i) => {
        const succ = sorted[i + 1];
        return !(succ && succ.activeAt <= now && now - succ.activeAt >= retainMs);
      });
      const done = await secrets.findOneAndUpdate(
        { _id: ROUTE_KEYS_ID, version: doc.version },
        { $set: { keys: [...kept, k] }, $inc: { version: 1 } },
      );
      if (done) {
        adopt(done);
        opts.logger.info({ kid: k.kid, activeAt: k.activeAt }, 'billing: route tokens: key added');
        return { kid: k.kid, activeAt: k.activeAt };
      }
    }
    throw new Error('billing: route tokens: the keys keep changing; rotate again');
  }

  /**
   * Verifies a token with the published keys (as a gateway would), at `at` (a CDR's start: a
   * token is valid for set-up, the call may end much later). Null when it does not verify.
   */
  async function verify(token: string, at?: number): Promise<RouteClaims | null> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks()), {
        issuer: opts.issuer,
        algorithms: ['ES256'],
        currentDate: new Date(at ?? clock.now()),
        clockTolerance: 5,
      });
      return payload as RouteClaims;
    } catch {
      return null;
    }
  }

  return {
    load,
    signRoute,
    signRouteAsync,
    jwks,
    rotate,
    verify,
    /** Key ids and when each signs (no secrets). */
    keys: () => keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, activeAt: k.activeAt })),
    ttlMs,
  };
}
