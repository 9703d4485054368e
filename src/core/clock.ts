// The one time source of callx: epoch milliseconds from an injected Clock, so tests can move
// time (journal grace periods, sweeps, reservations, nonces) and every component reads the same
// convention. Seconds appear only at the edges that speak them (DNS TTLs and TSIG times, SIP
// Expires, Prometheus), converted there.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start = 0): ManualClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Whole seconds of an epoch-millisecond time (TSIG, SIP, metrics). */
export const toSeconds = (ms: number): number => Math.floor(ms / 1000);
