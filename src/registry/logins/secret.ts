// Deployment-wide secrets in the registry (`secrets` collection): created once by whichever
// process needs one first (the unique `_id` settles a race), then cached per process, so every
// process of a deployment signs and checks with the same key.
import { randomBytes } from 'node:crypto';
import { type Clock, COLLECTIONS, DuplicateKeyError, type Store } from '#core';

interface SecretDoc {
  _id: string;
  /** base64 of 32 random octets */
  value: string;
  createdAt: number;
}

export function deploymentSecret(store: Store, id: string, clock: Clock): () => Promise<Buffer> {
  const secrets = store.collection<SecretDoc>(COLLECTIONS.secrets);
  let cached: Promise<Buffer> | undefined;
  const load = async (): Promise<Buffer> => {
    const found = await secrets.get(id);
    if (found) return Buffer.from(found.value, 'base64');
    const doc: SecretDoc = { _id: id, value: randomBytes(32).toString('base64'), createdAt: clock.now() };
    try {
      await secrets.insert(doc);
      return Buffer.from(doc.value, 'base64');
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const winner = await secrets.get(id);
      if (!winner) throw err;
      return Buffer.from(winner.value, 'base64');
    }
  };
  return () => {
    cached ??= load().catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
}
