// Global setup of the interop project (vitest.config.ts): what its suites share, stopped in the
// returned teardown.
// - The peers it runs (test/setup/peers.ts), checked before any test: missing Debian packages are
//   installed when running as root, otherwise the run fails at once with the command to install
//   them. Their paths are provided as `peerPaths` (test/helpers/peer.ts).
// - A MongoDB-compatible server (test/setup/mongo.ts), provided to tests as `mongodbUri`;
//   when none can be had, `mongodbError` says why and the MongoDB suites fail with it
//   (they are never skipped), while suites that need no MongoDB still run.
import type { TestProject } from 'vitest/node';
import { type MongoServer, startMongo } from './mongo.ts';
import { ensurePeers } from './peers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
    mongodbError: string;
    /** binary → absolute path, for the peers of the project being run. */
    peerPaths: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('peerPaths', ensurePeers(project.name));
  let mongo: MongoServer | null = null;
  try {
    mongo = await startMongo();
    project.provide('mongodbUri', mongo.uri);
    project.provide('mongodbError', '');
  } catch (err) {
    project.provide('mongodbUri', '');
    project.provide('mongodbError', (err as Error).message);
  }
  return async () => {
    await mongo?.stop();
  };
}
