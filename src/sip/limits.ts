// Bounds on everything one redirector holds (docs/sip.md, "Memory").

/**
 * The heap figures are measured per entry on Node 24; at these defaults the tables stay under
 * ~170 MB however hard the redirector is driven (plus TCP buffers of peers that stop reading),
 * and expired entries are dropped once it is quiet again (sweeper.ts).
 */
export interface SipLimits {
  maxMessage: number;
  maxTcpConnections: number;
  tcpIdleMs: number;
  /** Answers queued to a TCP peer that does not read them; past this the connection is closed. */
  tcpQueuedBytes: number;
  /** Kernel socket buffers (not the heap). */
  udpBufferBytes: number;
  /** DNS answers cached (0.7-1.5 KB each) ... */
  dnsCacheEntries: number;
  /** ... and their estimated bytes at most (an answer may hold many NAPTRs). */
  dnsCacheBytes: number;
  dnsMaxTtl: number;
  /** DNS queries waiting for an answer at once (~1.5 KB each); past this a call gets 503 at once. */
  dnsInflight: number;
  /** Transactions remembered for retransmissions and CANCEL (~700 bytes each) ... */
  transactions: number;
  /** ... each for this long (64*T1). */
  transactionTtlMs: number;
  /** Parsed identifiers remembered (~400 bytes each; libphonenumber is the slowest step on a hit). */
  parseCacheEntries: number;
  /** SIP verdicts remembered for the smallest TTL of the answers they used (~400 bytes each) ... */
  verdictCacheEntries: number;
  /** ... and their estimated bytes at most (a verdict holds up to 16 Contacts). */
  verdictCacheBytes: number;
  /** Identities whose registered terminals are remembered (for bindingCacheMs). */
  bindingCacheEntries: number;
  /** How often the sweeper looks; it drops expired entries when the last interval was quiet ... */
  sweepMs: number;
  /** ... that is, had fewer answered requests a second than this. */
  sweepQuietRate: number;
}

export const DEFAULT_LIMITS: SipLimits = {
  maxMessage: 16 * 1024,
  maxTcpConnections: 1024,
  tcpIdleMs: 60_000,
  tcpQueuedBytes: 64 * 1024,
  udpBufferBytes: 4 * 1024 * 1024,
  dnsCacheEntries: 100_000,
  dnsCacheBytes: 64 * 1024 * 1024,
  dnsMaxTtl: 86_400,
  dnsInflight: 10_000,
  transactions: 50_000,
  transactionTtlMs: 32_000,
  parseCacheEntries: 20_000,
  verdictCacheEntries: 50_000,
  verdictCacheBytes: 32 * 1024 * 1024,
  bindingCacheEntries: 50_000,
  sweepMs: 10_000,
  sweepQuietRate: 1000,
};
