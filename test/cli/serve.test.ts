// `callx serve` as users run it: a child process on the embedded store and the demo zones.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peer.ts';
import { until } from '../helpers/until.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CLI = join(ROOT, 'bin', 'callx.js');
const run = promisify(execFile);
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'callx-serve-'));
  dirs.push(d);
  return d;
}

const baseEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CALLX_DATA_DIR: dataDir,
  CALLX_ZONES_DIR: join(ROOT, 'zones'),
  CALLX_DNS_PORT: '0',
  CALLX_SIP_PORT: '0',
  CALLX_HTTP_PORT: '0',
  ...extra,
});

interface Running {
  child: ChildProcess;
  listening: Record<string, number>;
  /** The pid of the process that serves (the launcher's child when started by an older node). */
  pid: number;
  exit: Promise<number | null>;
}

/** Starts `callx serve` (with `node`, Node 24 by default) and waits for its "callx is running" log line. */
function serve(args: string[], env: Record<string, string | undefined>, node = NODE): Promise<Running> {
  const child = spawn(node, [CLI, 'serve', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`serve: not running after 30 s:\n${buf}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('callx is running')) continue;
        clearTimeout(timer);
        const started = JSON.parse(line);
        resolve({ child, listening: started.listening, pid: started.pid, exit });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve: exited ${code}:\n${buf}`));
    });
  });
}

async function dig(port: number, name: string, type: string): Promise<string> {
  const { stdout } = await run(peer('dig'), [
    '@127.0.0.1',
    '-p',
    String(port),
    '+short',
    '+tries=2',
    '+time=2',
    name,
    type,
  ]);
  return stdout.trim();
}

function sipOptions(port: number): Promise<string> {
  const sock = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('sip: no answer'));
    }, 5000);
    sock.on('message', (m) => {
      clearTimeout(timer);
      sock.close();
      resolve(m.toString().split('\r\n')[0]!);
    });
    sock.bind(0, '127.0.0.1', () => {
      const lp = sock.address().port;
      const msg = [
        `OPTIONS sip:callx.test SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${lp};branch=z9hG4bKserve1`,
        `From: <sip:t@127.0.0.1>;tag=1`,
        `To: <sip:callx.test>`,
        `Call-ID: serve-test-1`,
        `CSeq: 1 OPTIONS`,
        `Max-Forwards: 70`,
        `Content-Length: 0`,
        '',
        '',
      ].join('\r\n');
      sock.send(msg, port, '127.0.0.1');
    });
  });
}

/** A Node.js older than 24 on PATH (the machine's own, e.g. Debian's): what runs bin/callx.js as a launcher. */
function olderNode(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const node = join(dir, 'node');
    if (dir.includes('node_modules') || !existsSync(node)) continue;
    const major = Number(
      execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }),
    );
    if (major < 24) return node;
  }
  throw new Error('test: the launcher tests need a Node.js older than 24 on PATH (the system node)');
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const gone = (pid: number): Promise<boolean> => until(`process ${pid} to exit`, () => !alive(pid));

