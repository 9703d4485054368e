// Wiring: resolution over DNS, the redirector core, and a transport (builtin UDP+TCP, or a
// drachtio-server connection). `callx serve` starts one of these per redirector.
import { type Clock, type Config, createLogLimiter, type Logger, type Store, systemClock } from '#core';
import type { SipMetrics } from '#metrics';
import type { StirCredentials } from '#registry';
import { type BindingSource, createResolver, type ResolverConfig, type ResolverHandle } from '#resolve';
import type { SipBilling } from './billing/authorize.ts';
import { createPartyState, EMPTY_PARTIES, type PartySource, registryParties } from './billing/parties.ts';
import { DEFAULT_LIMITS, type SipLimits } from './limits.ts';
import {
  createRedirector,
  type RedirectDecision,
  type RegisterFn,
  type ResolveCaller,
} from './redirector.ts';
import { createRegistrar } from './register/registrar.ts';
import {
  type BindingHealth,
  cachedBindingSource,
  registryBindings,
  registryCredentials,
  registryMemberAccounts,
  registryNonceSecret,
  registryTrustSource,
} from './register/stores.ts';
import { createSweeper } from './sweeper.ts';
import {
  createDrachtioTransport,
  type DrachtioHealth,
  type DrachtioTransport,
} from './transport/drachtio.ts';
import { createTcpTransport, type TcpTransport } from './transport/tcp.ts';
import { createUdpTransport, type UdpTransport } from './transport/udp.ts';
import { type AccountSource, cachedAccounts } from './trust/accounts.ts';
import { createTrustState, type TrustSource } from './trust/data.ts';
import { createDigestVerifier } from './trust/digest-auth.ts';
import { createEmergencyRoutes } from './trust/emergency-routes.ts';
import { createRateLimiter } from './trust/limits.ts';
import { createSigner, type Signer } from './trust/stir.ts';
import { createTrust, type TrustObserver } from './trust/trust.ts';
import type { AnswerObserver, Redirector } from './types.ts';

/** What a redirector is configured with; `stir` absent (a config built by hand): no signing. */
export type SipConfig = ResolverConfig & { stir?: Config['stir'] };

export interface SipServiceDeps {
  config: SipConfig;
  logger: Logger;
  /** The registry: with it REGISTER is served and registered terminals are reached first. */
  store?: Store;
  /** Where requests, DNS look-ups and table sizes are counted (`metrics.sip` of src/metrics). */
  metrics?: SipMetrics;
  /** How long a redirector trusts what it read about an identity's bindings (ms). */
  bindingCacheMs?: number;
  /** Overrides (tests): bindings and REGISTER handling not backed by `store`. */
  bindings?: BindingSource;
  register?: RegisterFn;
  limits?: Partial<SipLimits>;
  clock?: Clock;
  /** Members' accounts for call authentication when there is no `store` (tests, benchmarks). */
  accounts?: AccountSource;
  /** Trusted peers and policies when there is no `store` (tests, benchmarks). */
  trustSource?: TrustSource;
  /** The signing key and certificate (files, or the registry's demo key: src/main.ts); none: no Identity. */
  stir?: () => Promise<StirCredentials>;
  /** How often trusted peers and policies are read again (ms, default 5000). */
  trustRefreshMs?: number;
  /** How often call counts are shared with the other redirectors (ms, default 500). */
  limitSyncMs?: number;
  /** How long a signed PASSporT is reused for the same claims (s, default 1: its iat second; 0: never). */
  stirReuseS?: number;
  /**
   * The fee system's pre-call authorization (docs/billing.md, "On the SIP path"): src/main.ts
   * builds it from the registry's billing service. Without it no call is rated or signed.
   */
  billing?: SipServiceBilling;
}

/** The registry's authorizer as the redirector takes it, with what keeps its data fresh. */
export interface SipServiceBilling {
  authorize: SipBilling['authorize'];
  /** Gateways and carriers by host (default: the registry's routing data, with `store`). */
  parties?: PartySource;
  /** Before the first call: keys and rate book loaded. */
  start?(): Promise<void>;
  /** After the last: leases given back, the route log written. */
  stop?(): Promise<void>;
}

