// TSIG keys (RFC 8945 §4): CALLX_DNS_TSIG_KEYS entries `name:algorithm:base64secret` parsed
// into a keyring, with the names in the canonical wire form the MACs are computed over.
import { type Labels, lowerLabel, nameKey, parseName, toDisplay, Writer } from '#wire';

export class TsigKeyError extends Error {
  override name = 'TsigKeyError';
}

export interface Algorithm {
  /** The algorithm's domain name as it appears in TSIG records. */
  name: string;
  /** node:crypto digest name. */
  hash: string;
  /** Full MAC size in octets. */
  size: number;
}

const ALGORITHMS: Algorithm[] = [
  { name: 'hmac-md5.sig-alg.reg.int', hash: 'md5', size: 16 },
  { name: 'hmac-sha1', hash: 'sha1', size: 20 },
  { name: 'hmac-sha224', hash: 'sha224', size: 28 },
  { name: 'hmac-sha256', hash: 'sha256', size: 32 },
  { name: 'hmac-sha384', hash: 'sha384', size: 48 },
  { name: 'hmac-sha512', hash: 'sha512', size: 64 },
];
const BY_NAME = new Map(ALGORITHMS.map((a) => [a.name, a]));
BY_NAME.set('hmac-md5', BY_NAME.get('hmac-md5.sig-alg.reg.int')!);

export interface TsigKey {
  /** Lower case, no trailing dot, as people write it: 'xfr-key'. */
  name: string;
  /** The key name in canonical wire form (RFC 8945 §4.3.3: lower case, uncompressed). */
  nameWire: Buffer;
  algorithm: Algorithm;
  algWire: Buffer;
  secret: Buffer;
}

/** Keys by the lookup key (name.ts) of their name. */
export type Keyring = Map<string, TsigKey>;

export function wireOf(labels: Labels): Buffer {
  const w = new Writer(64, false);
  w.name(labels.map(lowerLabel), false);
  return Buffer.from(w.toBuffer());
}

/** Parses CALLX_DNS_TSIG_KEYS entries `name:algorithm:base64secret`. */
export function parseTsigKeys(specs: readonly string[]): Keyring {
  const ring: Keyring = new Map();
  for (const spec of specs) {
    const where = `dns: CALLX_DNS_TSIG_KEYS: '${spec.split(':')[0]}'`;
    const parts = spec.split(':');
    if (parts.length !== 3)
      throw new TsigKeyError(
        `${where}: expected name:algorithm:base64secret (e.g. xfr-key:hmac-sha256:c2VjcmV0)`,
      );
    const [rawName, rawAlg, b64] = parts as [string, string, string];
    const algorithm = BY_NAME.get(rawAlg.toLowerCase().replace(/\.$/, ''));
    if (!algorithm)
      throw new TsigKeyError(
        `${where}: unknown algorithm '${rawAlg}' (known: ${ALGORITHMS.map((a) => a.name).join(', ')})`,
      );
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
      throw new TsigKeyError(`${where}: the secret is not base64`);
    let labels: Labels;
    try {
      labels = parseName(rawName.endsWith('.') ? rawName : `${rawName}.`, null);
    } catch (err) {
      throw new TsigKeyError(`${where}: bad key name: ${(err as Error).message}`);
    }
    const key = nameKey(labels);
    if (ring.has(key)) throw new TsigKeyError(`${where}: the key is listed twice`);
    ring.set(key, {
      name: toDisplay(labels.map(lowerLabel)),
      nameWire: wireOf(labels),
      algorithm,
      algWire: wireOf(parseName(`${algorithm.name}.`, null)),
      secret: Buffer.from(b64, 'base64'),
    });
  }
  return ring;
}
