// DNS answers cached for their TTL, negative answers for the SOA minimum (RFC 2308 §5), and
// concurrent look-ups of the same name sharing one query.
import { LRUCache } from 'lru-cache';
import {
  type DnsClient,
  DnsOverloadError,
  type DnsRecord,
  type DnsResponse,
  DnsTimeoutError,
} from './dns-client.ts';

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

/** How a look-up ended, for metrics. */
export type LookupOutcome = 'answer' | 'nxdomain' | 'nodata' | 'timeout' | 'error' | 'overload';

export interface DnsCacheOptions {
  /** Largest number of cached answers. */
  max: number;
  /**
   * Largest estimated heap held by cached answers, bytes (entrySize): answers differ a lot in
   * size (a negative answer, a dozen NAPTRs), so a count alone does not bound memory.
   */
  maxBytes?: number;
  /** Ceiling on any TTL, seconds (RFC 8767 suggests a week at most; we keep answers fresher). */
  maxTtl: number;
  now?: () => number;
  /** Called once per look-up (metrics): how it ended, whether the cache answered, how long it took. */
  observe?: (outcome: LookupOutcome, cached: boolean, seconds: number) => void;
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
  /** Estimated bytes held (see entrySize). */
  readonly bytes: number;
  /** Look-ups waiting for the network. */
  readonly inflight: number;
  /** Drops expired answers now (they are otherwise dropped only when asked for or evicted). */
  purgeStale(): void;
  clear(): void;
}

type Entry = Omit<LookupResult, 'cached' | 'ms'>;

/**
 * Rough heap bytes of a cached answer, to bound the cache. Measured on Node 24 (heap growth per
 * answer after a full GC): a negative answer with its SOA 0.7-1.5 KB, a one-NAPTR answer with
 * the evaluation lookup.ts remembers for it ~1.5 KB; this gives ~1.5 and ~1.6 KB, so the bound
 * errs on the safe side.
 */
export function entrySize(key: string, e: Entry): number {
  let n = 700 + key.length * 2;
  const rec = (r: DnsRecord) => {
    n += 500;
    for (const k in r) {
      const v = r[k];
      if (typeof v === 'string') n += v.length * 4; // the record's strings and their evaluation
    }
  };
  for (const r of e.records) rec(r);
  if (e.soa) rec(e.soa);
  return Math.ceil(n);
}

function outcomeOf(r: Entry): LookupOutcome {
  return r.outcome === 'NOERROR' ? 'answer' : r.outcome === 'NXDOMAIN' ? 'nxdomain' : 'nodata';
}

function failureOf(err: unknown): LookupOutcome {
  return err instanceof DnsOverloadError ? 'overload' : err instanceof DnsTimeoutError ? 'timeout' : 'error';
}

export function createDnsCache(client: DnsClient, opts: DnsCacheOptions): DnsCache {
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, Entry>({
    max: opts.max,
    ...(opts.maxBytes !== undefined
      ? { maxSize: opts.maxBytes, sizeCalculation: (v, k) => entrySize(k, v) }
      : {}),
    ttlAutopurge: false,
    ttlResolution: 0,
    perf: { now },
  });
  // one entry per name being asked; bounded by the client's own bound on queries in flight
  const inflight = new Map<string, Promise<LookupResult>>();
  const observe = opts.observe;

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

  function lookup(name: string, type: number): Promise<LookupResult> {
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
  }

  return {
    lookup: observe
      ? (name, type) => {
          const t0 = performance.now();
          return lookup(name, type).then(
            (r) => {
              observe(outcomeOf(r), r.cached, (performance.now() - t0) / 1000);
              return r;
            },
            (err: unknown) => {
              observe(failureOf(err), false, (performance.now() - t0) / 1000);
              throw err;
            },
          );
        }
      : lookup,
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize ?? 0;
    },
    get inflight() {
      return inflight.size;
    },
    purgeStale() {
      cache.purgeStale();
    },
    clear() {
      cache.clear();
    },
  };
}
