// The one polling helper of the tests: waits for what a test needs rather than sleeping a fixed
// time, and fails with what it waited for when that never comes. The deadline is only there to
// turn "never" into a clear failure: it is generous, since a loaded machine may be slow. Polls in
// real time even while a test fakes the clock (vi.useFakeTimers): the timers are taken at load.
const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Polls `cond` every `everyMs` until it gives a truthy value, and resolves with it. `what` (or
 * what it returns, asked at the deadline) names what was awaited.
 */
export async function until<T>(
  what: string | (() => string),
  cond: () => T | Promise<T>,
  ms = 10_000,
  everyMs = 50,
): Promise<Truthy<T>> {
  const deadline = realNow() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v as Truthy<T>;
    if (realNow() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => realSetTimeout(r, everyMs));
  }
}
