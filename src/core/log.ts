import pino from 'pino';

export type Logger = pino.Logger;

/** Logs go to stderr, so stdout stays clean for command output (JSON from `callx number`, zone exports). */
export function createLogger(level: pino.LevelWithSilent = 'info'): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(2),
  );
}

/** A logger that drops everything, for tests and commands that must print nothing but their output. */
export const silentLogger: Logger = pino({ level: 'silent' });
