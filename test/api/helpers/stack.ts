// A whole callx on real sockets for end-to-end tests: embedded store in a temp dir, the DNS node
// (zone files + registry feed), the SIP redirector resolving through it, and the HTTP API, all
// wired as `callx serve` wires them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'vitest';
import { type ApiServer, createApiServer } from '#api';
import { createDnsNode, type DnsNode } from '#dns';
import { createMetrics } from '#metrics';
import { derivationFor } from '#publish';
import { anyCenter, registryCenters } from '#registry';
import { dnsCenters } from '#resolve';
import { createSipService, type SipService } from '#sip';
import { loadConfig } from '../../../src/core/config.ts';
import { silentLogger } from '../../../src/core/log.ts';
import type { Store } from '../../../src/core/store.ts';
import { createJournal } from '../../../src/registry/journal.ts';
import { createPublisher } from '../../../src/registry/publisher.ts';
import { SCHEMA } from '../../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../../src/registry/stores/embedded/index.ts';
import { peer } from '../../helpers/peer.ts';
import { until as pollUntil } from '../../helpers/until.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
export const E2E_ADMIN = 'e2e-admin-token-0123456789abcdef';
export const APEX = 'callx.test';
/**
 * A softswitch of ours, trusted by its source address (CALLX_SIP_TRUSTED): a UA bound to it
 * reaches paid routes (PSTN gateways, partner carriers). From any other loopback address (the
 * default 127.0.0.1) a UA is an anonymous caller, who reaches only on-net destinations.
 */
export const SOFTSWITCH = '127.0.0.2';

export interface Stack {
  store: Store;
  dns: DnsNode;
  api: ApiServer;
  sip: SipService;
  sipPort: number;
  base: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes from the API, asserted field by field
  http(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }>;
  dig(name: string, type: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Polls `probe` until it gives something other than null (test/helpers/until.ts, the one poller). */
export function until<T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> {
  return pollUntil(`e2e: ${what}`, probe, ms) as Promise<T>;
}

export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callx-e2e-'));
  const store = createEmbeddedStore({ dataDir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  const config = loadConfig({
    CALLX_APEX: APEX,
    CALLX_DATA_DIR: dataDir,
    CALLX_ZONES_DIR: join(ROOT, 'zones'),
    CALLX_DNS_PORT: '0',
    CALLX_DNS_JOURNAL_POLL_MS: '50',
    CALLX_HTTP_PORT: '0',
    CALLX_ADMIN_TOKEN: E2E_ADMIN,
    CALLX_SIP_PORT: '0',
    CALLX_SIP_DNS_TIMEOUT_MS: '500',
    CALLX_SIP_TRUSTED: SOFTSWITCH,
  });
  const journal = createJournal({ store, logger: silentLogger });
  const derivation = derivationFor(config);
  const dns = createDnsNode({
    config: config.dns,
    logger: silentLogger,
    store,
    journal,
    zonesDir: config.zonesDir,
    apex: APEX,
    derivation,
  });
  await dns.start();
  const publisher = createPublisher({
    store,
    journal,
    derivation,
    logger: silentLogger,
  });
  const sipConfig = { ...config, sip: { ...config.sip, resolvers: [{ host: '127.0.0.1', port: dns.port }] } };
  const sip = createSipService({ config: sipConfig, logger: silentLogger, store });
  const sipPort = await sip.start();
  const api = createApiServer({
    config,
    logger: silentLogger,
    store,
    publisher,
    // as `callx serve` wires it: the registry's centers and DNS's (the demo zone files)
    centers: anyCenter(registryCenters(store), dnsCenters(sip.resolver.cache, APEX)),
    metrics: createMetrics({ processMetrics: false }),
    readiness: () => ({ zones: dns.ready() }),
    exportZone: (apex) => dns.exportZone(apex),
    fileZones: () => [...dns.zones.zones.values()].map((z) => z.name),
    resolve: (identifier, caller) => sip.resolver.resolve(identifier, caller),
    page: (identifier) => sip.resolver.page(identifier),
  });
  const base = `http://127.0.0.1:${await api.start()}`;
  return {
    store,
    dns,
    api,
    sip,
    sipPort,
    base,
    async http(method, path, token, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
      };
    },
    async dig(name, type) {
      const { stdout } = await run(peer('dig'), [
        '@127.0.0.1',
        '-p',
        String(dns.port),
        '+short',
        '+tries=1',
        '+time=2',
        name,
        type,
      ]);
      return stdout.trim() === '' ? [] : stdout.trim().split('\n');
    },
    async stop() {
      await sip.stop();
      await api.stop();
      await dns.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** vitest's `it` with a `stack` fixture: one whole callx per test file, stopped after it. */
export const e2eIt = test.extend(
  'stack',
  { scope: 'file' },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  async ({}, { onCleanup }): Promise<Stack> => {
    const stack = await startStack();
    onCleanup(() => stack.stop());
    return stack;
  },
);
