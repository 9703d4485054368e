// The browser suite on the embedded store (node:sqlite in a temporary data directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { defineBrowserSuite } from './browser-suite.ts';

defineBrowserSuite('embedded', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-web-browser-'));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  return {
    store,
    dataDir,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
