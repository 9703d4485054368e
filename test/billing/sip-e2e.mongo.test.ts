// The fee system over SIP end to end on MongoDB: MONGODB_URI, or the FerretDB the global setup started.
import { silentLogger } from '../../src/core/log.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineSipE2eSuite } from './sip-e2e-suite.ts';

defineSipE2eSuite('mongodb', async () => {
  const uri = mongoUri();
  const dbName = testDbName(import.meta.filename);
  const store = await createMongoStore({ uri, dbName, logger: silentLogger });
  return {
    store,
    spec: { kind: 'mongodb', uri, dbName },
    close: async () => {
      await store.db.dropDatabase().catch(() => {});
      await store.close();
    },
  };
});
