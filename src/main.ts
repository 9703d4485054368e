// `callx serve`: wires the store, the registry services and the front-ends (DNS node, SIP
// redirector, HTTP API) from one Config. Each front-end can run alone (`--only dns`), any
// number of times, against the same store (docs/architecture.md, "Scaling out").
import { createApiServer, zoneFilesIn } from '#api';
import type { Config, Logger } from '#core';
import { createPeriodic } from '#core';
import { createDnsNode, type DnsNode, SERIALS_CHECKPOINT } from '#dns';
import { createMetrics } from '#metrics';
import { derivationFor } from '#publish';
import {
  applyRetention,
  createBilling,
  createJournal,
  createMembers,
  createPublisher,
  createSales,
  openStore,
} from '#registry';
import { createResolver } from '#resolve';
import { createSipService, type SipService } from '#sip';

const RETENTION_EVERY_MS = 10 * 60_000;

export const PARTS = ['dns', 'sip', 'api'] as const;
export type Part = (typeof PARTS)[number];

/** The variables that say where each front end listens, named when it cannot. */
const LISTEN_VARS: Record<Part, [addr: string, port: string]> = {
  dns: ['CALLX_DNS_ADDR', 'CALLX_DNS_PORT'],
  sip: ['CALLX_SIP_ADDR', 'CALLX_SIP_PORT'],
  api: ['CALLX_HTTP_ADDR', 'CALLX_HTTP_PORT'],
};

/** A front end could not bind its socket: one line that names the address and its variables. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** Runs a front end's start(); a socket it cannot bind becomes a ListenError naming the variables. */
async function bound<T>(part: Part, at: { addr: string; port: number }, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const [addrVar, portVar] = LISTEN_VARS[part];
    const where = `${at.addr.includes(':') ? `[${at.addr}]` : at.addr}:${at.port}`;
    const why: Record<string, string> = {
      EADDRINUSE: `${where} is in use by another program; stop it, or set ${portVar} to another port`,
      EACCES: `${where}: not permitted (ports below 1024 need privileges); set ${portVar} to a port above 1023`,
      EADDRNOTAVAIL: `${where}: ${at.addr} is not an address of this host; set ${addrVar}`,
    };
    const reason = why[(err as NodeJS.ErrnoException).code ?? ''];
    if (reason) throw new ListenError(`serve: ${part}: ${reason}`, { cause: err });
    throw err;
  }
}

export interface Callx {
  /** Where each running front-end listens (ports as bound, useful with port 0). */
  readonly listening: Partial<Record<Part, number>>;
  stop(): Promise<void>;
}

/**
 * Starts the given front-ends (all by default). Rejects, after undoing what it started, when
 * any part cannot start: a zone file with an error, a port in use, a store that cannot be opened.
 */
export async function startCallx(
  config: Config,
  logger: Logger,
  parts: readonly Part[] = PARTS,
): Promise<Callx> {
  const log = logger.child({ component: 'serve' });
  const store = await openStore(config, logger);
  const stops: Array<() => Promise<void> | void> = [() => store.close()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        log.error({ err }, 'serve: error while stopping');
      }
    }
  };
  const listening: Partial<Record<Part, number>> = {};
  try {
    const journal = createJournal({ store, logger });
    // what the registry publishes in DNS: one derivation for the publisher and the DNS node
    const derivation = derivationFor(config);
    const metrics = createMetrics();

    let dns: DnsNode | undefined;
    if (parts.includes('dns')) {
      dns = createDnsNode({
        config: config.dns,
        logger,
        store,
        journal,
        zonesDir: config.zonesDir,
        apex: config.apex,
        derivation,
        metrics: metrics.dns,
      });
      await bound('dns', config.dns, () => dns!.start());
      stops.push(() => dns!.stop());
      listening.dns = dns.port;
    }

    let sip: SipService | undefined;
    if (parts.includes('sip')) {
      sip = createSipService({ config, logger, store, metrics: metrics.sip });
      listening.sip = await bound('sip', config.sip, () => sip!.start());
      stops.push(() => sip!.stop());
    }

    if (parts.includes('api')) {
      // The API is where registry writes happen, so its process also runs the writers' sweeps.
      const publisher = createPublisher({
        store,
        journal,
        derivation,
        logger,
      });
      // the fee system (docs/billing.md): number sales post to its ledger
      const billing = createBilling({ store, publisher, logger, apex: config.apex, config: config.billing });
      const sales = createSales({ store, publisher, logger, onPaid: billing.onPaid });
      const members = createMembers({ store, publisher, logger, realm: config.sip.realm });
      publisher.startSweeper();
      sales.startSweeper();
      members.startSweeper();
      await billing.start();
      // journal retention: entries older than CALLX_JOURNAL_KEEP_HOURS that every reader is past
      const retention = createPeriodic(
        () =>
          applyRetention(store, journal, { keepMs: config.journalKeepMs, checkpoints: [SERIALS_CHECKPOINT] }),
        logger,
        'registry: journal retention',
      );
      if (config.journalKeepMs > 0) retention.start(RETENTION_EVERY_MS);
      stops.push(() => {
        publisher.stop();
        sales.stop();
        members.stop();
        billing.stop();
        retention.stop();
      });
      // Without a redirector in this process, /v1/resolve still resolves through DNS like one.
      const resolver = sip?.resolver ?? createResolver(config, { metrics: metrics.sip });
      if (!sip) stops.push(() => resolver.close());
      const api = createApiServer({
        config,
        logger,
        store,
        publisher,
        metrics,
        sales,
        members,
        billing,
        readiness: (): Record<string, boolean> => (dns ? { zones: dns.ready() } : {}),
        resolve: (identifier, caller) => resolver.resolve(identifier, caller),
        ...(dns
          ? {
              exportZone: (apex: string) => dns!.exportZone(apex),
              fileZones: () => dns!.fileZones(),
            }
          : { fileZones: zoneFilesIn(config.zonesDir) }),
      });
      listening.api = await bound('api', config.http, () => api.start());
      stops.push(() => api.stop());
    }
    log.info({ store: store.kind, listening, apex: config.apex }, 'serve: callx is running');
    return { listening, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
