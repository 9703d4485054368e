// The change journal and the publisher on the embedded store, writers in this process and in child processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/log.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { defineJournalSuite, type JournalStore } from './journal-suite.ts';
import { definePublisherSuite } from './publisher-suite.ts';

async function open(): Promise<JournalStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-journal-'));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  return {
    store,
    spec: { kind: 'embedded', dataDir },
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

defineJournalSuite('embedded', open);
definePublisherSuite('embedded', open);
