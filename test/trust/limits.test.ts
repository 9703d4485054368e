// Fraud limits across redirectors (docs/trust.md, "Limits across redirectors"): two redirector
// processes on one registry (an embedded store's data directory shared by both processes, and
// FerretDB), one source hammering both. Each counts locally and shares its counts every
// syncMs with a single-document $inc, so together they admit the limit plus at most
// (R - 1) x r x (syncMs + a store round trip): never the 2 x limit two unshared counters would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPolicy, COLLECTIONS, type Store } from '#core';
import type { DnsServer } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { createMongoStore, type MongoStore } from '../../src/registry/stores/mongo.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';
import { headers, request, startDns, status, UdpClient } from '../sip/env.ts';

const LIMIT = 40; // call attempts a minute from one source
const SYNC_MS = 100;
const RATE = 50; // attempts a second to each redirector
const PER_REDIRECTOR = 100; // over 2 s
/** Slack for the store round trip (and scheduling on a busy 2-core machine) in the bound. */
const ROUND_TRIP_S = 0.3;

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDns();
});
afterAll(async () => {
  await dns?.stop();
});

async function startRedirector(where: string, db: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'redirector-proc.ts'), where, db, String(dns.port), String(SYNC_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`redirector exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function stopRedirector(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hammers both redirectors from one source; the answers' statuses per redirector. */
async function hammer(ports: number[]): Promise<Map<number, number[]>> {
  // the limit counts in minute windows: start well inside one
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await sleep(60_000 - intoMinute + 200);
  const ua = await new UdpClient().open('127.0.0.5');
  const byCall = new Map<string, number>();
  const out = new Map<number, number[]>(ports.map((p) => [p, []]));
  ua.socket.on('message', (buf) => {
    const m = buf.toString();
    const port = byCall.get(headers(m, 'Call-ID')[0] ?? '');
    if (port !== undefined && status(m) >= 200) out.get(port)!.push(status(m));
  });
  try {
    for (let i = 0; i < PER_REDIRECTOR; i++) {
      for (const port of ports) {
        const callId = `limits-${port}-${i}`;
        byCall.set(callId, port);
        ua.socket.send(
          request({ uri: 'sip:+82262006200@callx.test', callId, localPort: ua.port }).replace(
            '127.0.0.1:',
            '127.0.0.5:',
          ),
          port,
          '127.0.0.1',
        );
      }
      await sleep(1000 / RATE);
    }
    const all = () => [...out.values()].reduce((n, xs) => n + xs.length, 0);
    for (let t = 0; t < 100 && all() < ports.length * PER_REDIRECTOR; t++) await sleep(50);
    return out;
  } finally {
    ua.socket.removeAllListeners('message');
    ua.close();
  }
}

const policy: CallPolicy = {
  _id: 'default',
  limits: { sourcePerMinute: LIMIT },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};

describe.each([
  [
    'the embedded store (one data directory, two processes)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'callx-limits-'));
      const store: Store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
      await store.ensureSchema(SCHEMA);
      return {
        store,
        where: dir,
        db: '',
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'MongoDB (FerretDB)',
    async () => {
      const db = testDbName(import.meta.filename);
      const store: MongoStore = await createMongoStore({ uri: mongoUri(), dbName: db, logger: silentLogger });
      await store.ensureSchema(SCHEMA);
      return {
        store,
        where: mongoUri(),
        db,
        close: async () => {
          await store.db.dropDatabase().catch(() => {});
          await store.close();
        },
      };
    },
  ],
])('fraud limits across two redirector processes on %s', (_name, open) => {
  it('admit the limit plus at most (R - 1) x rate x (sync interval + round trip), never twice the limit', async () => {
    const reg = await open();
    await reg.store.collection<CallPolicy>(COLLECTIONS.policies).insert(policy);
    const a = await startRedirector(reg.where, reg.db);
    const b = await startRedirector(reg.where, reg.db);
    try {
      const answers = await hammer([a.port, b.port]);
      const admitted = [...answers.values()].map((xs) => xs.filter((s) => s === 302).length);
      const refused = [...answers.values()].map((xs) => xs.filter((s) => s === 503).length);
      const total = admitted[0]! + admitted[1]!;
      const bound = LIMIT + (2 - 1) * RATE * (SYNC_MS / 1000 + ROUND_TRIP_S);
      // the figure for docs/trust.md and the report
      console.info(
        `limits (${_name}): limit ${LIMIT}, admitted ${admitted.join(' + ')} = ${total}, refused ${refused.join(' + ')}, bound ${bound}`,
      );
      expect(admitted[0]! + refused[0]!).toBe(PER_REDIRECTOR);
      expect(admitted[1]! + refused[1]!).toBe(PER_REDIRECTOR);
      expect(total).toBeGreaterThanOrEqual(LIMIT); // nobody refuses before the limit is reached
      expect(total).toBeLessThanOrEqual(bound);
      expect(total).toBeLessThan(2 * LIMIT); // unshared, each would have admitted LIMIT
      // both took part in refusing: each learned of the other's counts
      expect(refused[0]).toBeGreaterThan(0);
      expect(refused[1]).toBeGreaterThan(0);
    } finally {
      await stopRedirector(a.child);
      await stopRedirector(b.child);
      await reg.close();
    }
  }, 120_000);
});
