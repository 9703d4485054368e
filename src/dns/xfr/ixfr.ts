// IXFR (RFC 1995) from the zone's change steps: the differences from the client's serial to
// the current one, or null when the history does not reach back that far (the caller then
// falls back to AXFR, RFC 1995 §4).
import type { ChangeStep, RRset } from '../model/types.ts';
import type { Zone } from '../model/zone.ts';
import { soaRecord, type XfrRecord } from './messages.ts';

/** The steps leading from `from` to `to`, in order, or null when they are not all kept. */
export function stepsBetween(changes: readonly ChangeStep[], from: number, to: number): ChangeStep[] | null {
  let i = -1;
  for (let k = changes.length - 1; k >= 0; k--) {
    if (changes[k]!.from === from) {
      i = k;
      break;
    }
  }
  if (i < 0) return null;
  const out = changes.slice(i);
  for (let k = 1; k < out.length; k++) if (out[k]!.from !== out[k - 1]!.to) return null;
  return out.at(-1)!.to === to ? out : null;
}

/** The IXFR answer: current SOA, then per step old SOA, removals, new SOA, additions; current SOA. */
export function* ixfrRecords(
  zone: Zone,
  soa: RRset,
  steps: readonly ChangeStep[],
  current: number,
): Generator<XfrRecord> {
  const last = soaRecord(zone, soa, current);
  yield last;
  for (const s of steps) {
    yield soaRecord(zone, soa, s.from);
    for (const r of s.removed) yield r;
    yield soaRecord(zone, soa, s.to);
    for (const r of s.added) yield r;
  }
  yield last;
}
