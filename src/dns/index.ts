// The authoritative DNS server: zones from CALLX_ZONES_DIR (and later the registry) in one
// in-memory model, answered over UDP and TCP. docs/dns.md describes behaviour and layout.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { ZoneSet } from './model/zoneset.ts';
import { createHandler, type Handler } from './server/handler.ts';
import { startTcp, type TcpServer } from './server/tcp.ts';
import { startUdp, type UdpServer } from './server/udp.ts';
import { loadZonesDir } from './zonefile/load.ts';

export { registerDns2Codecs } from './codec/dns2.ts';
export type { ChangeStep, Node, RR, RRset } from './model/types.ts';
export { Zone } from './model/zone.ts';
export { ZoneSet } from './model/zoneset.ts';
export { exportZone } from './zonefile/export.ts';
export { loadZone, loadZonesDir, readZone, ZoneLoadError } from './zonefile/load.ts';
export { ZoneFileError } from './zonefile/parse.ts';

export interface DnsServerDeps {
  config: Pick<Config['dns'], 'addr' | 'port' | 'tcpIdleMs'>;
  logger: Logger;
  /** Master files to load at start (every `<apex>.zone`); ignored when `zones` is given. */
  zonesDir?: string;
  /** A ready model (tests, or main.ts when it loads zones itself). */
  zones?: ZoneSet;
  maxTcpConnections?: number;
  cacheEntries?: number;
  wildcardTemplates?: boolean;
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
  /** Counters for metrics and tests. */
  stats(): {
    tcpConnections: number;
    queries: number;
    formerr: number;
    cache: ReturnType<Handler['cache']['stats']>;
  };
}

export function createDnsServer(deps: DnsServerDeps): DnsServer {
  const log = deps.logger.child({ component: 'dns' });
  let zones = deps.zones ?? new ZoneSet();
  const handler = createHandler(() => zones, {
    cacheEntries: deps.cacheEntries,
    wildcardTemplates: deps.wildcardTemplates,
  });
  let udp: UdpServer | null = null;
  let tcp: TcpServer | null = null;
  let port = 0;

  async function bindBoth(): Promise<void> {
    const { addr } = deps.config;
    for (let attempt = 0; ; attempt++) {
      const u = await startUdp(addr, deps.config.port, handler, log);
      try {
        const t = await startTcp(
          addr,
          u.port,
          handler,
          { idleMs: deps.config.tcpIdleMs, maxConnections: deps.maxTcpConnections ?? 1000 },
          log,
        );
        udp = u;
        tcp = t;
        port = u.port;
        return;
      } catch (err) {
        await u.close();
        // with port 0 the TCP side of the chosen port may be taken: pick another
        if (deps.config.port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
          throw err;
      }
    }
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
      log.info({ addr: deps.config.addr, port }, 'dns: listening (udp, tcp)');
    },
    async stop() {
      await Promise.all([udp?.close(), tcp?.close()]);
      udp = null;
      tcp = null;
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
    stats() {
      const { queries, formerr } = handler.stats;
      return { tcpConnections: tcp?.connections() ?? 0, queries, formerr, cache: handler.cache.stats() };
    },
  };
}
