// The open change step of a zone: the net records removed and added since it opened, keyed by
// owner, type, TTL and RDATA, so an addition cancels a pending removal and vice versa. A closed
// step is what IXFR serves (RFC 1995).
import type { Labels } from '#wire';
import { nameKey, rdataKey } from '#wire';
import type { RR, RRsetData } from './types.ts';

export class PendingChanges {
  private readonly removed = new Map<string, RR>();
  private readonly added = new Map<string, RR>();

  /** Records removed or added (net). */
  get size(): number {
    return this.removed.size + this.added.size;
  }

  /** One owner+type went from `before` to `after`. */
  record(owner: Labels, type: number, before: RRsetData | undefined, after: RRsetData | undefined): void {
    const ok = nameKey(owner);
    const ttlChanged = before && after && before.ttl !== after.ttl;
    const afterKeys = new Set(after?.rdatas.map(rdataKey));
    const beforeKeys = new Set(before?.rdatas.map(rdataKey));
    for (const rd of before?.rdatas ?? []) {
      const rk = rdataKey(rd);
      if (ttlChanged || !afterKeys.has(rk)) {
        const k = `${ok}|${type}|${before!.ttl}|${rk}`;
        if (!this.added.delete(k)) this.removed.set(k, { owner, type, ttl: before!.ttl, rdata: rd });
      }
    }
    for (const rd of after?.rdatas ?? []) {
      const rk = rdataKey(rd);
      if (ttlChanged || !beforeKeys.has(rk)) {
        const k = `${ok}|${type}|${after!.ttl}|${rk}`;
        if (!this.removed.delete(k)) this.added.set(k, { owner, type, ttl: after!.ttl, rdata: rd });
      }
    }
  }

  take(): { removed: RR[]; added: RR[] } {
    return { removed: [...this.removed.values()], added: [...this.added.values()] };
  }
}
