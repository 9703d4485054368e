// `callx serve`: wires the store, the registry services and the front-ends (DNS node, SIP
// redirector, HTTP API) from one Config. Each front-end can run alone (`--only dns`), any
// number of times, against the same store (docs/architecture.md, "Scaling out").
import { createApiServer, zoneFilesIn } from '#api';
import type { Config, Logger } from '#core';
import { createPeriodic } from '#core';
import { createDnsNode, type DnsNode, SERIALS_CHECKPOINT } from '#dns';
import { createMetrics } from '#metrics';
import { createDerive, publishContext } from '#publish';
import {
  applyRetention,
  createJournal,
  createMembers,
  createPublisher,
  createSales,
  openStore,
  routingAggregates,
} from '#registry';
import { createResolver } from '#resolve';
import { createSipService, type SipService } from '#sip';

const RETENTION_EVERY_MS = 10 * 60_000;

export const PARTS = ['dns', 'sip', 'api'] as const;
export type Part = (typeof PARTS)[number];

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
    const ctx = publishContext(config.apex);
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
        metrics: metrics.dns,
      });
      await dns.start();
      stops.push(() => dns!.stop());
      listening.dns = dns.port;
    }

    let sip: SipService | undefined;
    if (parts.includes('sip')) {
      sip = createSipService({ config, logger, store, metrics: metrics.sip });
      listening.sip = await sip.start();
      stops.push(() => sip!.stop());
    }

    if (parts.includes('api')) {
      // The API is where registry writes happen, so its process also runs the writers' sweeps.
      const publisher = createPublisher({
        store,
        journal,
        derive: createDerive(ctx),
        logger,
        aggregates: routingAggregates(ctx),
      });
      const sales = createSales({ store, publisher, logger });
      const members = createMembers({ store, publisher, logger, realm: config.sip.realm });
      publisher.startSweeper();
      sales.startSweeper();
      members.startSweeper();
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
        // the redirector's dependencies: drachtio-server connected, the registry's bindings answering
        readiness: (): Record<string, boolean> => ({
          ...(dns ? { zones: dns.ready() } : {}),
          ...(sip ? sip.readiness() : {}),
        }),
        resolve: (identifier, caller) => resolver.resolve(identifier, caller),
        ...(dns
          ? {
              exportZone: (apex: string) => dns!.exportZone(apex),
              fileZones: () => dns!.fileZones(),
            }
          : { fileZones: zoneFilesIn(config.zonesDir) }),
      });
      listening.api = await api.start();
      stops.push(() => api.stop());
    }
    log.info({ store: store.kind, listening, apex: config.apex }, 'serve: callx is running');
    return { listening, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
