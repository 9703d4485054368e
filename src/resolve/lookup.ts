// One tree consulted: a NAPTR query (through the cache), the records processed, non-terminal
// records followed, and every step written down for `callx resolve`.

import type { DnsCache, LookupResult } from './cache.ts';
import { DnsError, type DnsRecord } from './dns-client.ts';
import { type EvaluatedNaptr, type Naptr, processNaptrs } from './naptr.ts';

export const TYPE_NAPTR = 35;
export const TYPE_TXT = 16;
/** Non-terminal NAPTRs followed at most this deep (RFC 3402 §4 asks clients to bound loops). */
export const MAX_NONTERMINAL_HOPS = 5;

export interface QueryStep {
  tree: string;
  name: string;
  type: 'NAPTR' | 'TXT';
  outcome: LookupResult['outcome'] | 'FAILED';
  ttl: number;
  cached: boolean;
  ms: number;
  server: string;
  transport: 'udp' | 'tcp' | '';
  records: DnsRecord[];
  soa: DnsRecord | undefined;
  error?: string;
  naptrs?: EvaluatedNaptr[];
}

/** A DNS failure on a look-up whose answer we need: the call gets 503. */
export class ResolutionUnavailable extends Error {
  override name = 'ResolutionUnavailable';
}

export interface ChainResult {
  outcome: LookupResult['outcome'];
  /** Usable results in NAPTR order: a SIP URI, or an E.164 number (from E2U+tel) for the PSTN tree. */
  items: ({ sip: string } | { tel: string })[];
  sip: { uri: string; name: string }[];
  tel: string[];
  services: { service: string; uri: string }[];
}

export function toNaptr(r: DnsRecord): Naptr {
  return {
    order: Number(r.order),
    preference: Number(r.preference),
    flags: String(r.flags ?? ''),
    services: String(r.service ?? ''),
    regexp: String(r.regexp ?? ''),
    replacement: r.replacement ? String(r.replacement) : '.',
  };
}

// The same cached records are processed on every call: remember the evaluation per records array.
const evaluatedMemo = new WeakMap<DnsRecord[], Map<string, EvaluatedNaptr[]>>();

function evaluate(records: DnsRecord[], aus: string): EvaluatedNaptr[] {
  let byAus = evaluatedMemo.get(records);
  if (!byAus) {
    byAus = new Map();
    evaluatedMemo.set(records, byAus);
  }
  let ev = byAus.get(aus);
  if (!ev) {
    ev = processNaptrs(records.map(toNaptr), aus);
    if (byAus.size < 64) byAus.set(aus, ev);
  }
  return ev;
}

/** Queries NAPTR (or TXT) at `name`; a failure throws ResolutionUnavailable after recording the step. */
export async function lookupStep(
  dns: DnsCache,
  tree: string,
  name: string,
  steps: QueryStep[],
  type: 'NAPTR' | 'TXT' = 'NAPTR',
): Promise<QueryStep> {
  let r: LookupResult;
  try {
    r = await dns.lookup(name, type === 'NAPTR' ? TYPE_NAPTR : TYPE_TXT);
  } catch (err) {
    const step: QueryStep = {
      tree,
      name,
      type,
      outcome: 'FAILED',
      ttl: 0,
      cached: false,
      ms: 0,
      server: '',
      transport: '',
      records: [],
      soa: undefined,
      error: (err as Error).message,
    };
    steps.push(step);
    if (err instanceof DnsError) throw new ResolutionUnavailable(err.message); // it names the query
    throw new ResolutionUnavailable(`sip: resolve: ${name}: ${(err as Error).message}`);
  }
  const step: QueryStep = {
    tree,
    name,
    type,
    outcome: r.outcome,
    ttl: r.ttl,
    cached: r.cached,
    ms: r.ms,
    server: r.server,
    transport: r.transport,
    records: r.records,
    soa: r.soa,
  };
  steps.push(step);
  return step;
}

/** Looks up `name` and follows what the NAPTRs say, in order; results keep the records' order. */
export async function naptrChain(
  dns: DnsCache,
  tree: string,
  name: string,
  aus: string,
  steps: QueryStep[],
  hops = 0,
  visited: Set<string> = new Set(),
): Promise<ChainResult> {
  visited.add(name);
  const step = await lookupStep(dns, tree, name, steps);
  const out: ChainResult = {
    outcome: step.outcome as LookupResult['outcome'],
    items: [],
    sip: [],
    tel: [],
    services: [],
  };
  if (step.records.length === 0) return out;
  const evaluated = evaluate(step.records, aus);
  step.naptrs = evaluated;
  for (const e of evaluated) {
    const v = e.verdict;
    if (v.use === 'web' || v.use === 'email') out.services.push({ service: v.service, uri: v.uri });
    if (!e.chosen) continue;
    if (v.use === 'sip') {
      out.sip.push({ uri: v.uri, name });
      out.items.push({ sip: v.uri });
    } else if (v.use === 'tel') {
      out.tel.push(v.e164);
      out.items.push({ tel: v.e164 });
    } else if (v.use === 'next') {
      if (hops >= MAX_NONTERMINAL_HOPS || visited.has(v.domain)) continue; // loop or too deep: skip it
      const sub = await naptrChain(dns, tree, v.domain, aus, steps, hops + 1, visited);
      out.items.push(...sub.items);
      out.sip.push(...sub.sip);
      out.tel.push(...sub.tel);
      out.services.push(...sub.services);
    }
  }
  return out;
}
