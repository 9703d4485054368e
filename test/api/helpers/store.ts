// An embedded store in a temporary directory, with the schema, for API and service tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/core/log.ts';
import type { Store } from '../../../src/core/store.ts';
import { SCHEMA } from '../../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../../src/registry/stores/embedded/index.ts';

export interface TempStore {
  store: Store;
  dataDir: string;
  close(): Promise<void>;
}

export async function tempStore(prefix = 'callx-api-'): Promise<TempStore> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  return {
    store,
    dataDir,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
