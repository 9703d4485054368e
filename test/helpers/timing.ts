// Cost of synchronous work for tests that bound it. Wall time on a shared, loaded machine grows
// with what other processes do; the CPU time this thread spends does not (much), and the least
// of a few rounds drops what noise is left (noise only ever adds time). Compare the result with
// a baseline measured the same way in the same test, or with a budget far above the real cost.
// The thread's own time: unit tests run in worker threads, side by side in one process.

/** CPU time (user + system, in ms) this thread spends running `fn` once. */
export function cpuMs(fn: () => void): number {
  const start = process.threadCpuUsage();
  fn();
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The least CPU time (ms) of `rounds` rounds of each function, the rounds of all of them
 * interleaved so that they share the machine's conditions. Returns one figure per function.
 */
export function leastCpuMs(fns: (() => void)[], rounds = 5): number[] {
  const least = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++)
    fns.forEach((fn, i) => {
      least[i] = Math.min(least[i]!, cpuMs(fn));
    });
  return least;
}
