// A MongoDB-compatible server for the MongoDB suites: MONGODB_URI when set, else a FerretDB
// v1.24.2 (SQLite backend) started here on a free loopback port with its data in a temporary
// directory. Never a mock, never skipped: without either, the suites fail with how to fix it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

export const FERRETDB_VERSION = 'v1.24.2';

export interface MongoServer {
  uri: string;
  /** 'env' when MONGODB_URI was given, else 'ferretdb'. */
  source: 'env' | 'ferretdb';
  stop(): Promise<void>;
}

export class MongoUnavailableError extends Error {
  override name = 'MongoUnavailableError';
}

const HOW_TO =
  'set MONGODB_URI to a MongoDB (or FerretDB) server, or build FerretDB with `bash .ci/ferretdb.sh` ' +
  `(puts it in ~/.cache/callx/ferretdb-${FERRETDB_VERSION}/ferretdb; CALLX_FERRETDB_BIN overrides the path)`;

/** The FerretDB binary: CALLX_FERRETDB_BIN, the cache .ci/ferretdb.sh fills, or `ferretdb` on PATH. */
export function findFerretdb(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CALLX_FERRETDB_BIN) return existsSync(env.CALLX_FERRETDB_BIN) ? env.CALLX_FERRETDB_BIN : null;
  const cached = join(homedir(), '.cache', 'callx', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
  if (existsSync(cached)) return cached;
  const which = spawnSync('sh', ['-c', 'command -v ferretdb'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function canPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startFerretdb(bin: string): Promise<MongoServer> {
  let lastError = '';
  // A free port can be taken between asking and listening: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'callx-ferretdb-'));
    const port = await freePort();
    const logFile = join(dir, 'ferretdb.log');
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dir}`,
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=warn',
    ];
    const out = openSync(logFile, 'a');
    const child = spawn(bin, args, { stdio: ['ignore', out, out], detached: false });
    const uri = `mongodb://127.0.0.1:${port}/`;
    const deadline = Date.now() + 20_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await canPing(uri)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (up) {
      return {
        uri,
        source: 'ferretdb',
        stop: async () => {
          await stopProcess(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopProcess(child);
    lastError = existsSync(logFile)
      ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ')
      : '';
    rmSync(dir, { recursive: true, force: true });
  }
  throw new MongoUnavailableError(
    `test: FerretDB (${bin}) did not start: ${lastError || 'no output'}; ${HOW_TO}`,
  );
}

/** MONGODB_URI if set (checked to answer), else a FerretDB started here. */
export async function startMongo(env: NodeJS.ProcessEnv = process.env): Promise<MongoServer> {
  if (env.MONGODB_URI) {
    if (!(await canPing(env.MONGODB_URI))) {
      throw new MongoUnavailableError(
        `test: MONGODB_URI (${env.MONGODB_URI.replace(/\/\/[^@/]*@/, '//***@')}) does not answer a ping`,
      );
    }
    return { uri: env.MONGODB_URI, source: 'env', stop: async () => {} };
  }
  const bin = findFerretdb(env) ?? buildFerretdb(env);
  if (!bin) throw new MongoUnavailableError(`test: no MongoDB server for the MongoDB suites: ${HOW_TO}`);
  return startFerretdb(bin);
}

/**
 * On a machine with Go, a first `npm test` builds FerretDB itself (.ci/ferretdb.sh, about a
 * minute, cached afterwards), so `npm install && npm test` needs nothing else. Null without Go.
 */
function buildFerretdb(env: NodeJS.ProcessEnv): string | null {
  if (env.CALLX_FERRETDB_BIN) return null;
  if (spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).status !== 0) return null;
  process.stderr.write(
    `test: building FerretDB ${FERRETDB_VERSION} with Go for the MongoDB suites (first run only)\n`,
  );
  const script = join(import.meta.dirname, '..', '..', '.ci', 'ferretdb.sh');
  const r = spawnSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  const path = r.stdout?.trim().split('\n').at(-1);
  return r.status === 0 && path && existsSync(path) ? path : null;
}

/** A FerretDB of a test's own, which the test may kill, pause (SIGSTOP) and start again. */
export interface OwnFerretdb {
  uri: string;
  /** Starts it (again) on the same port and data; resolves once it answers a ping. */
  start(): Promise<void>;
  /** SIGKILL: connections drop, the port refuses. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open and nothing answers, as on a hung server. */
  pause(): void;
  resume(): void;
  /** Kills it and removes its data. */
  stop(): Promise<void>;
}

/** A FerretDB v1.24.2 (SQLite) for outage tests, on a free port and a temporary directory. */
export async function ownFerretdb(env: NodeJS.ProcessEnv = process.env): Promise<OwnFerretdb> {
  const bin = findFerretdb(env) ?? buildFerretdb(env);
  if (!bin) throw new MongoUnavailableError(`test: no FerretDB binary for an outage test: ${HOW_TO}`);
  const dir = mkdtempSync(join(tmpdir(), 'callx-ferretdb-own-'));
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/`;
  let child: ChildProcess | null = null;
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await exited;
  };
  return {
    uri,
    async start() {
      if (child) return;
      const out = openSync(join(dir, 'ferretdb.log'), 'a');
      child = spawn(
        bin,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${dir}`,
          '--debug-addr=127.0.0.1:0',
          '--telemetry=disable',
          '--log-level=warn',
        ],
        { stdio: ['ignore', out, out] },
      );
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && child.exitCode === null) {
        if (await canPing(uri)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      await kill();
      throw new MongoUnavailableError(`test: FerretDB (${bin}) did not start on port ${port}`);
    },
    kill,
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
