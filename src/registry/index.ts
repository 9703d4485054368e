// The registry: store interface, the two stores, the schema, the change journal and the publisher.
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import { SCHEMA } from './schema.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from './stores/embedded/index.ts';
import { createMongoStore } from './stores/mongo.ts';

export * from './journal.ts';
export * from '../core/model.ts';
export * from './publisher.ts';
export { PUBLISHED_COLLECTIONS, SCHEMA } from './schema.ts';
export * from '../core/store.ts';
export { createEmbeddedStore, EmbeddedStore, type EmbeddedStoreOptions } from './stores/embedded/index.ts';
export { createMongoStore, MongoStore, type MongoStoreOptions, redactUri } from './stores/mongo.ts';

export type StoreConfig = Pick<Config, 'dataDir' | 'mongodbUri' | 'mongodbDb'>;

/**
 * Opens the store the configuration names: MongoDB when MONGODB_URI is set, else the embedded
 * store in CALLX_DATA_DIR. Creates the schema's collections and indexes. Rejects with
 * StoreUnavailableError (one line, with where) when the store cannot be reached or opened.
 */
export async function openStore(config: StoreConfig, logger: Logger): Promise<Store> {
  const log = logger.child({ component: 'registry' });
  const store: Store = config.mongodbUri
    ? await createMongoStore({ uri: config.mongodbUri, dbName: config.mongodbDb, logger: log })
    : createEmbeddedStore({ dataDir: config.dataDir, logger: log });
  try {
    await store.ensureSchema(SCHEMA);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  log.info({ kind: store.kind }, 'registry: store open');
  return store;
}
