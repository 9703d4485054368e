// The change journal and the publisher on MongoDB (MONGODB_URI or the FerretDB of the global setup).
import { silentLogger } from '../../src/core/log.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineJournalSuite, type JournalStore } from './journal-suite.ts';
import { definePublisherSuite } from './publisher-suite.ts';

async function open(): Promise<JournalStore> {
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
}

defineJournalSuite('mongodb', open);
definePublisherSuite('mongodb', open);
