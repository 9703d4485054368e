// A background job of the registry's writers (the publisher's, sales' and members' sweeps): run
// every intervalMs until stopped, never two runs at once (on a slow store a run can outlast the
// interval), a failure logged and the next run tried, and a timer that never keeps the process
// alive.
import type { Logger } from './log.ts';

export interface Periodic {
  /** Starts running `job` every intervalMs; a second start() while running does nothing. */
  start(intervalMs: number): void;
  stop(): void;
}

export function createPeriodic(job: () => Promise<unknown>, log: Logger, what: string): Periodic {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  return {
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = true;
        job()
          .catch((err) => log.error({ err }, `${what} failed`))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
