// The fee system over SIP end to end on the embedded store (node:sqlite in a temporary data directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { defineSipE2eSuite } from './sip-e2e-suite.ts';

defineSipE2eSuite('embedded', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-billing-sip-'));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  return {
    store,
    spec: { kind: 'embedded', dataDir },
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
