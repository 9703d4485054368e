// The trust data a redirector holds in memory: trusted peers (CALLX_SIP_TRUSTED and the routing
// data's `trust` settings) and the call policies, read from the registry at start and every
// `refreshMs` after (a change made over the API reaches every redirector within that time).
// While the registry fails, the data last read stays in force.
import { LRUCache } from 'lru-cache';
import type { CallPolicyRules, Clock, Logger, LogLimiter } from '#core';
import { type AddressSet, addressSet } from './addresses.ts';
import { createPolicies, type Policies } from './policy.ts';
import type { TrustedPeer } from './types.ts';

export interface TrustData {
  peers: TrustedPeer[];
  /** Policy documents by `_id`. */
  policies: Map<string, CallPolicyRules>;
}

export interface TrustSource {
  load(): Promise<TrustData>;
}

export interface TrustState {
  /** The peer a request from this address is, when that peer needs no digest. */
  peerBySource(addr: string): TrustedPeer | null;
  /** The peer whose digest username this is ('gateway:gw-kr'), and whether the address is one of its own. */
  peerByUsername(username: string, addr: string): TrustedPeer | null;
  readonly policies: Policies;
  /** Peers known (metrics, tests). */
  readonly peers: number;
  /** Reads the registry now. */
  refresh(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
}

interface Held {
  peer: TrustedPeer;
  sources: AddressSet;
}

export function createTrustState(deps: {
  /** CALLX_SIP_TRUSTED: one configured peer per address or prefix. */
  configured: readonly string[];
  source?: TrustSource | undefined;
  refreshMs?: number;
  clock: Clock;
  log: Logger;
  limiter: LogLimiter;
}): TrustState {
  const configured: TrustedPeer[] = deps.configured.map((s) => ({
    id: `configured:${s}`,
    kind: 'configured',
    country: null,
    sources: [s],
  }));
  let held: Held[] = [];
  let byName = new Map<string, Held>();
  const bySource = new LRUCache<string, { peer: TrustedPeer | null }>({ max: 10_000 });
  const policies = createPolicies();
  let timer: NodeJS.Timeout | undefined;

  function install(peers: TrustedPeer[]): void {
    held = [...configured, ...peers].map((peer) => ({ peer, sources: addressSet(peer.sources) }));
    byName = new Map(held.filter((h) => h.peer.digest).map((h) => [h.peer.digest!.username, h]));
    bySource.clear();
  }
  install([]);

  async function refresh(): Promise<void> {
    if (!deps.source) return;
    try {
      const data = await deps.source.load();
      install(data.peers);
      policies.replace(data.policies);
    } catch (err) {
      deps.limiter.log(
        'warn',
        'trust:refresh',
        { err: (err as Error).message },
        'sip: trust: reading trusted peers and policies from the registry failed; keeping what was read',
      );
    }
  }

  return {
    peerBySource(addr) {
      const hit = bySource.get(addr);
      if (hit) return hit.peer;
      const h = held.find((x) => !x.peer.digest && x.sources.has(addr));
      const peer = h?.peer ?? null;
      bySource.set(addr, { peer });
      return peer;
    },
    peerByUsername(username, addr) {
      const h = byName.get(username);
      if (!h) return null;
      // a peer with sources must also send from one of them
      return h.peer.sources.length === 0 || h.sources.has(addr) ? h.peer : null;
    },
    policies,
    get peers() {
      return held.length;
    },
    refresh,
    async start() {
      await refresh();
      if (deps.source && !timer) {
        timer = setInterval(() => void refresh(), deps.refreshMs ?? 5000);
        timer.unref();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
