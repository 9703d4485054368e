// Wiring: resolution over DNS, the redirector core, and a transport (builtin UDP+TCP, or a
// drachtio-server connection). `callx serve` starts one of these per redirector.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../registry/store.ts';
import {
  type CallerIdentity,
  createRedirector,
  type RedirectDecision,
  type RegisterFn,
} from './redirector.ts';
import { createRegistrar } from './register/registrar.ts';
import { cachedBindingSource, registryBindings, registryCredentials } from './register/stores.ts';
import { createDnsCache, type DnsCache } from './resolve/cache.ts';
import { createDnsClient, type DnsClient } from './resolve/dns-client.ts';
import { type BindingSource, createResolution, type Resolution } from './resolve/resolver.ts';
import { createDrachtioTransport, type DrachtioTransport } from './transport/drachtio.ts';
import { createTcpTransport, type TcpTransport } from './transport/tcp.ts';
import { createUdpTransport, type UdpTransport } from './transport/udp.ts';
import type { Redirector } from './types.ts';

export type SipConfig = Pick<Config, 'apex' | 'defaultCountry'> & { sip: Config['sip'] };

export interface SipLimits {
  maxMessage: number;
  maxTcpConnections: number;
  tcpIdleMs: number;
  udpBufferBytes: number;
  dnsCacheEntries: number;
  dnsMaxTtl: number;
  /** Transactions remembered for retransmissions and CANCEL (each for 32 s). */
  transactions: number;
  /** Parsed identifiers remembered (libphonenumber parsing is the slowest step on a cache hit). */
  parseCacheEntries: number;
  /** SIP verdicts remembered for the smallest TTL of the answers they used. */
  verdictCacheEntries: number;
}

export const DEFAULT_LIMITS: SipLimits = {
  maxMessage: 16 * 1024,
  maxTcpConnections: 1024,
  tcpIdleMs: 60_000,
  udpBufferBytes: 4 * 1024 * 1024,
  dnsCacheEntries: 200_000,
  dnsMaxTtl: 86_400,
  transactions: 100_000,
  parseCacheEntries: 20_000,
  verdictCacheEntries: 50_000,
};

/** Resolution over DNS with its cache: what the redirector, `callx resolve` and the API use. */
export interface ResolverHandle extends Resolution {
  readonly cache: DnsCache;
  close(): void;
}

export function createResolver(
  config: SipConfig,
  opts: { bindings?: BindingSource | undefined; bindingsTtlMs?: number; limits?: Partial<SipLimits> } = {},
): ResolverHandle {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const client: DnsClient = createDnsClient({
    resolvers: config.sip.resolvers,
    timeoutMs: config.sip.dnsTimeoutMs,
    tries: config.sip.dnsTries,
  });
  const cache = createDnsCache(client, { max: limits.dnsCacheEntries, maxTtl: limits.dnsMaxTtl });
  const resolution = createResolution({
    apex: config.apex,
    enumSuffixes: config.sip.enumSuffixes,
    ownedRanges: config.sip.ownedRanges,
    defaultCountry: config.defaultCountry,
    dns: cache,
    bindings: opts.bindings,
    parseCacheEntries: limits.parseCacheEntries,
    verdictCacheEntries: limits.verdictCacheEntries,
    ...(opts.bindingsTtlMs !== undefined ? { bindingsTtlMs: opts.bindingsTtlMs } : {}),
  });
  return { ...resolution, cache, close: () => client.close() };
}

export interface SipServiceDeps {
  config: SipConfig;
  logger: Logger;
  /** The registry: with it REGISTER is served and registered terminals are reached first. */
  store?: Store;
  /** How long a redirector trusts what it read about an identity's bindings (ms). */
  bindingCacheMs?: number;
  /** Overrides (tests): bindings and REGISTER handling not backed by `store`. */
  bindings?: BindingSource;
  register?: RegisterFn;
  limits?: Partial<SipLimits>;
}

export interface SipService {
  /** Binds the sockets (or connects to drachtio-server); resolves to the port bound (0 for drachtio). */
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly redirector: Redirector;
  readonly resolver: ResolverHandle;
  /** Counters for metrics and tests. */
  stats(): SipStats;
}