export interface SipService {
  /** Binds the sockets (or connects to drachtio-server); resolves to the port bound (0 for drachtio). */
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly redirector: Redirector;
  readonly resolver: ResolverHandle;
  /** Counters for metrics and tests. */
  stats(): SipStats;
  /** Drops expired entries from every table now (the sweeper does it on its own when quiet). */
  sweep(): void;
  /** The drachtio-server connection and the registry's bindings, as /readyz and metrics show them. */
  health(): SipHealth;
  /** /readyz checks: `sip_drachtio` (connected) with that transport, `sip_registry` (bindings answer) with a store. */
  readiness(): Record<string, boolean>;
  /** /readyz detail: countries served without an emergency route (`sip_emergency.missing`), when any. */
  readinessDetail(): Record<string, unknown>;
  /** The identity signer, once its key is loaded (null: signing off or not loaded). */
  signer(): Signer | null;
}

export interface SipHealth {
  /** With the drachtio transport. */
  drachtio?: DrachtioHealth;
  /** With a store: false while calls run on the bindings last read (degraded). */
  registry?: BindingHealth;
}

/** Entries in each bounded table (the `callx_sip_table_entries` gauge). */
export interface SipTables {
  transactions: number;
  verdicts: number;
  dns_cache: number;
  dns_inflight: number;
  parsed: number;
  bindings: number;
  tcp_connections: number;
  accounts: number;
  rate_keys: number;
}

export interface SipStats {
  udp: { received: number; unanswered: number; sent: number };
  tcpConnections: number;
  tcp: { refused: number; evicted: number; idleClosed: number };
  dnsCacheEntries: number;
  /** Estimated heap bytes of the cached DNS answers. */
  dnsCacheBytes: number;
  drachtioConnected: boolean;
  tables: SipTables;
}

