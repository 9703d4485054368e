// Optimistic writers that lost a race try again; a little random wait after the first retries
// keeps a crowd of them from colliding in lock-step.
export const MAX_ATTEMPTS = 16;

export async function backoff(attempt: number): Promise<void> {
  if (attempt < 2) return;
  await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 50)));
}
