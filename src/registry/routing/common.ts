// What countries, gateways and carriers share: generated ids, and the reason a conditional
// write matched nothing.
import { randomBytes } from 'node:crypto';
import type { Collection, Doc } from '#core';
import { RegistryError } from '../kernel/index.ts';

export const newId = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

/** After a conditional update matched nothing: not there, or a version conflict. */
export async function whyNoMatch<T extends Doc & { version: number; publishRemove?: true }>(
  coll: Collection<T>,
  id: string,
  ifVersion: number | undefined,
  what: string,
): Promise<never> {
  const doc = await coll.get(id);
  if (doc && !doc.publishRemove && ifVersion !== undefined && doc.version !== ifVersion)
    throw new RegistryError('version-conflict', `${what}: is at version ${doc.version}, not ${ifVersion}`, {
      details: { version: doc.version },
    });
  throw new RegistryError('not-found', `${what}: not found`);
}