export function createSipService(deps: SipServiceDeps): SipService {
  const log = deps.logger.child({ component: 'sip' });
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const clock = deps.clock ?? systemClock;
  const limiter = createLogLimiter(log, { clock });
  const bindingsTtlMs = deps.bindingCacheMs ?? 2000;
  let bindings = deps.bindings;
  let dropCached: (keys: string[]) => void = () => {};
  let register = deps.register;
  let bindingCache: ReturnType<typeof cachedBindingSource> | undefined;
  const realm = deps.config.sip.realm;
  // one digest verifier for REGISTER, INVITE and MESSAGE: one nonce secret, one replay table
  const verifier = createDigestVerifier({
    realm,
    algorithms: deps.config.sip.digestAlgorithms,
    clock,
    ...(deps.store ? { nonceSecret: registryNonceSecret(deps.store, clock) } : {}),
  });
  if (deps.store && !bindings && !register) {
    const store = registryBindings(deps.store, deps.config.sip.realm);
    const cached = cachedBindingSource(store, {
      ttlMs: bindingsTtlMs,
      max: limits.bindingCacheEntries,
      timeoutMs: limits.bindingTimeoutMs,
      clock,
      log,
    });
    bindingCache = cached;
    dropCached = (keys) => {
      cached.invalidate(keys);
      resolver.forget(keys);
    };
    bindings = cached;
    register = createRegistrar({
      realm,
      algorithms: deps.config.sip.digestAlgorithms,
      defaultCountry: deps.config.defaultCountry,
      credentials: registryCredentials(deps.store),
      bindings: store,
      verifier,
      log,
      clock,
      onChange: (keys) => dropCached(keys),
    });
  }
  const resolver = createResolver(deps.config, {
    bindings,
    bindingsTtlMs,
    limits,
    metrics: deps.metrics,
  });
  const resolve = async (uri: string, caller: ResolveCaller | undefined): Promise<RedirectDecision> => {
    const d = await resolver.decide(uri, caller);
    if (d.status >= 500 && d.status < 600) {
      // our failures (a 604 is an answer): one line per kind and window, with a count of the rest
      limiter.log(
        'warn',
        `resolve:${d.status}`,
        { uri, status: d.status, why: d.warning },
        `sip: ${uri}: resolution failed`,
      );
    }
    return d;
  };
  // who is calling and what they may reach (docs/trust.md)
  const accountSource = deps.accounts ?? (deps.store ? registryMemberAccounts(deps.store, realm) : undefined);
  const accounts = accountSource ? cachedAccounts(accountSource, { clock }) : undefined;
  const trustState = createTrustState({
    configured: deps.config.sip.trusted ?? [],
    source: deps.trustSource ?? (deps.store ? registryTrustSource(deps.store) : undefined),
    ...(deps.trustRefreshMs !== undefined ? { refreshMs: deps.trustRefreshMs } : {}),
    clock,
    log,
    limiter,
  });
  const rateLimiter = createRateLimiter({
    store: deps.store,
    clock,
    ...(deps.limitSyncMs !== undefined ? { syncMs: deps.limitSyncMs } : {}),
    log,
    limiter,
  });
  let signer: Signer | null = null;
  const m = deps.metrics;
  const observer: TrustObserver | undefined = m
    ? {
        caller: (kind) => m.caller(kind),
        refusal: (reason, kind) => m.refusal(reason, kind),
        identity: (outcome) => m.identity(outcome),
      }
    : undefined;
  const trust = createTrust({
    verifier,
    accounts,
    state: trustState,
    limits: rateLimiter,
    signer: () => signer,
    defaultCountry: deps.config.defaultCountry,
    clock,
    log,
    observer,
  });
  // checked through a resolver of its own: its queries neither count in the redirector's metrics
  // nor take the query slots calls need
  let checkResolver: ResolverHandle | undefined;
  const emergencyRoutes = createEmergencyRoutes({
    dns: {
      lookup: (name, type) => {
        checkResolver ??= createResolver(deps.config, { limits: { dnsCacheEntries: 1000, dnsInflight: 16 } });
        return checkResolver.cache.lookup(name, type);
      },
    },
    apex: deps.config.apex,
    log,
  });
  const stirConfig = deps.config.stir;
  let signerRetry: NodeJS.Timeout | undefined;
  async function loadSigner(): Promise<void> {
    if (!deps.stir || !stirConfig?.enabled) return;
    const creds = await deps.stir();
    signer = await createSigner({
      keyPem: creds.keyPem,
      certPem: creds.certPem,
      x5u: stirConfig.x5u,
      clock,
      ...(deps.stirReuseS !== undefined ? { reuseS: deps.stirReuseS } : {}),
    });
    log.info(
      { x5u: stirConfig.x5u, demo: creds.demo },
      creds.demo
        ? 'sip: stir: signing caller identities with the self-signed demo key (set CALLX_STIR_KEY and CALLX_STIR_CERT for a real one)'
        : 'sip: stir: signing caller identities',
    );
  }

  // the fee system: who is paid for a Contact (gateways and carriers by host), and the authorizer
  const partySource = deps.billing?.parties ?? (deps.store ? registryParties(deps.store) : undefined);
  const parties = partySource ? createPartyState({ source: partySource, clock, limiter }) : undefined;
  const billing: SipBilling | undefined = deps.billing
    ? {
        authorize: deps.billing.authorize,
        parties: () => parties?.table() ?? EMPTY_PARTIES,
      }
    : undefined;

  const redirector = createRedirector({
    resolve,
    register,
    log,
    clock,
    transactions: { max: limits.transactions, ttlMs: limits.transactionTtlMs },
    trust,
    billing,
  });

  // answered requests: counted for metrics, and for the sweeper to know when it is quiet
  let answered = 0;
  const metrics = deps.metrics;
  const observe: AnswerObserver = metrics
    ? (method, status, seconds) => {
        answered++;
        metrics.request(method, status, seconds);
      }
    : () => {
        answered++;
      };

  const sip = deps.config.sip;
  let udp: UdpTransport | null = null;
  let tcp: TcpTransport | null = null;
  let drachtio: DrachtioTransport | null = null;

  const tables = (): SipTables => {
    const r = resolver.tables();
    return {
      transactions: redirector.transactions.size,
      verdicts: r.verdicts,
      dns_cache: resolver.cache.size,
      dns_inflight: resolver.cache.inflight,
      parsed: r.parsed,
      bindings: bindingCache?.size ?? 0,
      tcp_connections: tcp?.connections ?? 0,
      accounts: accounts?.size ?? 0,
      rate_keys: rateLimiter.size,
    };
  };

  const sweep = () => {
    redirector.transactions.purgeStale();
    resolver.purgeStale();
    resolver.cache.purgeStale();
    bindingCache?.purgeStale();
    accounts?.purgeStale();
  };
  const sweeper = createSweeper({
    everyMs: limits.sweepMs,
    quietRate: limits.sweepQuietRate,
    answered: () => answered,
    sweep,
    now: () => clock.now(),
  });
  let forgetTables: (() => void) | undefined;
  let forgetHealth: (() => void) | undefined;

  const health = (): SipHealth => ({
    ...(drachtio ? { drachtio: drachtio.health() } : {}),
    ...(bindingCache ? { registry: bindingCache.health() } : {}),
  });
  const healthSample = () => {
    const h = health();
    return {
      ...(h.drachtio
        ? { drachtioConnected: h.drachtio.connected, drachtioConnects: h.drachtio.connects }
        : {}),
      ...(h.registry ? { registryDegraded: h.registry.degraded } : {}),
    };
  };

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
        observe,
      );
      const port = await udp.start();
      tcp = createTcpTransport(
        {
          addr: sip.addr,
          port,
          maxMessage: limits.maxMessage,
          maxConnections: limits.maxTcpConnections,
          maxPerSource: limits.maxTcpPerSource,
          idleMs: limits.tcpIdleMs,
          maxQueuedBytes: limits.tcpQueuedBytes,
        },
        redirector,
        log,
        observe,
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

  /** Trust data, shared counts, the signer and the emergency check: before the first request. */
  async function startTrust(): Promise<void> {
    await trustState.start();
    rateLimiter.start();
    try {
      await loadSigner();
    } catch (err) {
      // files named in the configuration must load; the registry's demo key is tried again
      if (stirConfig?.keyFile) throw err;
      log.warn(
        { err: (err as Error).message },
        'sip: stir: the demo signing key could not be read; trying again',
      );
      signerRetry = setInterval(() => {
        loadSigner().then(
          () => {
            clearInterval(signerRetry);
            signerRetry = undefined;
          },
          () => {},
        );
      }, 10_000);
      signerRetry.unref();
    }
    emergencyRoutes.start();
    // the fee system before the first call: keys, rate book, gateways and carriers
    await deps.billing?.start?.();
    await parties?.start();
  }

  return {
    async start() {
      await startTrust();
      if (sip.transport === 'drachtio') {
        drachtio = createDrachtioTransport(
          { ...sip.drachtio, retryMaxDelayMs: 5000 },
          redirector,
          log,
          observe,
        );
        await drachtio.start();
        sweeper.start();
        forgetTables = metrics?.tables(tables);
        forgetHealth = metrics?.health(healthSample);
        log.info(
          { drachtio: `${sip.drachtio.host}:${sip.drachtio.port}` },
          'sip: redirector using drachtio-server',
        );
        return 0;
      }
      const port = await bindBoth();
      sweeper.start();
      forgetTables = metrics?.tables(tables);
      forgetHealth = metrics?.health(healthSample);
      log.info({ addr: sip.addr, port }, 'sip: redirector listening (udp, tcp)');
      return port;
    },
    async stop() {
      sweeper.stop();
      forgetTables?.();
      forgetHealth?.();
      forgetTables = forgetHealth = undefined;
      limiter.flush();
      trustState.stop();
      emergencyRoutes.stop();
      checkResolver?.close();
      checkResolver = undefined;
      if (signerRetry) clearInterval(signerRetry);
      parties?.stop();
      await Promise.all([udp?.stop(), tcp?.stop(), drachtio?.stop(), rateLimiter.stop()]);
      // after the sockets: no call is authorized any more; leases given back, routes written
      await deps.billing?.stop?.();
      udp = tcp = null;
      drachtio = null;
      resolver.close();
    },
    redirector,
    resolver,
    stats: () => ({
      udp: { ...(udp?.stats ?? { received: 0, unanswered: 0, sent: 0 }) },
      tcpConnections: tcp?.connections ?? 0,
      tcp: { ...(tcp?.stats ?? { refused: 0, evicted: 0, idleClosed: 0 }) },
      dnsCacheEntries: resolver.cache.size,
      dnsCacheBytes: resolver.cache.bytes,
      drachtioConnected: drachtio?.connected ?? false,
      tables: tables(),
    }),
    sweep,
    health,
    readiness() {
      const h = health();
      return {
        ...(h.drachtio ? { sip_drachtio: h.drachtio.connected } : {}),
        ...(h.registry ? { sip_registry: !h.registry.degraded } : {}),
      };
    },
    readinessDetail() {
      const missing = emergencyRoutes.missing();
      return missing && missing.length > 0
        ? { sip_emergency: { missing, why: 'countries with a center and no <cc>.emergency route' } }
        : {};
    },
    signer: () => signer,
  };
}
