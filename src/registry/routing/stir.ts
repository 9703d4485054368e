// The STIR/SHAKEN signing key and certificate (docs/trust.md, "Signed identity"): from the
// files CALLX_STIR_KEY and CALLX_STIR_CERT, or, for the demo, a P-256 key and a self-signed
// certificate created once in the registry (`secrets/stir-demo`) by the first process that needs
// them, so every redirector signs with the key whose certificate the API serves at the x5u URL.
// The certificate is built with @peculiar/x509 on WebCrypto; no cryptography of our own.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the Reflect metadata API
import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as x509 from '@peculiar/x509';
import { type Clock, COLLECTIONS, DuplicateKeyError, type Store, systemClock } from '#core';

export interface StirCredentials {
  /** PKCS#8 PEM of the P-256 signing key. */
  keyPem: string;
  /** PEM of the certificate (chain), served at the x5u URL. */
  certPem: string;
  /** A self-signed demo certificate (no STI-CA issued it). */
  demo: boolean;
}

export const STIR_SECRET_ID = 'stir-demo';

interface StirSecret {
  _id: string;
  keyPem: string;
  certPem: string;
  createdAt: number;
}

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** A new P-256 key and a self-signed certificate for it (a year), subject 'CN=<apex> STIR demo'. */
export async function generateStirCredentials(apex: string, now: number): Promise<StirCredentials> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${apex} STIR demo`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  return {
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certPem: cert.toString('pem'),
    demo: true,
  };
}

/** The key and certificate of CALLX_STIR_KEY and CALLX_STIR_CERT. */
export async function stirFromFiles(keyFile: string, certFile: string): Promise<StirCredentials> {
  const read = async (f: string, what: string) => {
    try {
      return await readFile(f, 'utf8');
    } catch (err) {
      throw new Error(`stir: ${what} ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const keyPem = await read(keyFile, 'CALLX_STIR_KEY');
  const certPem = await read(certFile, 'CALLX_STIR_CERT');
  if (!/-----BEGIN (EC )?PRIVATE KEY-----/.test(keyPem))
    throw new Error(`stir: CALLX_STIR_KEY ${keyFile}: not a PEM private key`);
  if (!certPem.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`stir: CALLX_STIR_CERT ${certFile}: not a PEM certificate`);
  return { keyPem, certPem, demo: false };
}

/**
 * The registry's demo key and certificate, created by the first process that asks (the unique
 * `_id` settles a race between two), then read by every other one.
 */
export function stirCredentials(
  store: Store,
  opts: { apex: string; clock?: Clock },
): () => Promise<StirCredentials> {
  const secrets = store.collection<StirSecret>(COLLECTIONS.secrets);
  const clock = opts.clock ?? systemClock;
  let loaded: Promise<StirCredentials> | undefined;
  const load = async (): Promise<StirCredentials> => {
    const found = await secrets.get(STIR_SECRET_ID);
    if (found) return { keyPem: found.keyPem, certPem: found.certPem, demo: true };
    const made = await generateStirCredentials(opts.apex, clock.now());
    try {
      await secrets.insert({
        _id: STIR_SECRET_ID,
        keyPem: made.keyPem,
        certPem: made.certPem,
        createdAt: clock.now(),
      });
      return made;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const winner = await secrets.get(STIR_SECRET_ID);
      if (!winner) throw err;
      return { keyPem: winner.keyPem, certPem: winner.certPem, demo: true };
    }
  };
  return () => {
    loaded ??= load().catch((err: unknown) => {
      loaded = undefined; // a failure is not remembered
      throw err;
    });
    return loaded;
  };
}
