// Just enough transaction memory for a stateless redirect server to be consistent: a
// retransmitted request gets the same answer (also while it is still being resolved), a
// CANCEL finds the INVITE it refers to, and the To tag is a pure function of the request so
// that any redirector instance would choose the same one.
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Via } from './message.ts';
import type { SipResponseSpec } from './types.ts';

/** RFC 3261 §17.2.3 matching; pre-3261 branches fall back to the dialog and CSeq identifiers. */
export function transactionKey(
  via: Via,
  method: string,
  callId: string,
  fromTag: string | undefined,
  cseq: number,
): string {
  const m = method === 'ACK' ? 'INVITE' : method;
  const branch = via.params.get('branch');
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  if (branch?.startsWith('z9hG4bK')) return `${branch}|${sentBy}|${m}`;
  return `${callId}|${fromTag ?? ''}|${cseq}|${via.raw}|${m}`;
}

/** A To tag derived from the transaction: the same request always gets the same tag. */
export function toTagFor(key: string): string {
  return hash('sha1', key, 'hex').slice(0, 16);
}

interface Entry {
  response: Promise<SipResponseSpec | null>;
  done: boolean;
  /** Ends a pending INVITE with this response (CANCEL). */
  terminate: ((r: SipResponseSpec) => void) | undefined;
}

export interface Transactions {
  /** The answer given or being given to this transaction, if it is known. */
  get(key: string): Entry | undefined;
  /** Runs `work` once per transaction; retransmissions share its result. */
  run(
    key: string,
    work: () => Promise<SipResponseSpec | null>,
    cancellable: boolean,
  ): Promise<SipResponseSpec | null>;
  readonly size: number;
  /** Drops expired transactions now (they are otherwise dropped when asked for or evicted). */
  purgeStale(): void;
}

/**
 * `ttlMs`: how long answers are remembered (64*T1 = 32 s covers every retransmission); `max`:
 * how many (an answered INVITE costs ~700 bytes). Forgetting early is harmless: a retransmission
 * of a forgotten request is resolved again and gets the same To tag and, from the remembered
 * verdict, the same Contacts; only a CANCEL for it would get 481.
 */
export function createTransactions(max: number, ttlMs: number): Transactions {
  const cache = new LRUCache<string, Entry>({ max, ttl: ttlMs, updateAgeOnGet: false });
  return {
    get: (key) => cache.get(key),
    run(key, work, cancellable) {
      const existing = cache.get(key);
      if (existing) return existing.response;
      // one promise per transaction: the work's result or, first, a CANCEL's 487 settles it
      let settle!: (r: SipResponseSpec | null) => void;
      let fail!: (err: unknown) => void;
      const entry: Entry = {
        response: new Promise<SipResponseSpec | null>((resolve, reject) => {
          settle = resolve;
          fail = reject;
        }),
        done: false,
        terminate: undefined,
      };
      const finish = (r: SipResponseSpec | null) => {
        if (entry.done) return;
        entry.done = true;
        entry.terminate = undefined;
        settle(r);
      };
      if (cancellable) entry.terminate = finish;
      cache.set(key, entry);
      work().then(finish, (err) => {
        cache.delete(key); // an unexpected failure is not remembered: a retransmission retries
        if (!entry.done) {
          entry.done = true;
          fail(err);
        }
      });
      return entry.response;
    },
    get size() {
      return cache.size;
    },
    purgeStale() {
      cache.purgeStale();
    },
  };
}
