// The authoritative DNS server over UDP and TCP: the model answered by the query handler, with
// zone transfers, TSIG and NOTIFY on the slow path (docs/dns.md).
import { type Config, createLogLimiter, DNS_LIMITS, type Logger } from '#core';
import type { DnsMetrics } from '#metrics';
import { ZoneSet } from '../model/zoneset.ts';
import { createXfrService, type XfrService } from '../xfr/service.ts';
import { loadZonesDir } from '../zonefile/load.ts';
import { createHandler, type Handler } from './handler.ts';
import { startTcp, type TcpServer, type TcpStats } from './tcp.ts';
import { startUdp, type UdpServer } from './udp.ts';

export interface DnsServerDeps {
  /** xfrAllow and tsigKeys: who may transfer zones (none when absent) and the TSIG keys. */
  config: Pick<Config['dns'], 'addr' | 'port' | 'tcpIdleMs'> &
    Partial<
      Pick<
        Config['dns'],
        'xfrAllow' | 'tsigKeys' | 'tcpMaxConnections' | 'tcpPerSource' | 'tcpBufferBytes' | 'cacheBytes'
      >
    >;
  logger: Logger;
  /** Master files to load at start (every `<apex>.zone`); ignored when `zones` is given. */
  zonesDir?: string;
  /** A ready model (tests, or main.ts when it loads zones itself). */
  zones?: ZoneSet;
  /** Overrides config.tcpMaxConnections. */
  maxTcpConnections?: number;
  /** Packet cache entries (default 200,000; 0 turns the cache off); its bytes: config.cacheBytes. */
  cacheEntries?: number;
  wildcardTemplates?: boolean;
  /** Zone transfers running at once (default 10). */
  maxTransfers?: number;
  /** Seconds since the epoch, for TSIG (tests move time). */
  now?: () => number;
  /** Prometheus hooks (`createMetrics().dns`): queries, transfers. */
  metrics?: DnsMetrics;
}

export interface DnsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The port bound (UDP and TCP share it); useful with port 0. */
  readonly port: number;
  readonly zones: ZoneSet;
  /** Swaps the whole model (a reload); cached answers of the old one are never served. */
  setZones(zones: ZoneSet): void;
  readonly handler: Handler;
  /** TSIG keys, transfer ACL and the transfer counter. */
  readonly xfr: XfrService;
  /** Counters for metrics and tests. */
  stats(): {
    tcpConnections: number;
    queries: number;
    formerr: number;
    /** Zone transfers running now. */
    transfers: number;
    cache: ReturnType<Handler['cache']['stats']>;
    tcp: TcpStats;
    /** Log lines suppressed by the rate limit so far. */
    logSuppressed: number;
  };
}

export function createDnsServer(deps: DnsServerDeps): DnsServer {
  const log = deps.logger.child({ component: 'dns' });
  // every line the server may write per packet or connection goes through this (docs/dns.md, "Limits")
  const logs = createLogLimiter(log);
  const cfg = deps.config;
  let zones = deps.zones ?? new ZoneSet();
  const xfr = createXfrService(
    {
      allow: cfg.xfrAllow ?? [],
      tsigKeys: cfg.tsigKeys ?? [],
      maxTransfers: deps.maxTransfers,
      now: deps.now,
      metrics: deps.metrics,
      logs,
    },
    deps.logger,
  );
  const cacheBytes = cfg.cacheBytes ?? DNS_LIMITS.cacheBytes;
  const handler = createHandler(() => zones, {
    cacheEntries: cacheBytes === 0 ? 0 : deps.cacheEntries,
    cacheBytes,
    wildcardTemplates: deps.wildcardTemplates,
    xfr,
    metrics: deps.metrics,
  });
  let udp: UdpServer | null = null;
  let tcp: TcpServer | null = null;
  let port = 0;
  let forgetMetrics: (() => void) | undefined;

  async function bindBoth(): Promise<void> {
    const { addr } = deps.config;
    for (let attempt = 0; ; attempt++) {
      const u = await startUdp(addr, cfg.port, handler, logs);
      try {
        const t = await startTcp(
          addr,
          u.port,
          handler,
          {
            idleMs: cfg.tcpIdleMs,
            maxConnections: deps.maxTcpConnections ?? cfg.tcpMaxConnections ?? DNS_LIMITS.tcpMaxConnections,
            maxPerSource: cfg.tcpPerSource ?? DNS_LIMITS.tcpPerSource,
            maxHeldBytes: cfg.tcpBufferBytes ?? DNS_LIMITS.tcpBufferBytes,
          },
          logs,
        );
        udp = u;
        tcp = t;
        port = u.port;
        return;
      } catch (err) {
        await u.close();
        // with port 0 the TCP side of the chosen port may be taken: pick another
        if (cfg.port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
          throw err;
      }
    }
  }

  function stats() {
    const { queries, formerr } = handler.stats;
    const t = tcp?.stats() ?? {
      connections: 0,
      heldBytes: 0,
      refusedPerSource: 0,
      evicted: 0,
      idleClosed: 0,
      overBudget: 0,
    };
    return {
      tcpConnections: t.connections,
      queries,
      formerr,
      transfers: xfr.active(),
      cache: handler.cache.stats(),
      tcp: t,
      logSuppressed: logs.suppressed(),
    };
  }

  return {
    async start() {
      if (!deps.zones && deps.zonesDir) {
        const loaded = loadZonesDir(deps.zonesDir);
        for (const w of loaded.warnings) log.warn(`dns: ${w.file}:${w.line}: ${w.message}`);
        zones = loaded.zones;
        log.info({ zones: [...zones.zones.values()].map((z) => z.name) }, 'dns: zones loaded');
      }
      await bindBoth();
      forgetMetrics = deps.metrics?.limits(() => {
        const { tcp: t, cache, logSuppressed } = stats();
        return {
          tcpConnections: t.connections,
          tcpHeldBytes: t.heldBytes,
          tcpShed: {
            perSource: t.refusedPerSource,
            evicted: t.evicted,
            idle: t.idleClosed,
            overBudget: t.overBudget,
          },
          cacheEntries: cache.size,
          cacheBytes: cache.bytes,
          logSuppressed,
        };
      });
      log.info({ addr: deps.config.addr, port }, 'dns: listening (udp, tcp)');
    },
    async stop() {
      forgetMetrics?.();
      forgetMetrics = undefined;
      await Promise.all([udp?.close(), tcp?.close()]);
      udp = null;
      tcp = null;
      logs.flush(); // the counts of what was suppressed
    },
    get port() {
      return port;
    },
    get zones() {
      return zones;
    },
    setZones(z: ZoneSet) {
      zones = z;
      handler.cache.clear();
      handler.wildcards.clear();
    },
    handler,
    xfr,
    stats,
  };
}
