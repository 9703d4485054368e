#!/usr/bin/env node
// Entry point of the `callx` command. callx runs on Node.js 24 (TypeScript by type stripping);
// when started by an older node, it runs the Node 24 binary that `npm install` put in
// node_modules as a child and stays in front of it as a launcher: it passes SIGINT, SIGTERM and
// SIGHUP on, exits with the child's status, and holds an IPC channel to it so that the child
// stops by itself when the launcher dies (even by SIGKILL), never left running on its ports.
// Supervisors (systemd, Docker) should start Node 24 directly: docs/deployment.md.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  // Node's on-disk compile cache (os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE; off with
  // NODE_DISABLE_COMPILE_CACHE=1) keeps the type-stripped and compiled modules between runs: a
  // command starts in about half the time (bench/RESULTS.md, "CLI start"). It never throws; a
  // directory it cannot write only leaves it off.
  module.enableCompileCache();
  await import(join(root, 'src', 'cli.ts'));
} else {
  const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node24)) {
    console.error(`callx: needs Node.js 24 or later (this is ${process.version}); run npm install first`);
    process.exit(1);
  }
  const child = spawn(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`callx: cannot start ${node24}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // die the way the child died, so a supervisor sees the same signal
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}
