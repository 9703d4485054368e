// A whole callx on real sockets for the browser tests, wired as `callx serve` wires it: a store
// (embedded or MongoDB/FerretDB), the DNS node fed by the journal, the SIP redirector resolving
// through it, and one HTTP port serving the web pages in front of the API.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ApiServer, createApiServer } from '#api';
import { createDnsNode, type DnsNode } from '#dns';
import { createMetrics } from '#metrics';
import { derivationFor } from '#publish';
import {
  type BillingService,
  createBilling,
  createJournal,
  createMembers,
  createOutbox,
  createPublisher,
  createSales,
  type Outbox,
  SCHEMA,
} from '#registry';
import { createSipService, type SipService } from '#sip';
import { billingPort, createWeb, isWebPath, type Web } from '#web';
import { loadConfig } from '../../../src/core/config.ts';
import { silentLogger } from '../../../src/core/log.ts';
import type { Store } from '../../../src/core/store.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
export const STACK_ADMIN = 'web-e2e-admin-token-0123456789abcdef';

export interface WebStack {
  store: Store;
  web: Web;
  billing: BillingService;
  dns: DnsNode;
  sip: SipService;
  api: ApiServer;
  outbox: Outbox;
  sipPort: number;
  base: string;
  dig(name: string, type: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startWebStack(store: Store, dataDir: string): Promise<WebStack> {
  await store.ensureSchema(SCHEMA);
  const config = loadConfig({
    CALLX_APEX: 'callx.test',
    CALLX_DATA_DIR: dataDir,
    CALLX_ZONES_DIR: join(ROOT, 'zones'),
    CALLX_DNS_PORT: '0',
    CALLX_DNS_JOURNAL_POLL_MS: '50',
    CALLX_HTTP_PORT: '0',
    CALLX_ADMIN_TOKEN: STACK_ADMIN,
    CALLX_SIP_PORT: '0',
    CALLX_SIP_DNS_TIMEOUT_MS: '500',
  });
  const journal = createJournal({ store, logger: silentLogger });
  const derivation = derivationFor(config);
  const dns = createDnsNode({
    config: config.dns,
    logger: silentLogger,
    store,
    journal,
    zonesDir: config.zonesDir,
    apex: config.apex,
    derivation,
  });
  await dns.start();
  const publisher = createPublisher({ store, journal, derivation, logger: silentLogger });
  const sipConfig = { ...config, sip: { ...config.sip, resolvers: [{ host: '127.0.0.1', port: dns.port }] } };
  const sip = createSipService({ config: sipConfig, logger: silentLogger, store });
  const sipPort = await sip.start();
  // the fee system as main.ts wires it (its sweeper is not started: the tests post what they need)
  const billing = createBilling({ store, publisher, logger: silentLogger, apex: config.apex });
  const sales = createSales({
    store,
    publisher,
    logger: silentLogger,
    onPaid: billing.onPaid,
    onRejected: billing.onRejected,
  });
  const members = createMembers({ store, publisher, logger: silentLogger, realm: config.sip.realm });
  const outbox = createOutbox();
  const web = createWeb({
    config: { ...config, sip: { ...config.sip, port: sipPort } },
    logger: silentLogger,
    store,
    publisher,
    sales,
    members,
    mailer: outbox,
    scryptLog2N: 10,
    billing: billingPort(billing),
    calls: billing.callStats,
  });
  const api = createApiServer({
    alongside: { handles: isWebPath, fetch: (req, env) => web.app.fetch(req, env as object) },
    config,
    logger: silentLogger,
    store,
    publisher,
    sales,
    members,
    billing,
    metrics: createMetrics({ processMetrics: false }),
    readiness: () => ({ zones: dns.ready() }),
    exportZone: (apex) => dns.exportZone(apex),
    fileZones: () => [...dns.zones.zones.values()].map((z) => z.name),
    resolve: (identifier, caller) => sip.resolver.resolve(identifier, caller),
  });
  const base = `http://127.0.0.1:${await api.start()}`;
  return {
    store,
    web,
    billing,
    dns,
    sip,
    api,
    outbox,
    sipPort,
    base,
    async dig(name, type) {
      const { stdout } = await run('dig', [
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
      web.stop();
      await sip.stop();
      await api.stop();
      await dns.stop();
    },
  };
}
