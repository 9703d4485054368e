// The store contract on the embedded store (node:sqlite in a temporary data directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { defineStoreContract } from './contract.ts';

defineStoreContract('embedded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callx-contract-'));
  const store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
