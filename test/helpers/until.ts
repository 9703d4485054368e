// Polls a condition until it holds: tests wait for what they need rather than sleeping a fixed
// time, and fail with what they waited for when it never comes (a loaded machine may be slow).
export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
