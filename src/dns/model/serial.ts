// RFC 1982 serial number arithmetic for SOA serials (SERIAL_BITS = 32).

/** True when serial `a` is ahead of `b` (a > b in RFC 1982 terms). */
export function serialGt(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/**
 * The serial after `current`: `hint` when it lies ahead of `current` within the RFC 1982
 * window (e.g. the journal sequence), else `current` + 1 (wrapping at 2^32).
 */
export function serialNext(current: number, hint?: number): number {
  if (hint !== undefined && serialGt(hint >>> 0, current)) return hint >>> 0;
  return (current + 1) >>> 0;
}
