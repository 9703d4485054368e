// The store contract on MongoDB: MONGODB_URI, or the FerretDB the global setup started.
import { silentLogger } from '../../src/core/log.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineStoreContract } from './contract.ts';

defineStoreContract('mongodb', async () => {
  const store = await createMongoStore({
    uri: mongoUri(),
    dbName: testDbName(import.meta.filename),
    logger: silentLogger,
  });
  return {
    store,
    close: async () => {
      await store.db.dropDatabase().catch(() => {});
      await store.close();
    },
  };
});