/** A TCP port held by another program on 127.0.0.1. */
function holdPort(): Promise<{ port: number; close(): void }> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : 0, close: () => srv.close() });
    });
  });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('callx serve', () => {
  it('runs DNS, SIP and HTTP on the embedded store with the demo zones, and stops on SIGTERM', async () => {
    const s = await serve([], baseEnv(tempDir()));
    expect(Object.keys(s.listening).sort()).toEqual(['api', 'dns', 'sip']);
    expect(await dig(s.listening.dns!, '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', 'NAPTR')).toContain(
      'sip:+82262006200@kr.center.callx.test',
    );
    expect(await sipOptions(s.listening.sip!)).toBe('SIP/2.0 200 OK');
    const ready = await fetch(`http://127.0.0.1:${s.listening.api}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: true, zones: true } });
    // one /metrics shows all three front ends of this process
    const text = await (await fetch(`http://127.0.0.1:${s.listening.api}/metrics`)).text();
    expect(text).toMatch(/^callx_dns_queries_total\{transport="udp",qtype="NAPTR",rcode="NOERROR"\} 1$/m);
    expect(text).toMatch(/^callx_dns_cache_entries \d+$/m);
    expect(text).toMatch(/^callx_dns_tcp_connections 0$/m);
    expect(text).toMatch(/^callx_sip_requests_total\{method="OPTIONS",status="200"\} 1$/m);
    expect(text).toMatch(/^callx_http_requests_total\{.*route="\/readyz".*\} 1$/m);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('--only dns runs the DNS server alone', async () => {
    const s = await serve(['--only', 'dns'], baseEnv(tempDir()));
    expect(Object.keys(s.listening)).toEqual(['dns']);
    expect(await dig(s.listening.dns!, 'callx.test', 'SOA')).toMatch(/^ns1\.callx\.test\. /);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
  });

  it('two nodes share one data directory: an API change reaches a separate DNS node', async () => {
    const data = tempDir();
    const env = baseEnv(data, {
      CALLX_ADMIN_TOKEN: 'serve-test-admin-token-0123456789',
      CALLX_DNS_JOURNAL_POLL_MS: '50',
    });
    const api = await serve(['--only', 'api'], env);
    const dns = await serve(['--only', 'dns'], env);
    const res = await fetch(`http://127.0.0.1:${api.listening.api}/v1/zones`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer serve-test-admin-token-0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        apex: 'shared.example',
        soa: { mname: 'ns1.shared.example', rname: 'hostmaster.shared.example' },
        ns: ['ns1.shared.example'],
      }),
    });
    expect(res.status).toBe(201);
    const soa = await until(
      'the zone in the DNS process',
      () => dig(dns.listening.dns!, 'shared.example', 'SOA').catch(() => ''),
      10_000,
      100,
    );
    expect(soa).toMatch(/^ns1\.shared\.example\. hostmaster\.shared\.example\. /);
  });

  it('refuses to start on a zone file with an error, naming file and line', async () => {
    const zones = tempDir();
    cpSync(join(ROOT, 'zones'), zones, { recursive: true });
    writeFileSync(
      join(zones, 'broken.test.zone'),
      '$ORIGIN broken.test.\n@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 999.1.1.1\n',
    );
    const r = await run(NODE, [CLI, 'serve'], { env: baseEnv(tempDir(), { CALLX_ZONES_DIR: zones }) }).catch(
      (e) => e,
    );
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^callx: .*broken\.test\.zone:4: /);
  });

  it('rejects a bad variable and an unknown part with one line and exit code 2', async () => {
    const bad = await run(NODE, [CLI, 'serve'], { env: baseEnv(tempDir(), { CALLX_DNS_PORT: 'x' }) }).catch(
      (e) => e,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^callx: config: CALLX_DNS_PORT: .*\(got 'x'\)\n$/);
    const part = await run(NODE, [CLI, 'serve', '--only', 'web'], { env: baseEnv(tempDir()) }).catch(
      (e) => e,
    );
    expect(part.code).toBe(2);
    expect(part.stderr).toBe("callx: serve: --only: unknown part 'web' (expected dns, sip, api)\n");
  });

  it('names the variable when a port is in use, in one line with exit code 1', async () => {
    const held = await holdPort();
    try {
      const r = await run(NODE, [CLI, 'serve', '--only', 'api'], {
        env: baseEnv(tempDir(), { CALLX_HTTP_PORT: String(held.port) }),
      }).catch((e) => e);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        `callx: serve: api: 127.0.0.1:${held.port} is in use by another program; stop it, or set CALLX_HTTP_PORT to another port`,
      );
    } finally {
      held.close();
    }
  });
});

describe('callx under an older node: the launcher', () => {
  it('passes SIGTERM on to the server it started and exits with its status', async () => {
    const s = await serve(['--only', 'dns'], baseEnv(tempDir()), olderNode());
    expect(s.pid).not.toBe(s.child.pid); // the launcher runs Node 24 as a child
    expect(await dig(s.listening.dns!, 'callx.test', 'SOA')).toMatch(/^ns1\.callx\.test\. /);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(await gone(s.pid)).toBe(true);
  });

  it('leaves no server behind when the launcher is killed outright', async () => {
    const s = await serve(['--only', 'api'], baseEnv(tempDir()), olderNode());
    s.child.kill('SIGKILL');
    await s.exit;
    expect(await gone(s.pid)).toBe(true);
    // the port is free again
    const again = await serve(
      ['--only', 'api'],
      baseEnv(tempDir(), { CALLX_HTTP_PORT: String(s.listening.api) }),
    );
    expect(again.listening.api).toBe(s.listening.api);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });

  it('npm start: stopping npm stops the server (the script execs node, npm passes SIGTERM on)', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: baseEnv(tempDir()),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    const started = await new Promise<{ pid: number; listening: Record<string, number> }>(
      (resolve, reject) => {
        let buf = '';
        const timer = setTimeout(
          () => reject(new Error(`npm start: not running after 30 s:\n${buf}`)),
          30_000,
        );
        child.stderr!.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          const line = buf.split('\n').find((l) => l.includes('callx is running'));
          if (!line) return;
          clearTimeout(timer);
          resolve(JSON.parse(line));
        });
      },
    );
    child.kill('SIGTERM');
    expect(await gone(started.pid)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${started.listening.api}/healthz`).catch((e) => e);
    expect(res).toBeInstanceOf(Error);
  });
});
