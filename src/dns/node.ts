// A DNS node: the master files, then the registry (documents at start, the change journal
// afterwards), in one model answered by the server; NOTIFY to the secondaries after each change.
// docs/dns.md, "Registry feed". The query path never touches the store.
//
// Everything the node changes while it runs is in one `NodeState`; every time it reads comes
// from the injected clock. One tail step (`poll()`: read the journal, apply, NOTIFY, share the
// serial positions when due) is what the timer runs, and what a test can run itself.
import type { Clock, Config, Logger, Store } from '#core';
import { createLogLimiter, systemClock, toSeconds } from '#core';
import type { DnsMetrics } from '#metrics';
import { treeApex } from '#numbering';
import type { Derivation } from '#publish';
import { createJournal, type Journal, JournalTrimmedError } from '#registry';
import { isSubdomainKey, keyOf } from '#wire';
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
  /**
   * The process's derivation (src/publish `derivationFor(config)`), the one the publisher
   * uses too. A node loads what writers stored; it derives only documents published before
   * derivation versions, and only when it is of that version (docs/dns.md, "Registry feed").
   */
  derivation: Derivation;
  /** Every time the node reads (lag, checkpoints, log windows, TSIG of NOTIFY); default the system clock. */
  clock?: Clock;
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
  /**
   * One tail step now, as the timer runs it: reads and applies the journal, NOTIFYs, writes the
   * serial checkpoint when due. Waits for a step already running. Resolves with the position.
   */
  poll(): Promise<number>;
  readonly port: number;
  readonly zones: ZoneSet;
  /** The zone as served, as a master file; null when no such zone is served. */
  exportZone(apex: string): Promise<string | null>;
  /** Apexes of the zones loaded from master files (the API keeps registrars out of them). */
  fileZones(): string[];
  stats(): DnsNodeStats;
}

/** What a node changes while it runs. */
interface NodeState {
  /** The registry as applied to the served model; null until the first load. */
  feed: RegistryFeed | null;
  /** Apexes of the master-file zones of the last load. */
  fileApexes: string[];
  /** Serving: files and registry loaded, sockets bound. */
  ready: boolean;
  stopped: boolean;
  /** The next tail step, when one is scheduled. */
  timer: NodeJS.Timeout | null;
  /** The tail step running now. */
  step: Promise<void> | null;
  /** Ends a backoff wait early (stop()). */
  wake: (() => void) | null;
  /** Consecutive failures to reach the store: the backoff. */
  failures: number;
  /** Age of the newest entry applied, when it was applied (ms). */
  lagMs: number;
  /** Clock time of the last checkpoint attempt, and the position the last one written holds. */
  checkpointTriedAt: number;
  checkpointPosition: number;
  /** Reloads after the journal was trimmed past the node. */
  reloads: number;
}

const RETRY_MAX_MS = 5_000;
/** A store outage logs its first failure, then one line per window. */
const FAILURE_LOG_WINDOW_MS = 30_000;

