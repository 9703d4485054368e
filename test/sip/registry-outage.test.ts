// The registry down or frozen while calls come in (a FerretDB of this test's own, stopped and then
// paused with SIGSTOP): every INVITE still gets its 302 within 1 s, routed from DNS and the
// bindings last read (registered terminals first); the redirector says it runs degraded in
// health(), /readyz's checks and metrics; its log says so a few times, not once per call. When the
// registry answers again, so does the redirector.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Binding, COLLECTIONS, type Member, type Store } from '#core';
import type { DnsServer } from '#dns';
import { createMetrics } from '#metrics';
import { createMongoStore, SCHEMA } from '#registry';
import type { SipService } from '#sip';
import { silentLogger } from '../../src/core/log.ts';
import { until } from '../helpers/until.ts';
import { findFerretdb } from '../setup/mongo.ts';
import { headers, request, startDns, startSip, status, UdpClient } from './env.ts';

/** A FerretDB of this file's own (the shared one must not be stopped under the other suites). */
async function startFerret(): Promise<{
  uri: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}> {
  const bin = findFerretdb();
  if (!bin)
    throw new Error(
      'test: this suite needs a FerretDB binary of its own: build it with `bash .ci/ferretdb.sh` (or set CALLX_FERRETDB_BIN)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'callx-outage-ferret-'));
  const port = await new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => r(p));
    });
  });
  let child: ChildProcess | undefined;
  const up = () =>
    new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
  const start = async () => {
    child = spawn(
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dir}`,
        '--debug-addr=127.0.0.1:0',
        '--telemetry=disable',
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
    await until('FerretDB to listen', up, 20_000, 50);
  };
  await start();
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGCONT');
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGTERM');
    });
  };
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

const REGISTERED = 'sip:+82262006204@callx.test';
const TERMINAL = 'sip:kim@192.0.2.44:5062';
const lines: { level: number; msg: string; err?: unknown }[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  }),
);

let ferret: Awaited<ReturnType<typeof startFerret>>;
let store: Store;
let dns: DnsServer;
let sip: { service: SipService; port: number };
let udp: UdpClient;
const metrics = createMetrics({ processMetrics: false });

beforeAll(async () => {
  ferret = await startFerret();
  store = await createMongoStore({ uri: ferret.uri, dbName: 'outage', logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  // the member holding the number: a binding answers for what its member holds at look-up time
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: 'm_kim',
    registrarId: 'r1',
    type: 'individual',
    displayName: 'Kim',
    country: 'KR',
    numbers: [{ kind: 'pin', e164: '+82262006204' }],
    otherCarriers: [],
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  const binding: Binding = {
    _id: `m_kim|${TERMINAL}`,
    memberId: 'm_kim',
    aor: 'tel:+82262006204',
    contact: TERMINAL,
    q: 1,
    expiresAt: Date.now() + 3600_000,
    callId: 'c',
    cseq: 1,
    identities: ['tel:+82262006204'],
  };
  await store.collection<Binding>(COLLECTIONS.bindings).insert(binding);
  dns = await startDns();
  // bindings trusted for 200 ms: most calls below ask the registry (and find it gone)
  sip = await startSip(dns.port, {}, { store, bindingCacheMs: 200, logger, metrics: metrics.sip });
  udp = await new UdpClient().open();
}, 60_000);
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
  await store?.close().catch(() => {});
  await ferret?.destroy();
});

/** One INVITE: its status, its Contact URIs, and how long the answer took. */
async function call(uri: string) {
  const t0 = Date.now();
  const res = await udp.ask(sip.port, request({ uri, localPort: udp.port }), 5000);
  return {
    status: status(res),
    contacts: headers(res, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1]),
    ms: Date.now() - t0,
  };
}

/** INVITEs for `ms`: to the registered member and to a number never asked for before each time. */
async function callsFor(ms: number) {
  const out: Awaited<ReturnType<typeof call>>[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    out.push(await call(REGISTERED));
    out.push(await call('sip:+82262006200@callx.test'));
    await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

const degraded = async () => {
  const t = await metrics.text();
  return /^callx_sip_degraded\{cause="registry"\} 1$/m.test(t);
};

describe('calls while the registry is down or frozen', () => {
  it('with the registry up: the registered terminal first, then DNS; not degraded', async () => {
    const r = await call(REGISTERED);
    expect(r.status).toBe(302);
    expect(r.contacts[0]).toBe(TERMINAL);
    expect(r.contacts.length).toBeGreaterThan(1);
    expect(sip.service.readiness()).toEqual({ sip_registry: true });
    expect(await degraded()).toBe(false);
  });

  it.each([
    ['stopped', () => ferret.stop(), () => ferret.start()],
    ['frozen (SIGSTOP)', async () => ferret.pause(), async () => ferret.resume()],
  ])(
    'registry %s: every INVITE gets its 302 within 1 s, terminals from the last read; degraded, then back',
    async (_what, down, up) => {
      const before = lines.length;
      await down();
      try {
        const calls = await callsFor(4000);
        expect(calls.length).toBeGreaterThan(10);
        for (const c of calls) {
          expect(c.status).toBe(302);
          expect(c.ms).toBeLessThan(1000);
        }
        // the registered member: its terminal (last read) first, then its center from DNS
        for (const c of calls.filter((_, i) => i % 2 === 0)) expect(c.contacts[0]).toBe(TERMINAL);
        expect(sip.service.health().registry?.degraded).toBe(true);
        expect(sip.service.readiness()).toEqual({ sip_registry: false });
        expect(await degraded()).toBe(true);
        // a few log lines for the outage, not one (with its stack) per call
        const logged = lines.slice(before).filter((l) => l.level >= 40);
        expect(logged.length).toBeGreaterThanOrEqual(1);
        expect(logged.length).toBeLessThanOrEqual(4);
      } finally {
        await up();
      }
      await until(
        'the redirector to read bindings again',
        async () => {
          await call(REGISTERED);
          return sip.service.health().registry?.degraded === false;
        },
        30_000,
        200,
      );
      expect(sip.service.readiness()).toEqual({ sip_registry: true });
      expect(await degraded()).toBe(false);
    },
    90_000,
  );
});
