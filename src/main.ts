// `callx serve`: wires the store, the registry services and the front-ends (DNS node, SIP
// redirector, HTTP API) from one Config. Each front-end can run alone (`--only dns`), any
// number of times, against the same store (docs/architecture.md, "Scaling out").
import { hostname } from 'node:os';
import { createApiServer, zoneFilesIn } from '#api';
import type { Config, Logger } from '#core';
import { createPeriodic } from '#core';
import { createDnsNode, type DnsNode, SERIALS_CHECKPOINT } from '#dns';
import { createMetrics } from '#metrics';
import { derivationFor } from '#publish';
import {
  anyCenter,
  applyRetention,
  createBilling,
  createJournal,
  createMembers,
  createPublisher,
  createSales,
  openStore,
  registryBindingSource,
  registryCenters,
  type StirCredentials,
  stirCredentials,
  stirFromFiles,
} from '#registry';
import { createResolver, dnsCenters } from '#resolve';
import { createSipService, type SipService } from '#sip';
import { billingPort, createWeb, isWebPath } from '#web';
import { keyOf } from '#wire';

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

/** Whether one of the node's zones covers the apex (a zone file, or one created over HTTP). */
function servesApex(dns: DnsNode, apex: string): boolean {
  return dns.zones.findZone(keyOf(apex)) !== undefined;
}

/** Where the signing key and certificate come from: CALLX_STIR_KEY/CERT, or the registry's demo key. */
function stirSource(config: Config, store: Parameters<typeof stirCredentials>[0]) {
  if (!config.stir.enabled) return undefined;
  const { keyFile, certFile } = config.stir;
  if (keyFile && certFile) {
    let read: Promise<StirCredentials> | undefined;
    return () => (read ??= stirFromFiles(keyFile, certFile));
  }
  return stirCredentials(store, { apex: config.apex });
}

/**
 * The redirector's authorizer (docs/billing.md, "On the SIP path"): its own wallet of leases,
 * named by host and process. It loads the route-token keys and the rate book and keeps them
 * fresh; the billing sweep (leases of crashed holders, CDRs, rent) is the API process's job, so a
 * redirector alone (`--only sip`) runs none.
 */
function sipBilling(billing: ReturnType<typeof createBilling>, withApi: boolean) {
  const auth = billing.authorizer({ holder: `sip:${hostname()}:${process.pid}` });
  return {
    authorize: auth.authorize,
    start: () => billing.startRating(),
    async stop() {
      if (!withApi) billing.stop();
      await auth.routes.flush();
      await auth.wallet.close();
    },
  };
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
    // the key and certificate of signed caller identities (docs/trust.md): files, or the registry's demo key
    const stir = stirSource(config, store);
    if (config.stir.enabled && config.stir.keyFile) await stir!(); // configured files must load

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
      // without a zone for the apex every name under it is REFUSED and every call gets 503
      if (!servesApex(dns, config.apex))
        log.error(
          { apex: config.apex, zonesDir: config.zonesDir },
          `serve: dns: no zone covers CALLX_APEX ${config.apex}: DNS refuses every name under it and the redirector answers 503; ` +
            `add ${config.apex}.zone in CALLX_ZONES_DIR (${config.zonesDir}) or create it with POST /v1/zones (README, "Your own deployment"); /readyz stays not-ready until then`,
        );
    }

    // the publisher writes what DNS serves (the API's writes, the fee system's rentals)
    const publisher = createPublisher({
      store,
      journal,
      derivation,
      logger,
    });
    // the fee system (docs/billing.md): number sales post to its ledger, the redirector authorizes
    // members' paid calls with it
    const billing = createBilling({ store, publisher, logger, apex: config.apex, config: config.billing });

    let sip: SipService | undefined;
    if (parts.includes('sip')) {
      sip = createSipService({
        config,
        logger,
        store,
        metrics: metrics.sip,
        ...(stir ? { stir } : {}),
        ...(config.billing.authorize ? { billing: sipBilling(billing, parts.includes('api')) } : {}),
      });
      listening.sip = await bound('sip', config.sip, () => sip!.start());
      stops.push(() => sip!.stop());
    }

    if (parts.includes('api')) {
      // The API is where registry writes happen, so its process also runs the writers' sweeps.
      // Without a redirector in this process, /v1/resolve still resolves through DNS like one.
      // It reads registered terminals from the registry, as the redirector does.
      const resolver =
        sip?.resolver ??
        createResolver(config, {
          metrics: metrics.sip,
          bindings: registryBindingSource(store, config.sip.realm),
        });
      if (!sip) stops.push(() => resolver.close());
      // a country has a center when the registry or DNS (master files too) has one
      const centers = anyCenter(registryCenters(store), dnsCenters(resolver.cache, config.apex));
      const sales = createSales({
        store,
        publisher,
        logger,
        centers,
        onPaid: billing.onPaid,
        onRejected: billing.onRejected,
      });
      const members = createMembers({ store, publisher, logger, realm: config.sip.realm, centers });
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
      // the web pages (docs/web.md) on the same port, in front of the API
      const web = createWeb({
        config,
        logger,
        store,
        publisher,
        sales,
        members,
        billing: billingPort(billing),
        calls: billing.callStats,
      });
      web.startSweeper();
      stops.push(() => web.stop());
      const api = createApiServer({
        alongside: { handles: isWebPath, fetch: (req, env) => web.app.fetch(req, env as object) },
        config,
        logger,
        store,
        publisher,
        metrics,
        sales,
        members,
        billing,
        // the redirector's dependencies: drachtio-server connected, the registry's bindings answering
        readiness: (): Record<string, boolean> => ({
          ...(dns ? { zones: dns.ready(), apex: servesApex(dns, config.apex) } : {}),
          ...(sip ? sip.readiness() : {}),
        }),
        readinessDetail: () => sip?.readinessDetail() ?? {},
        ...(stir ? { stirCertificate: async () => (await stir()).certPem } : {}),
        resolve: (identifier, caller) => resolver.resolve(identifier, caller),
        page: (identifier) => resolver.page(identifier),
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
    if (listening.api !== undefined) {
      const host = config.http.addr.includes(':') ? `[${config.http.addr}]` : config.http.addr;
      const url = `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${listening.api}/`;
      log.info(
        { url },
        `serve: the number store is at ${url} (member portal /portal, registrar console /console)`,
      );
    }
    return { listening, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
