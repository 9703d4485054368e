// A DNS node: the master files, then the registry (documents at start, the change journal
// afterwards), in one model answered by the server; NOTIFY to the secondaries after each change.
// docs/dns.md, "Registry feed". The query path never touches the store.
import type { Config, Logger, Store } from '#core';
import type { DnsMetrics } from '#metrics';
import { type PublishContext, publishContext } from '#publish';
import { createJournal, type Journal, JournalTrimmedError } from '#registry';
import { loadRegistry, writeCheckpoint } from './feed/load.ts';
import { RegistryFeed } from './feed/state.ts';
import type { Zone } from './model/zone.ts';
import { ZoneSet } from './model/zoneset.ts';
import { createDnsServer, type DnsServer } from './server/create.ts';
import { createNotifier, type Notifier } from './xfr/notify.ts';
import { exportZone } from './zonefile/export.ts';
import { loadZonesDir } from './zonefile/load.ts';

export interface DnsNodeDeps {
  config: Config['dns'];
  logger: Logger;
  store: Store;
  /** The change journal over `store` (one is made when absent). */
  journal?: Journal;
  /** CALLX_ZONES_DIR: every `<apex>.zone` in it. */
  zonesDir: string;
  /** CALLX_APEX: the deployment apex the registry publishes under. */
  apex: string;
  /** What the publisher derives with (TTLs); default publishContext(apex). */
  publishContext?: PublishContext;
  maxTcpConnections?: number;
  cacheEntries?: number;
  maxTransfers?: number;
  /** How often this node shares its serial positions in the store (ms, default 10 s). */
  checkpointMs?: number;
  /** NOTIFY retry timing (ms): first wait, doubled up to the maximum. */
  notifyRetryMs?: number;
  notifyMaxRetryMs?: number;
  /** Prometheus hooks (`createMetrics().dns`): queries, transfers, journal position and lag. */
  metrics?: DnsMetrics;
}

export interface DnsNodeStats {
  position: number;
  /** Age of the newest journal entry applied when it was applied (ms): the feed's delay. */
  lagMs: number;
  applied: number;
  ignored: number;
  journalFailures: number;
  /** Full registry reloads because the journal was trimmed past this node. */
  reloads: number;
  notifyPending: number;
  server: ReturnType<DnsServer['stats']>;
}

export interface DnsNode {
  /**
   * Loads the zone files (rejects on any error: no half zone is served), then the registry
   * (retried while the store is unreachable), then listens. Resolves once it serves.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For /readyz: zone files and registry loaded, sockets bound. */
  ready(): boolean;
  readonly port: number;
  readonly zones: ZoneSet;
  /** The zone as served, as a master file; null when no such zone is served. */
  exportZone(apex: string): Promise<string | null>;
  /** Apexes of the zones loaded from master files (the API keeps registrars out of them). */
  fileZones(): string[];
  stats(): DnsNodeStats;
}

const RETRY_MAX_MS = 5_000;

