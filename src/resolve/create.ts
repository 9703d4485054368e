// The resolver a process runs: a DNS client to CALLX_SIP_RESOLVERS, the TTL cache in front of
// it, and the resolution over both. The redirector, `callx resolve`, GET /v1/resolve and the
// number pages all use one of these, so they decide alike.
import type { Config } from '#core';
import { createDnsCache, type DnsCache, type LookupOutcome } from './cache.ts';
import { createDnsClient, type DnsClient } from './dns-client.ts';
import { createResolution } from './resolver.ts';
import type { BindingSource, Resolution } from './types.ts';

export type ResolverConfig = Pick<Config, 'apex' | 'defaultCountry'> & { sip: Config['sip'] };

/** Bounds on the resolver's tables (docs/sip.md, "Memory"). */
export interface ResolveLimits {
  /** DNS answers cached (0.7-1.5 KB each) ... */
  dnsCacheEntries: number;
  /** ... and their estimated bytes at most (an answer may hold many NAPTRs). */
  dnsCacheBytes: number;
  dnsMaxTtl: number;
  /** DNS queries waiting for an answer at once (~1.5 KB each); past this a call gets 503 at once. */
  dnsInflight: number;
  /** Parsed identifiers remembered (~400 bytes each; libphonenumber is the slowest step on a hit). */
  parseCacheEntries: number;
  /** Verdicts remembered for the smallest TTL of the answers they used (~400 bytes each) ... */
  verdictCacheEntries: number;
  /** ... and their estimated bytes at most (a verdict holds up to 16 Contacts). */
  verdictCacheBytes: number;
}

export const DEFAULT_RESOLVE_LIMITS: ResolveLimits = {
  dnsCacheEntries: 100_000,
  dnsCacheBytes: 64 * 1024 * 1024,
  dnsMaxTtl: 86_400,
  dnsInflight: 10_000,
  parseCacheEntries: 20_000,
  verdictCacheEntries: 50_000,
  verdictCacheBytes: 32 * 1024 * 1024,
};

/** Where DNS look-ups are counted (the `lookup` of metrics.sip). */
export interface LookupObserver {
  lookup(outcome: LookupOutcome, cached: boolean, seconds: number): void;
}

/** Resolution over DNS with its cache. */
export interface ResolverHandle extends Resolution {
  readonly cache: DnsCache;
  close(): void;
}

export function createResolver(
  config: ResolverConfig,
  opts: {
    bindings?: BindingSource | undefined;
    bindingsTtlMs?: number;
    limits?: Partial<ResolveLimits>;
    metrics?: LookupObserver | undefined;
  } = {},
): ResolverHandle {
  const limits = { ...DEFAULT_RESOLVE_LIMITS, ...opts.limits };
  const client: DnsClient = createDnsClient({
    resolvers: config.sip.resolvers,
    timeoutMs: config.sip.dnsTimeoutMs,
    tries: config.sip.dnsTries,
    maxInflight: limits.dnsInflight,
  });
  const metrics = opts.metrics;
  const cache = createDnsCache(client, {
    max: limits.dnsCacheEntries,
    maxBytes: limits.dnsCacheBytes,
    maxTtl: limits.dnsMaxTtl,
    ...(metrics ? { observe: (o, c, s) => metrics.lookup(o, c, s) } : {}),
  });
  const resolution = createResolution({
    apex: config.apex,
    realm: config.sip.realm,
    enumSuffixes: config.sip.enumSuffixes,
    ownedRanges: config.sip.ownedRanges,
    defaultCountry: config.defaultCountry,
    dns: cache,
    bindings: opts.bindings,
    parseCacheEntries: limits.parseCacheEntries,
    verdictCacheEntries: limits.verdictCacheEntries,
    verdictCacheBytes: limits.verdictCacheBytes,
    ...(opts.bindingsTtlMs !== undefined ? { bindingsTtlMs: opts.bindingsTtlMs } : {}),
  });
  return { ...resolution, cache, close: () => client.close() };
}
