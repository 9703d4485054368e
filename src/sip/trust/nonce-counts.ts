// Nonce counts seen per nonce (RFC 7616 §3.4: a UA counts up, nc, the requests it makes with one
// nonce, so a count used twice is a replay). Requests over UDP arrive out of order — a lost
// INVITE's retransmission comes after later ones — and a UA may send several at once, so a count
// is accepted once within a window below the highest seen, as IPsec's anti-replay window
// accepts sequence numbers (RFC 4303 §3.4.3); counts older than the window are refused.
import { LRUCache } from 'lru-cache';

/** Counts accepted below the highest one seen. */
export const NC_WINDOW = 256;
const WORDS = NC_WINDOW / 32;

interface Seen {
  /** The highest count accepted. */
  max: number;
  /** Bit (c mod NC_WINDOW) set when count c, max − NC_WINDOW < c ≤ max, was accepted. */
  bits: Uint32Array;
}

export interface NonceCounts {
  /** Records `nc` for `nonce`; false when it was seen already or is older than the window. */
  use(nonce: string, nc: number): boolean;
}

export function createNonceCounts(o: { max: number; ttlMs: number }): NonceCounts {
  const table = new LRUCache<string, Seen>({ max: o.max, ttl: o.ttlMs });
  const bit = (s: Seen, c: number) => (s.bits[(c % NC_WINDOW) >>> 5]! >>> (c & 31)) & 1;
  const set = (s: Seen, c: number) => {
    s.bits[(c % NC_WINDOW) >>> 5]! |= 1 << (c & 31);
  };
  const clear = (s: Seen, c: number) => {
    s.bits[(c % NC_WINDOW) >>> 5]! &= ~(1 << (c & 31));
  };
  return {
    use(nonce, nc) {
      let s = table.get(nonce);
      if (!s) {
        s = { max: nc, bits: new Uint32Array(WORDS) };
        set(s, nc);
        table.set(nonce, s);
        return true;
      }
      if (nc > s.max) {
        // the slots between the old and the new highest count are counts not seen yet
        if (nc - s.max >= NC_WINDOW) s.bits.fill(0);
        else for (let c = s.max + 1; c < nc; c++) clear(s, c);
        s.max = nc;
        set(s, nc);
        return true;
      }
      if (nc <= s.max - NC_WINDOW || bit(s, nc)) return false;
      set(s, nc);
      return true;
    },
  };
}
