// DNS answers cached for their TTL, negative answers for the SOA minimum (RFC 2308 §5), and
// concurrent look-ups of the same name sharing one query.
import { LRUCache } from 'lru-cache';
import type { DnsClient, DnsRecord, DnsResponse } from './dns-client.ts';

export type Outcome = 'NOERROR' | 'NODATA' | 'NXDOMAIN';

export interface LookupResult {
  name: string;
  type: number;
  outcome: Outcome;
  /** Records of the asked type (after following a CNAME in the answer). */
  records: DnsRecord[];
  /** Seconds the answer may be kept: the smallest TTL, or the negative TTL; 0 means not cached. */
  ttl: number;
  /** The SOA that came with a negative answer, for the record of the decision. */
  soa: DnsRecord | undefined;
  server: string;
  transport: 'udp' | 'tcp';
  /** When this answer came from the cache rather than the network. */
  cached: boolean;
  /** Wall time the network query took (0 from the cache). */
  ms: number;
}

export interface DnsCacheOptions {
  /** Largest number of cached answers. */
  max: number;
  /** Ceiling on any TTL, seconds (RFC 8767 suggests a week at most; we keep answers fresher). */
  maxTtl: number;
  now?: () => number;
}

const TYPE_CNAME = 5;
const TYPE_SOA = 6;

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** Interprets a response for (name, type): follows CNAMEs within the answer, derives the TTL. */
export function interpret(name: string, type: number, r: DnsResponse): Omit<LookupResult, 'cached' | 'ms'> {
  let target = norm(name);
  let minTtl = Number.POSITIVE_INFINITY;
  for (let hops = 0; hops < 8; hops++) {
    const cname = r.answers.find((a) => a.type === TYPE_CNAME && norm(a.name) === target);
    if (!cname || type === TYPE_CNAME) break;
    minTtl = Math.min(minTtl, cname.ttl);
    target = norm(String(cname.domain ?? ''));
  }
  const records = r.answers.filter((a) => a.type === type && norm(a.name) === target);
  const soa = r.authorities.find((a) => a.type === TYPE_SOA);
  if (records.length > 0) {
    for (const rec of records) minTtl = Math.min(minTtl, rec.ttl);
    return {
      name,
      type,
      outcome: 'NOERROR',
      records,
      ttl: minTtl,
      soa: undefined,
      server: r.server,
      transport: r.transport,
    };
  }
  // RFC 2308 §5: a negative answer lives for min(SOA TTL, SOA MINIMUM); without an SOA it is not cached.
  const negTtl = soa ? Math.min(soa.ttl, Number(soa.minimum ?? 0)) : 0;
  return {
    name,
    type,
    outcome: r.rcode === 3 ? 'NXDOMAIN' : 'NODATA',
    records: [],
    ttl: Math.min(negTtl, minTtl),
    soa,
    server: r.server,
    transport: r.transport,
  };
}

export interface DnsCache {
  lookup(name: string, type: number): Promise<LookupResult>;
  /** Number of answers held, for metrics. */
  readonly size: number;
  clear(): void;
}

export function createDnsCache(client: DnsClient, opts: DnsCacheOptions): DnsCache {
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, Omit<LookupResult, 'cached' | 'ms'>>({
    max: opts.max,
    ttlAutopurge: false,
    ttlResolution: 0,
    perf: { now },
  });
  const inflight = new Map<string, Promise<LookupResult>>();

  async function fetch(key: string, name: string, type: number): Promise<LookupResult> {
    const t0 = performance.now();
    try {
      const r = await client.query(name, type);
      const res = interpret(name, type, r);
      const ttl = Math.min(res.ttl, opts.maxTtl);
      if (ttl > 0) cache.set(key, { ...res, ttl }, { ttl: ttl * 1000 });
      return { ...res, ttl, cached: false, ms: performance.now() - t0 };
    } finally {
      inflight.delete(key);
    }
  }

  return {
    lookup(name, type) {
      const key = `${type}|${norm(name)}`;
      const hit = cache.get(key);
      if (hit) {
        const remaining = Math.max(0, Math.ceil(cache.getRemainingTTL(key) / 1000));
        return Promise.resolve({ ...hit, ttl: remaining, cached: true, ms: 0 });
      }
      let p = inflight.get(key);
      if (!p) {
        p = fetch(key, name, type);
        inflight.set(key, p);
      }
      return p;
    },
    get size() {
      return cache.size;
    },
    clear() {
      cache.clear();
    },
  };
}
