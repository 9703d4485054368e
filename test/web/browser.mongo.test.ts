// The browser suite on MongoDB: MONGODB_URI, or the FerretDB the global setup started.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createMongoStore } from '../../src/registry/stores/mongo.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { defineBrowserSuite } from './browser-suite.ts';

defineBrowserSuite('mongodb', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-web-browser-'));
  const store = await createMongoStore({
    uri: mongoUri(),
    dbName: testDbName(import.meta.filename),
    logger: silentLogger,
  });
  return {
    store,
    dataDir,
    close: async () => {
      await store.db.dropDatabase().catch(() => {});
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
