// Global test setup: starts what the suites share and stops it in the returned teardown.
// - A MongoDB-compatible server (test/setup/mongo.ts), provided to tests as `mongodbUri`;
//   when none can be had, `mongodbError` says why and the MongoDB suites fail with it
//   (they are never skipped), while suites that need no MongoDB still run.
import type { TestProject } from 'vitest/node';
import { type MongoServer, startMongo } from './mongo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
    mongodbError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