export interface SipStats {
  udp: { received: number; unanswered: number; sent: number };
  tcpConnections: number;
  dnsCacheEntries: number;
  drachtioConnected: boolean;
}

export function createSipService(deps: SipServiceDeps): SipService {
  const log = deps.logger.child({ component: 'sip' });
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  let bindings = deps.bindings;
  let dropCached: (keys: string[]) => void = () => {};
  let register = deps.register;
  if (deps.store && !bindings && !register) {
    const store = registryBindings(deps.store);
    const cached = cachedBindingSource(store, { ttlMs: deps.bindingCacheMs ?? 2000, max: 100_000 });
    dropCached = (keys) => {
      cached.invalidate(keys);
      resolver.forget(keys);
    };
    bindings = cached;
    register = createRegistrar({
      realm: deps.config.sip.realm,
      algorithms: deps.config.sip.digestAlgorithms,
      defaultCountry: deps.config.defaultCountry,
      credentials: registryCredentials(deps.store),
      bindings: store,
      log,
      onChange: (keys) => dropCached(keys),
    });
  }
  const bindingsTtlMs = deps.bindingCacheMs ?? 2000;
  const resolver = createResolver(deps.config, { bindings, bindingsTtlMs, limits });
  let lastWarn = 0;
  let quiet = 0;
  const resolve = async (uri: string, caller: CallerIdentity | undefined): Promise<RedirectDecision> => {
    const d = await resolver.decide(uri, caller);
    if (d.status >= 500) {
      // one line a second at most while DNS is down, with how many were not logged
      const now = Date.now();
      if (now - lastWarn >= 1000) {
        log.warn({ uri, status: d.status, why: d.warning, suppressed: quiet }, 'sip: resolution failed');
        lastWarn = now;
        quiet = 0;
      } else quiet++;
    }
    return d;
  };
  const redirector = createRedirector({
    resolve,
    register,
    log,
    transactions: { max: limits.transactions, ttlMs: 32_000 },
  });
  const sip = deps.config.sip;
  let udp: UdpTransport | null = null;
  let tcp: TcpTransport | null = null;
  let drachtio: DrachtioTransport | null = null;

  async function bindBoth(): Promise<number> {
    // UDP and TCP on the same port; with port 0 the kernel picks UDP's and TCP follows it
    for (let attempt = 0; ; attempt++) {
      udp = createUdpTransport(
        {
          addr: sip.addr,
          port: sip.port,
          maxMessage: limits.maxMessage,
          recvBufferSize: limits.udpBufferBytes,
        },
        redirector,
        log,
      );
      const port = await udp.start();
      tcp = createTcpTransport(
        {
          addr: sip.addr,
          port,
          maxMessage: limits.maxMessage,
          maxConnections: limits.maxTcpConnections,
          idleMs: limits.tcpIdleMs,
          maxQueuedBytes: 1024 * 1024,
        },
        redirector,
        log,
      );
      try {
        await tcp.start();
        return port;
      } catch (err) {
        await udp.stop();
        udp = null;
        tcp = null;
        if (sip.port !== 0 || attempt >= 10) throw err;
      }
    }
  }

  return {
    async start() {
      if (sip.transport === 'drachtio') {
        drachtio = createDrachtioTransport({ ...sip.drachtio, retryMaxDelayMs: 5000 }, redirector, log);
        await drachtio.start();
        log.info(
          { drachtio: `${sip.drachtio.host}:${sip.drachtio.port}` },
          'sip: redirector using drachtio-server',
        );
        return 0;
      }
      const port = await bindBoth();
      log.info({ addr: sip.addr, port }, 'sip: redirector listening (udp, tcp)');
      return port;
    },
    async stop() {
      await Promise.all([udp?.stop(), tcp?.stop(), drachtio?.stop()]);
      udp = tcp = null;
      drachtio = null;
      resolver.close();
    },
    redirector,
    resolver,
    stats: () => ({
      udp: { ...(udp?.stats ?? { received: 0, unanswered: 0, sent: 0 }) },
      tcpConnections: tcp?.connections ?? 0,
      dnsCacheEntries: resolver.cache.size,
      drachtioConnected: drachtio?.connected ?? false,
    }),
  };
}
