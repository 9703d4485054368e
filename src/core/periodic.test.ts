import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPeriodic } from './periodic.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('createPeriodic', () => {
  it('never runs the job twice at once, logs a failure and runs again, and stops', async () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
    let running = 0;
    let most = 0;
    let runs = 0;
    const job = async () => {
      runs++;
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 250)); // outlasts two intervals
      running--;
      if (runs === 1) throw new Error('store down');
    };
    const p = createPeriodic(job, log, 'registry: test: sweep');
    p.start(100);
    p.start(100); // a second start changes nothing
    await vi.advanceTimersByTimeAsync(1_000);
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual(['registry: test: sweep failed']);
    p.stop();
    const after = runs;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBeLessThanOrEqual(after + 1); // at most the run in flight finishes
  });
});
