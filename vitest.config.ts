import { defineConfig } from 'vitest/config';

// Two projects; `npm test` runs both.
// - unit (`npm run test:unit`): src/**/*.test.ts, beside the code. In-process only: no FerretDB,
//   no peers, no child processes, no servers, no real waiting (test/setup/unit.ts refuses child
//   processes and listening sockets). A test that needs any of those belongs in test/. They run in worker threads that each run many files (no isolation per
//   file: a fifth of the time), so a unit test leaves no global state behind (fake timers off).
// - interop (`npm run test:interop`): test/**/*.test.ts, against real servers and peers. Its
//   global setup checks the peers (test/setup/peers.ts) and starts the MongoDB-compatible server
//   (test/setup/mongo.ts) for the MongoDB suites.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          setupFiles: ['test/setup/unit.ts'],
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'interop', include: ['test/**/*.test.ts'], globalSetup: ['test/setup/global.ts'] },
      },
    ],
  },
});
