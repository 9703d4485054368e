import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSweeper } from './sweeper.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('sweeper', () => {
  it('sweeps after a quiet interval, not under load, and under steady load only when forced', () => {
    vi.useFakeTimers();
    let answered = 0;
    let sweeps = 0;
    const s = createSweeper({
      everyMs: 1000,
      quietRate: 100,
      forcedMs: 10_000,
      answered: () => answered,
      sweep: () => sweeps++,
      now: () => Date.now(),
    });
    s.start();
    answered += 50; // 50 a second: quiet
    vi.advanceTimersByTime(1000);
    expect(sweeps).toBe(1);
    for (let i = 0; i < 5; i++) {
      answered += 5000; // busy
      vi.advanceTimersByTime(1000);
    }
    expect(sweeps).toBe(1);
    for (let i = 0; i < 5; i++) {
      answered += 5000;
      vi.advanceTimersByTime(1000);
    }
    expect(sweeps).toBe(2); // 10 s since the last sweep: forced
    vi.advanceTimersByTime(1000); // nothing answered: quiet
    expect(sweeps).toBe(3);
    s.stop();
    vi.advanceTimersByTime(5000);
    expect(sweeps).toBe(3);
  });
});
