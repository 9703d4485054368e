// Starts a real knotd on a free port with the given zone files, for differential tests.
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { peer } from '../../helpers/peer.ts';
import { buildQuery, udpQuery } from './wire.ts';

export interface Knot {
  port: number;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const u = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => u.bind(0, '127.0.0.1', () => r(u.address().port)));
    const ok = await new Promise<boolean>((r) => {
      const s = net.createServer();
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
    });
    await new Promise<void>((r) => u.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no free port');
}

async function waitReady(
  port: number,
  apexes: string[],
  proc: ChildProcess,
  deadline: number,
): Promise<boolean> {
  for (const apex of apexes) {
    for (;;) {
      if (proc.exitCode !== null) return false;
      if (Date.now() > deadline) return false;
      try {
        const r = await udpQuery(port, buildQuery({ name: apex, type: 'SOA' }), '127.0.0.1', 300);
        if ((r[2]! & 0x04) !== 0) break; // AA: the zone is loaded
      } catch {
        // not yet
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  return true;
}

/** Starts knotd serving `files` (each `<apex>.zone`); throws with its log if it does not come up. */
export async function startKnot(files: string[]): Promise<Knot> {
  const dir = mkdtempSync(join(tmpdir(), 'callx-knot-'));
  const apexes = files.map((f) => basename(f).replace(/\.zone$/, ''));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = [
      'server:',
      `    rundir: "${dir}"`,
      `    listen: [ 127.0.0.1@${port} ]`,
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'control:',
      `    listen: "${dir}/knot.sock"`,
      'database:',
      `    storage: "${dir}/db"`,
      'log:',
      `  - target: "${dir}/knot.log"`,
      '    any: info',
      'template:',
      '  - id: default',
      '    zonefile-sync: -1',
      '    journal-content: none',
      '    semantic-checks: on',
      'zone:',
      ...files.flatMap((f, i) => [
        `  - domain: ${apexes[i]}.`,
        `    storage: "${dirname(f)}"`,
        `    file: "${basename(f)}"`,
      ]),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'knot.conf'), conf);
    const proc = spawn(peer('knotd'), ['-c', join(dir, 'knot.conf')], { stdio: 'ignore' });
    const ready = await waitReady(port, apexes, proc, Date.now() + 30_000);
    const stop = async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    };
    if (ready) {
      return {
        port,
        stop: async () => {
          await stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stop();
    if (attempt >= 2) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'knot.log'), 'utf8');
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`knotd did not come up:\n${log}`);
    }
  }
}

export interface KnotSecondary extends Knot {
  dir: string;
  /** knotd's log so far. */
  log(): string;
}

/**
 * Starts knotd as a secondary of the primary at `primaryPort` for `zones`, transferring with the
 * TSIG key `key` (name:algorithm:base64) and taking NOTIFY from 127.0.0.1 signed with it. Listens
 * on `port` (callx must know it beforehand to send NOTIFY). Resolves once knotd answers on it.
 */
export async function startKnotSecondary(opts: {
  port: number;
  primaryPort: number;
  zones: string[];
  key: string;
}): Promise<KnotSecondary> {
  const dir = mkdtempSync(join(tmpdir(), 'callx-knot2-'));
  // knotd does not create these (its journal would fail with "not exists")
  mkdirSync(join(dir, 'db'));
  mkdirSync(join(dir, 'zones'));
  const [keyName, alg, secret] = opts.key.split(':') as [string, string, string];
  const conf = [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: [ 127.0.0.1@${opts.port} ]`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'control:',
    `    listen: "${dir}/knot.sock"`,
    'database:',
    `    storage: "${dir}/db"`,
    'log:',
    `  - target: "${dir}/knot.log"`,
    '    any: debug',
    'key:',
    `  - id: ${keyName}`,
    `    algorithm: ${alg}`,
    `    secret: ${secret}`,
    'remote:',
    '  - id: callx',
    `    address: 127.0.0.1@${opts.primaryPort}`,
    `    key: ${keyName}`,
    'acl:',
    '  - id: notify_from_callx',
    '    address: 127.0.0.1',
    `    key: ${keyName}`,
    '    action: notify',
    'template:',
    '  - id: default',
    '    master: callx',
    '    acl: notify_from_callx',
    `    storage: "${dir}/zones"`,
    '    zonefile-sync: -1',
    // no zone files: the journal keeps the whole zone, or IXFR changes have no base to apply to
    '    journal-content: all',
    '    semantic-checks: on',
    'zone:',
    ...opts.zones.map((z) => `  - domain: ${z}.`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), conf);
  const proc = spawn(peer('knotd'), ['-c', join(dir, 'knot.conf')], { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'knot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  };
  // up once it answers at all (REFUSED/SERVFAIL before its zones are transferred)
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      const l = log();
      await stop();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`knotd (secondary) did not come up:\n${l}`);
    }
    try {
      await udpQuery(opts.port, buildQuery({ name: opts.zones[0]!, type: 'SOA' }), '127.0.0.1', 300);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port: opts.port,
    dir,
    log,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