export function createDnsNode(deps: DnsNodeDeps): DnsNode {
  const log = deps.logger.child({ component: 'dns' });
  const cfg = deps.config;
  const clock = deps.clock ?? systemClock;
  const checkpointMs = deps.checkpointMs ?? 10_000;
  const journal = deps.journal ?? createJournal({ store: deps.store, logger: deps.logger, clock });
  const failureLog = createLogLimiter(log, { windowMs: FAILURE_LOG_WINDOW_MS, clock });
  // built now so that bad TSIG keys or transfer ACLs fail at once, before anything loads
  const server = createDnsServer({
    config: cfg,
    logger: deps.logger,
    zones: new ZoneSet(),
    maxTcpConnections: deps.maxTcpConnections,
    cacheEntries: deps.cacheEntries,
    maxTransfers: deps.maxTransfers,
    now: () => toSeconds(clock.now()),
    metrics: deps.metrics,
  });
  const keys = [...server.xfr.keys.values()];
  const notifier: Notifier = createNotifier({
    targets: cfg.notify,
    key: keys[0],
    logger: deps.logger,
    clock,
    retryMs: deps.notifyRetryMs,
    maxRetryMs: deps.notifyMaxRetryMs,
  });
  const state: NodeState = {
    feed: null,
    fileApexes: [],
    ready: false,
    stopped: false,
    timer: null,
    step: null,
    wake: null,
    failures: 0,
    lagMs: 0,
    checkpointTriedAt: 0,
    checkpointPosition: 0,
    reloads: 0,
  };

  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      state.wake = () => {
        clearTimeout(t);
        r();
      };
    });

  function logFailure(what: string, err: unknown): void {
    state.failures++;
    failureLog.log(
      'error',
      what,
      { err, failures: state.failures },
      `dns: ${what} failed; serving the last state and retrying`,
    );
  }

  /** The tail step: read and apply the journal, NOTIFY, share the positions when due. */
  async function tail(): Promise<void> {
    const f = state.feed;
    if (!f) return;
    try {
      for (;;) {
        const entries = await journal.readAfter(f.position, 1000);
        if (entries.length === 0) break;
        const moved = new Set<Zone>();
        for (const e of entries) for (const z of f.applyEntry(e)) moved.add(z);
        state.lagMs = clock.now() - entries.at(-1)!.at;
        deps.metrics?.journal(f.position, state.lagMs / 1000);
        if (moved.size > 0) notifier.changed(moved);
        if (entries.length < 1000 || state.stopped) break;
      }
      if (state.failures > 0) log.info({ failures: state.failures }, 'dns: change journal reachable again');
      state.failures = 0;
      const now = clock.now();
      if (now - state.checkpointTriedAt >= checkpointMs && f.position > state.checkpointPosition) {
        state.checkpointTriedAt = now;
        await writeCheckpoint(deps.store, f.streams)
          .then(() => {
            state.checkpointPosition = f.position;
          })
          .catch((err) => log.debug({ err }, 'dns: serial checkpoint not written'));
      }
    } catch (err) {
      if (err instanceof JournalTrimmedError)
        await reload(err).catch((e) => logFailure('reloading the registry', e));
      else logFailure('reading the change journal', err);
    }
  }

  /** Runs one tail step after any that is running (the timer's and poll()'s never overlap). */
  function step(): Promise<void> {
    const run = (state.step ?? Promise.resolve()).then(tail, tail);
    const mine = run.finally(() => {
      if (state.step === mine) state.step = null;
    });
    state.step = mine;
    return mine;
  }

  function schedule(): void {
    if (state.stopped) return;
    const ms =
      state.failures > 0
        ? Math.min(cfg.journalPollMs * 2 ** Math.min(state.failures, 6), RETRY_MAX_MS)
        : cfg.journalPollMs;
    state.timer = setTimeout(() => {
      state.timer = null;
      step()
        .catch((err) => log.error({ err }, 'dns: journal tail step failed'))
        .finally(schedule);
    }, ms);
  }

  /** Master files plus the whole registry in a new model: at start, and when the journal was trimmed past this node. */
  async function build(): Promise<{ zs: ZoneSet; f: RegistryFeed }> {
    const files = loadZonesDir(deps.zonesDir);
    // an RFC 4592 gap inside our routing trees is this node's to fill (docs/dns.md, "Routing fillers")
    const trees = (['pstn', 'carriers'] as const).map((t) => keyOf(treeApex(t, deps.apex)));
    const filled = (message: string) => {
      const wc = /^wildcard (\S+) does not match names below/.exec(message)?.[1];
      return wc !== undefined && trees.some((t) => isSubdomainKey(keyOf(wc), t));
    };
    for (const w of files.warnings)
      if (!filled(w.message)) log.warn(`dns: ${w.file}:${w.line}: ${w.message}`);
    const zs = files.zones;
    const fileZones = new Map([...zs.zones.values()].map((z) => [z.key, z]));
    state.fileApexes = [...zs.zones.values()].map((z) => z.name);
    const f = new RegistryFeed({ zones: zs, apex: deps.apex, fileZones, logger: log });
    for (let attempt = 0; !state.stopped; attempt++) {
      try {
        const r = await loadRegistry({
          store: deps.store,
          feed: f,
          derivation: deps.derivation,
          journal,
          logger: log,
          clock,
        });
        log.info(
          {
            ...r,
            derivation: deps.derivation.version,
            zones: [...zs.zones.values()].map((z) => `${z.name}/${z.serial}`),
          },
          'dns: registry loaded',
        );
        break;
      } catch (err) {
        logFailure('loading the registry', err);
        await sleep(Math.min(500 * 2 ** attempt, RETRY_MAX_MS));
      }
    }
    if (state.stopped) throw new Error('dns: stopped while loading the registry');
    state.failures = 0;
    return { zs, f };
  }

  /** Serves a freshly built model; the serials go on from the shared checkpoint, IXFR history starts again. */
  async function reload(err: JournalTrimmedError): Promise<void> {
    log.warn(
      { position: err.position, floor: err.floorSeq },
      `dns: the change journal was trimmed up to ${err.floorSeq}, past this node's position ${err.position}; reloading the registry`,
    );
    const { zs, f } = await build();
    state.feed = f;
    server.setZones(zs);
    state.reloads++;
    deps.metrics?.journal(f.position, 0);
    notifier.changed(zs.zones.values());
  }

  async function start(): Promise<void> {
    const { zs, f } = await build();
    state.feed = f;
    server.setZones(zs);
    await server.start();
    state.ready = true;
    state.checkpointTriedAt = clock.now();
    deps.metrics?.journal(f.position, 0);
    // as Knot and BIND do on load: tell the secondaries the serials we serve
    notifier.changed(zs.zones.values());
    schedule();
  }

  return {
    start,
    async stop() {
      state.stopped = true;
      state.ready = false;
      state.wake?.();
      if (state.timer) clearTimeout(state.timer);
      await state.step;
      failureLog.flush();
      await notifier.stop();
      await server.stop();
    },
    ready: () => state.ready,
    async poll() {
      await step();
      return state.feed?.position ?? 0;
    },
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
    fileZones: () => state.fileApexes,
    stats() {
      return {
        position: state.feed?.position ?? 0,
        lagMs: state.lagMs,
        applied: state.feed?.applied ?? 0,
        ignored: state.feed?.ignored ?? 0,
        reloads: state.reloads,
        journalFailures: state.failures,
        notifyPending: notifier.pending(),
        server: server.stats(),
      };
    },
  };
}
