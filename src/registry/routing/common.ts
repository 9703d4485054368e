// Checks and helpers shared by countries, gateways and carriers.
import { randomBytes } from 'node:crypto';
import type { Collection, Doc } from '#core';
import { ServiceError } from '../auth/errors.ts';
import type { Principal } from '../auth/principal.ts';

/** E.164 digit prefix without '+': 1 to 15 digits, not starting with 0. */
export const PREFIX = /^[1-9][0-9]{0,14}$/;
/** A SIP host[:port] that is safe inside a NAPTR regexp: a DNS name or IPv4, or [IPv6]. */
export const SIP_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
/** Client-chosen ids of gateways and carriers. */
export const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const newId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

export function checkPrefixes(list: readonly string[], field: string): void {
  const bad = list
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !PREFIX.test(p))
    .map(({ p, i }) => ({
      pointer: `/${field}/${i}`,
      detail: `'${p}' is not an E.164 digit prefix (1-15 digits, no leading 0)`,
    }));
  if (bad.length) throw new ServiceError('invalid', `${field}: ${bad.map((b) => b.detail).join('; ')}`, bad);
}

export function checkHost(host: string, field: string): void {
  const port = /:([0-9]+)$/.exec(host)?.[1];
  if (!SIP_HOST.test(host) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535)))
    throw new ServiceError('invalid', `${field}: '${host}' is not a SIP host[:port]`, [
      { pointer: `/${field}`, detail: 'expected host, host:port or [IPv6]:port' },
    ]);
}

/** After a conditional update matched nothing: not there (or not visible), or a version mismatch. */
export async function whyNoMatch<T extends Doc & { registrarId?: string | null; version: number }>(
  p: Principal,
  coll: Collection<T>,
  id: string,
  ifVersion: number | undefined,
  what: string,
): Promise<never> {
  const doc = await coll.get(id);
  if (!doc || (p.role === 'registrar' && doc.registrarId !== p.registrarId))
    throw new ServiceError('not-found', `${what}: not found`);
  if (ifVersion !== undefined && doc.version !== ifVersion)
    throw new ServiceError('version-mismatch', `${what}: is at version ${doc.version}, not ${ifVersion}`);
  throw new ServiceError('not-found', `${what}: not found`);
}
