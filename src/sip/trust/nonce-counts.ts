// Nonce counts seen per nonce (RFC 7616 §3.4: a UA counts up, nc, the requests it makes with one
// nonce, so a count used twice is a replay). Requests over UDP arrive out of order — a lost
// INVITE's retransmission (500 ms, 1 s, 2 s ... later: thousands of counts behind at a busy
// UA's rate) comes after later ones — so a count below the highest seen is accepted once if it
// was skipped: the counts jumped over are kept as gaps, each used at most once. In order there
// are no gaps; they cost memory only while requests are missing, bounded per nonce (the oldest
// dropped first: refused if it still comes) and in all (then a jump keeps none).
import { LRUCache } from 'lru-cache';

/** Skipped counts kept per nonce. */
export const MAX_GAPS = 4096;
/** Skipped counts kept over all nonces (~20 octets each). */
export const MAX_GAPS_TOTAL = 262_144;

interface Seen {
  /** The highest count accepted. */
  max: number;
  /** Counts below `max` not used yet, in rising order. */
  gaps: Set<number> | null;
}

export interface NonceCounts {
  /** Records `nc` for `nonce`; false when it was used already (or skipped too long ago). */
  use(nonce: string, nc: number): boolean;
  /** Skipped counts kept in all (tests, metrics). */
  readonly gaps: number;
}

export function createNonceCounts(o: {
  max: number;
  ttlMs: number;
  maxGaps?: number;
  maxGapsTotal?: number;
}) {
  const perNonce = o.maxGaps ?? MAX_GAPS;
  const budget = o.maxGapsTotal ?? MAX_GAPS_TOTAL;
  let total = 0;
  const table = new LRUCache<string, Seen>({
    max: o.max,
    ttl: o.ttlMs,
    dispose: (s) => {
      total -= s.gaps?.size ?? 0;
    },
  });

  /** Records the counts in (from, to) as skipped, the newest first within the bounds. */
  function skip(s: Seen, from: number, to: number): void {
    const room = Math.min(perNonce, budget - total);
    const first = Math.max(from + 1, to - room);
    if (first >= to) return;
    s.gaps ??= new Set();
    for (let c = first; c < to; c++) s.gaps.add(c);
    total += to - first;
    // the oldest beyond the bound go (a Set iterates in insertion order: rising counts)
    for (const c of s.gaps) {
      if (s.gaps.size <= perNonce) break;
      s.gaps.delete(c);
      total--;
    }
  }

  const counts: NonceCounts = {
    get gaps() {
      return total;
    },
    use(nonce, nc) {
      const s = table.get(nonce);
      if (!s) {
        const fresh: Seen = { max: nc, gaps: null };
        skip(fresh, 0, nc); // a UA's first requests may be the lost ones
        table.set(nonce, fresh);
        return true;
      }
      if (nc > s.max) {
        skip(s, s.max, nc);
        s.max = nc;
        return true;
      }
      if (!s.gaps?.delete(nc)) return false;
      total--;
      if (s.gaps.size === 0) s.gaps = null;
      return true;
    },
  };
  return counts;
}
