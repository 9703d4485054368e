// Setup file of the unit project (vitest.config.ts): unit tests run in-process. Starting a child
// process or listening on a socket fails the test with where it belongs: under test/ (interop).
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const refuse = (what: string) => () => {
  throw new Error(
    `unit test: ${what}: unit tests (src/**/*.test.ts) run in-process, without servers or child processes; move this test under test/`,
  );
};
for (const f of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const)
  Object.assign(childProcess, { [f]: refuse(`child_process.${f}`) });
net.Server.prototype.listen = refuse('a server listening') as never;
dgram.Socket.prototype.bind = refuse('a UDP socket bound') as never;
syncBuiltinESMExports();
