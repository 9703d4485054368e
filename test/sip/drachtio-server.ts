// A real drachtio-server for the tests of the drachtio transport: the binary the shared build
// script makes (../shared/peers/drachtio/build.sh, drachtio-server 9c2dd4cb6a), started on free
// loopback ports with a configuration of ours, and stopped (or killed, or restarted) by the test.
// Never a fake and never skipped: without the binary the tests fail saying how to build it.
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DRACHTIO_VERSION = '9c2dd4cb6a';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The build script: CALLX_DRACHTIO_BUILD, else ../shared/peers/drachtio/build.sh beside the repository. */
export function drachtioBuildScript(env: NodeJS.ProcessEnv = process.env): string {
  return env.CALLX_DRACHTIO_BUILD ?? resolve(ROOT, '..', 'shared', 'peers', 'drachtio', 'build.sh');
}

/** The drachtio binary: CALLX_DRACHTIO_BIN (set by .ci/run), else the build script's cache. */
export function findDrachtio(env: NodeJS.ProcessEnv = process.env): string {
  const cached = join(
    env.CALLX_CACHE_DIR ?? join(homedir(), '.cache', 'callx'),
    `drachtio-server-${DRACHTIO_VERSION}`,
    'drachtio',
  );
  const bin = env.CALLX_DRACHTIO_BIN ?? cached;
  if (existsSync(bin)) return bin;
  const script = drachtioBuildScript(env);
  const where = existsSync(script)
    ? ''
    : ` (no script there: set CALLX_DRACHTIO_BUILD to the shared peers/drachtio/build.sh)`;
  throw new Error(
    `test: drachtio-server ${DRACHTIO_VERSION} not found at ${bin}. Build it (4-6 minutes once, cached) with:\n` +
      `  export CALLX_DRACHTIO_BIN=$(bash ${script})${where}\n` +
      `(.ci/run does this; set CALLX_DRACHTIO_BUILD when the script is elsewhere, CALLX_DRACHTIO_BIN to use another binary)`,
  );
}

/** A port free for both UDP and TCP on 127.0.0.1 (drachtio-server listens on both). */
export async function freePort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    const port = await new Promise<number>((r, j) => {
      tcp.once('error', j);
      tcp.listen(0, '127.0.0.1', () => r((tcp.address() as net.AddressInfo).port));
    });
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      udp.once('error', () => r(false));
      udp.bind(port, '127.0.0.1', () => r(true));
    });
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => udp.close(() => r()));
      return port;
    }
    udp.close();
  }
}

export interface DrachtioOptions {
  /** Configuration file (default: test/sip/drachtio/drachtio.conf.xml). */
  config?: string;
  secret?: string;
  /** drachtio-server's own log level (notice for tests and production, debug to see SIP). */
  loglevel?: 'notice' | 'error' | 'warning' | 'info' | 'debug';
  /** Fixed ports, e.g. to restart on the same ones. */
  sipPort?: number;
  adminPort?: number;
  prometheusPort?: number;
  /** More command-line arguments (e.g. those docker/compose.yaml gives). */
  extraArgs?: string[];
}

export interface Drachtio {
  /** SIP (UDP and TCP) on 127.0.0.1. */
  readonly sipPort: number;
  /** Where applications connect. */
  readonly adminPort: number;
  readonly secret: string;
  readonly pid: number | undefined;
  /** drachtio-server's own output so far (for failure messages). */
  log(): string;
  /** SIGTERM and wait; `kill` sends SIGKILL (a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports. */
  restart(): Promise<void>;
  /** The same server paused (SIGSTOP) and resumed. */
  pause(): void;
  resume(): void;
}

const TEST_CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'drachtio', 'drachtio.conf.xml');

/** Starts drachtio-server and waits until its admin port and SIP port answer. */
export async function startDrachtio(o: DrachtioOptions = {}): Promise<Drachtio> {
  const bin = findDrachtio();
  const secret = o.secret ?? 'cymru';
  const sipPort = o.sipPort ?? (await freePort());
  const adminPort = o.adminPort ?? (await freePort());
  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    const args = [
      '-f',
      o.config ?? TEST_CONFIG,
      '--contact',
      `sip:127.0.0.1:${sipPort};transport=udp,tcp`,
      '--address',
      '127.0.0.1',
      '--port',
      String(adminPort),
      '--secret',
      secret,
      '--loglevel',
      o.loglevel ?? 'notice',
      '--sofia-loglevel',
      '0',
      ...(o.prometheusPort ? ['--prometheus-scrape-port', `127.0.0.1:${o.prometheusPort}`] : []),
      ...(o.extraArgs ?? []),
    ];
    output = '';
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const cap = o.loglevel === 'debug' ? 16 * 1024 * 1024 : 64 * 1024;
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-cap);
    };
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    c.once('exit', (code, signal) => {
      output += `\n[drachtio-server exited: code ${code}, signal ${signal}]\n`;
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`test: drachtio-server exited (${c.exitCode}):\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`test: drachtio-server did not start within 15 s:\n${output}`);
      if ((await canConnect(adminPort)) && (await canConnect(sipPort))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  await launch();
  return {
    sipPort,
    adminPort,
    secret,
    get pid() {
      return child?.pid;
    },
    log: () => output,
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((r) => {
        const force = setTimeout(() => c.kill('SIGKILL'), 5000);
        c.once('exit', () => {
          clearTimeout(force);
          r();
        });
        c.kill('SIGCONT'); // a paused process would not act on SIGTERM
        c.kill(signal);
      });
    },
    async restart() {
      await launch();
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
  });
}
