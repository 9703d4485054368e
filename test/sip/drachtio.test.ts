// The drachtio transport as an operator runs it: a real drachtio-server, then `callx serve` with
// CALLX_SIP_TRANSPORT=drachtio (a child process, the embedded store, the demo zones), then SIP to
// drachtio-server's port. /readyz and /metrics show the connection; drachtio-server stopped and
// started again under load: callx reconnects and calls are routed again. Also the adapter's guard
// against answers that crash drachtio-server 9c2dd4cb6a.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import { until } from '../helpers/until.ts';
import { type Drachtio, freePort, startDrachtio } from './drachtio-server.ts';
import { headers, request, startDns, status, UdpClient } from './env.ts';
import { type SipUnderTest, startUnderTest, waitRouted } from './transports.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const CLI = join(ROOT, 'bin', 'callx.js');

interface Serve {
  child: ChildProcess;
  http: number;
  log: () => string;
}

/** `callx serve` on the drachtio transport; resolves once it says it is running. */
async function serve(drachtio: Drachtio, dataDir: string): Promise<Serve> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CALLX_DATA_DIR: dataDir,
    CALLX_ZONES_DIR: join(ROOT, 'zones'),
    // the redirector asks this callx's DNS server: a port of its own (0 would name no server)
    CALLX_DNS_PORT: String(await freePort()),
    CALLX_HTTP_PORT: '0',
    CALLX_SIP_TRANSPORT: 'drachtio',
    DRACHTIO_HOST: '127.0.0.1',
    DRACHTIO_PORT: String(drachtio.adminPort),
    DRACHTIO_SECRET: drachtio.secret,
    // the load below comes from a softswitch of ours: a trusted peer, whom no per-source limit
    // slows (an anonymous source may send 600 call attempts a minute, issue 9)
    CALLX_SIP_TRUSTED: SOFTSWITCH,
  };
  const child = spawn(NODE, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let buf = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve: not running after 30 s:\n${buf}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('callx is running')) continue;
        clearTimeout(timer);
        resolve({ child, http: JSON.parse(line).listening.api, log: () => buf });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve: exited ${code}:\n${buf}`));
    });
  });
}

const get = async (port: number, path: string) => {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, text: await r.text() };
};

/** The load generator's source address (trusted); other test clients are anonymous callers. */
const SOFTSWITCH = '127.0.0.2';

/** A steady stream of INVITEs to a demo member; counts the 302s by the second they were sent in. */
function load(port: number, perSecond: number) {
  const answered = new Set<string>();
  const sent: { callId: string; at: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let c: UdpClient | undefined;
  let n = 0;
  return {
    async start() {
      c = await new UdpClient().open(SOFTSWITCH);
      c.socket.on('message', (b) => {
        const m = b.toString();
        if (status(m) === 302) answered.add(headers(m, 'Call-ID')[0]!);
      });
      timer = setInterval(() => {
        const callId = `load-${n++}`;
        sent.push({ callId, at: Date.now() });
        c!.send(port, request({ uri: 'sip:+82262006200@callx.test', localPort: c!.port, callId }));
      }, 1000 / perSecond);
    },
    stop() {
      clearInterval(timer);
      c?.close();
    },
    /** Of the INVITEs sent in [from, to), how many got their 302. */
    answeredBetween(from: number, to: number) {
      const window = sent.filter((s) => s.at >= from && s.at < to);
      return { sent: window.length, answered: window.filter((s) => answered.has(s.callId)).length };
    },
  };
}

describe('callx serve on drachtio-server, as an operator runs it', () => {
  let drachtio: Drachtio;
  let callx: Serve;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-drachtio-serve-'));
    drachtio = await startDrachtio();
    callx = await serve(drachtio, dir);
    await waitRouted(drachtio.sipPort);
  }, 60_000);
  afterAll(async () => {
    callx?.child.kill('SIGTERM');
    await drachtio?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an INVITE through drachtio-server gets the 302 with the demo Contacts; readiness and metrics show the connection', async () => {
    const c = await new UdpClient().open();
    try {
      c.send(drachtio.sipPort, request({ uri: 'sip:02-6200-6200-082@callx.test', localPort: c.port }));
      let res = await c.next();
      if (status(res) === 100) res = await c.next();
      expect(status(res)).toBe(302);
      // an anonymous caller (nothing trusted in this deployment): its From is not asserted onwards
      expect(headers(res!, 'Contact')[0]).toBe('<sip:+82262006200@kr.center.callx.test>;q=1.0');
      expect(headers(res!, 'Server')).toEqual(['callx']);
    } finally {
      c.close();
    }
    const ready = await get(callx.http, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text).checks).toMatchObject({ sip_drachtio: true, sip_registry: true });
    const metrics = (await get(callx.http, '/metrics')).text;
    expect(metrics).toMatch(/^callx_sip_drachtio_connected 1$/m);
    expect(metrics).toMatch(/^callx_sip_requests_total\{method="INVITE",status="302"\} [1-9]/m);
  });

  it('drachtio-server stopped under load: not ready, nothing routed; started again: callx reconnects and calls are routed again', async () => {
    const traffic = load(drachtio.sipPort, 100);
    await traffic.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const before = Date.now();
      await drachtio.stop('SIGKILL'); // a crash, not a goodbye
      await until(
        '/readyz to say drachtio-server is gone',
        async () => (await get(callx.http, '/readyz')).status === 503,
      );
      const down = JSON.parse((await get(callx.http, '/readyz')).text);
      expect(down.checks.sip_drachtio).toBe(false);
      expect((await get(callx.http, '/metrics')).text).toMatch(/^callx_sip_drachtio_connected 0$/m);
      await new Promise((r) => setTimeout(r, 1000));
      const restarted = Date.now();
      await drachtio.restart();
      // drachtio-srf retries at most every 5 s (service.ts): reconnected and routes registered within ~6 s
      await until(
        'callx to reconnect',
        async () => (await get(callx.http, '/readyz')).status === 200,
        15_000,
      );
      const reconnected = Date.now();
      await waitRouted(drachtio.sipPort, 'calls to be routed again after the restart');
      await new Promise((r) => setTimeout(r, 3000));
      const after = traffic.answeredBetween(reconnected + 500, Date.now() - 500);
      // the calls sent in the last 500 ms before the kill may still be in flight when it comes
      const first = traffic.answeredBetween(before - 1400, before - 500);
      const outage = traffic.answeredBetween(before + 200, restarted);
      expect(first.sent).toBeGreaterThan(20);
      expect(first.answered).toBe(first.sent);
      expect(outage.answered).toBe(0);
      expect(after.sent).toBeGreaterThan(40);
      expect(after.answered).toBe(after.sent);
      expect(reconnected - restarted).toBeLessThan(10_000);
      const metrics = (await get(callx.http, '/metrics')).text;
      expect(metrics).toMatch(/^callx_sip_drachtio_connected 1$/m);
      expect(metrics).toMatch(/^callx_sip_drachtio_reconnects 1$/m);
    } finally {
      traffic.stop();
    }
    expect(callx.child.exitCode).toBeNull();
  }, 60_000);
});

describe('answers that would crash drachtio-server 9c2dd4cb6a are not given', () => {
  let dns: DnsServer;
  let sip: SipUnderTest;
  beforeAll(async () => {
    dns = await startDns();
    sip = await startUnderTest('drachtio', dns.port);
  }, 60_000);
  afterAll(async () => {
    await sip?.stop();
    await dns?.stop();
  });

  it.each([
    ['INVITE', 'Contact: *'],
    ['INVITE', 'Contact: <tel:+12125550100>'],
    ['SUBSCRIBE', 'Contact: *'],
    ['INVITE', 'X-A: 1\rContact: *'], // a bare CR: drachtio-server reads a Contact header there
  ])('%s with %j over UDP: left unanswered, drachtio-server still up and routing', async (method, line) => {
    const c = await new UdpClient().open();
    try {
      const before = sip.service.health().drachtio!.unanswered;
      c.send(
        sip.port,
        request({ method, uri: 'sip:+82262006200@callx.test', localPort: c.port, extra: [line] }),
      );
      for (let m = await c.next(1000); m !== null; m = await c.next(1000)) expect(status(m)).toBe(100);
      expect(sip.service.health().drachtio!.unanswered).toBe(before + 1);
      // still there (answering it would have crashed drachtio-server: SIGSEGV)
      c.send(
        sip.port,
        request({
          uri: 'sip:+82262006200@callx.test',
          localPort: c.port,
          extra: ['Contact: <sip:a@127.0.0.1>'],
        }),
      );
      let res = await c.next();
      if (status(res) === 100) res = await c.next();
      expect(status(res), sip.drachtio!.log().slice(-500)).toBe(302);
    } finally {
      c.close();
    }
  });
});
