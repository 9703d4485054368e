// Bounds on everything one redirector holds (docs/sip.md, "Memory"): its resolver's tables
// (src/resolve) and its own.
import { DEFAULT_RESOLVE_LIMITS, type ResolveLimits } from '#resolve';

/**
 * The heap figures are measured per entry on Node 24; at these defaults the tables stay under
 * ~170 MB however hard the redirector is driven (plus TCP buffers of peers that stop reading),
 * and expired entries are dropped once it is quiet again (sweeper.ts).
 */
export interface SipLimits extends ResolveLimits {
  maxMessage: number;
  /** TCP connections in all; when all are taken, the one idle the longest is closed for a new client. */
  maxTcpConnections: number;
  /** TCP connections from one source address; more are refused. */
  maxTcpPerSource: number;
  /** A TCP connection without a complete message for this long is closed (partial bytes and pings do not count). */
  tcpIdleMs: number;
  /** Answers queued to a TCP peer that does not read them; past this the connection is closed. */
  tcpQueuedBytes: number;
  /** Kernel socket buffers (not the heap). */
  udpBufferBytes: number;
  /** Transactions remembered for retransmissions and CANCEL (~700 bytes each) ... */
  transactions: number;
  /** ... each for this long (64*T1). */
  transactionTtlMs: number;
  /** Identities whose registered terminals are remembered (for bindingCacheMs; the last read serves while the registry fails). */
  bindingCacheEntries: number;
  /** Longest a call waits for the registry's bindings (ms); then it goes on without them (degraded). */
  bindingTimeoutMs: number;
  /** How often the sweeper looks; it drops expired entries when the last interval was quiet ... */
  sweepMs: number;
  /** ... that is, had fewer answered requests a second than this. */
  sweepQuietRate: number;
}

export const DEFAULT_LIMITS: SipLimits = {
  ...DEFAULT_RESOLVE_LIMITS,
  maxMessage: 16 * 1024,
  maxTcpConnections: 1024,
  maxTcpPerSource: 64,
  tcpIdleMs: 60_000,
  tcpQueuedBytes: 64 * 1024,
  udpBufferBytes: 4 * 1024 * 1024,
  transactions: 50_000,
  transactionTtlMs: 32_000,
  bindingCacheEntries: 50_000,
  bindingTimeoutMs: 300,
  sweepMs: 10_000,
  sweepQuietRate: 1000,
};