export function createDnsNode(deps: DnsNodeDeps): DnsNode {
  const log = deps.logger.child({ component: 'dns' });
  const cfg = deps.config;
  const journal = deps.journal ?? createJournal({ store: deps.store, logger: deps.logger });
  const ctx = deps.publishContext ?? publishContext(deps.apex);
  // built now so that bad TSIG keys or transfer ACLs fail at once, before anything loads
  const server = createDnsServer({
    config: cfg,
    logger: deps.logger,
    zones: new ZoneSet(),
    maxTcpConnections: deps.maxTcpConnections,
    cacheEntries: deps.cacheEntries,
    maxTransfers: deps.maxTransfers,
    metrics: deps.metrics,
  });
  const keys = [...server.xfr.keys.values()];
  const notifier: Notifier = createNotifier({
    targets: cfg.notify,
    key: keys[0],
    logger: deps.logger,
    retryMs: deps.notifyRetryMs,
    maxRetryMs: deps.notifyMaxRetryMs,
  });
  let feed: RegistryFeed | null = null;
  let fileApexes: string[] = [];
  let isReady = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let polling: Promise<void> | null = null;
  let failures = 0;
  let lastErrorLog = 0;
  let lagMs = 0;
  let lastCheckpoint = Date.now();
  let checkpointAt = 0;
  let reloads = 0;

  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });

  function logFailure(what: string, err: unknown): void {
    failures++;
    const now = Date.now();
    if (failures === 1 || now - lastErrorLog > 30_000) {
      lastErrorLog = now;
      log.error({ err, failures }, `dns: ${what} failed; serving the last state and retrying`);
    }
  }

  async function poll(): Promise<void> {
    const f = feed!;
    try {
      for (;;) {
        const entries = await journal.readAfter(f.position, 1000);
        if (entries.length === 0) break;
        const moved = new Set<Zone>();
        for (const e of entries) for (const z of f.applyEntry(e)) moved.add(z);
        lagMs = Date.now() - entries.at(-1)!.at;
        deps.metrics?.journal(f.position, lagMs / 1000);
        if (moved.size > 0) notifier.changed(moved);
        if (entries.length < 1000 || stopped) break;
      }
      if (failures > 0) log.info({ failures }, 'dns: change journal reachable again');
      failures = 0;
      if (Date.now() - lastCheckpoint >= (deps.checkpointMs ?? 10_000) && f.position > checkpointAt) {
        lastCheckpoint = Date.now();
        await writeCheckpoint(deps.store, f.streams)
          .then(() => {
            checkpointAt = f.position;
          })
          .catch((err) => log.debug({ err }, 'dns: serial checkpoint not written'));
      }
    } catch (err) {
      if (err instanceof JournalTrimmedError)
        await reload(err).catch((e) => logFailure('reloading the registry', e));
      else logFailure('reading the change journal', err);
    }
  }

  function schedule(): void {
    if (stopped) return;
    const ms =
      failures > 0
        ? Math.min(cfg.journalPollMs * 2 ** Math.min(failures, 6), RETRY_MAX_MS)
        : cfg.journalPollMs;
    timer = setTimeout(() => {
      timer = null;
      polling = poll().finally(() => {
        polling = null;
        schedule();
      });
    }, ms);
  }

  /** Master files plus the whole registry in a new model: at start, and when the journal was trimmed past this node. */
  async function build(): Promise<{ zs: ZoneSet; f: RegistryFeed }> {
    const files = loadZonesDir(deps.zonesDir);
    for (const w of files.warnings) log.warn(`dns: ${w.file}:${w.line}: ${w.message}`);
    const zs = files.zones;
    const fileZones = new Map([...zs.zones.values()].map((z) => [z.key, z]));
    fileApexes = [...zs.zones.values()].map((z) => z.name);
    const f = new RegistryFeed({ zones: zs, apex: deps.apex, fileZones, logger: log });
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const r = await loadRegistry({ store: deps.store, feed: f, ctx, journal, logger: log });
        log.info(
          { ...r, zones: [...zs.zones.values()].map((z) => `${z.name}/${z.serial}`) },
          'dns: registry loaded',
        );
        break;
      } catch (err) {
        logFailure('loading the registry', err);
        await sleep(Math.min(500 * 2 ** attempt, RETRY_MAX_MS));
      }
    }
    if (stopped) throw new Error('dns: stopped while loading the registry');
    failures = 0;
    return { zs, f };
  }

  /** Serves a freshly built model; the serials go on from the shared checkpoint, IXFR history starts again. */
  async function reload(err: JournalTrimmedError): Promise<void> {
    log.warn(
      { position: err.position, floor: err.floorSeq },
      `dns: the change journal was trimmed up to ${err.floorSeq}, past this node's position ${err.position}; reloading the registry`,
    );
    const { zs, f } = await build();
    feed = f;
    server.setZones(zs);
    reloads++;
    deps.metrics?.journal(f.position, 0);
    notifier.changed(zs.zones.values());
  }

  async function start(): Promise<void> {
    const { zs, f } = await build();
    feed = f;
    server.setZones(zs);
    await server.start();
    isReady = true;
    deps.metrics?.journal(f.position, 0);
    // as Knot and BIND do on load: tell the secondaries the serials we serve
    notifier.changed(zs.zones.values());
    schedule();
  }

  return {
    start,
    async stop() {
      stopped = true;
      isReady = false;
      wake?.();
      if (timer) clearTimeout(timer);
      await polling;
      await notifier.stop();
      await server.stop();
    },
    ready: () => isReady,
    get port() {
      return server.port;
    },
    get zones() {
      return server.zones;
    },
    async exportZone(apex: string) {
      const z = server.zones.get(apex);
      return z ? exportZone(z) : null;
    },
    fileZones: () => fileApexes,
    stats() {
      return {
        position: feed?.position ?? 0,
        lagMs,
        applied: feed?.applied ?? 0,
        ignored: feed?.ignored ?? 0,
        reloads,
        journalFailures: failures,
        notifyPending: notifier.pending(),
        server: server.stats(),
      };
    },
  };
}
