// `callx serve [--only dns,sip,api]`: runs callx until SIGINT or SIGTERM.
import { createLogger, loadConfig } from '#core';
import { PARTS, type Part, startCallx } from '#main';
import { UsageError } from './errors.ts';

export function parseParts(only: string | undefined): Part[] {
  if (only === undefined) return [...PARTS];
  const parts = only.split(',').map((s) => s.trim().toLowerCase());
  for (const p of parts) {
    if (!(PARTS as readonly string[]).includes(p)) {
      throw new UsageError(`serve: --only: unknown part '${p}' (expected ${PARTS.join(', ')})`);
    }
  }
  return [...new Set(parts)] as Part[];
}

/** `callx serve`: runs the parts until SIGINT or SIGTERM, then stops them. */
export async function serveAction(opts: { only?: string | undefined }): Promise<void> {
  const parts = parseParts(opts.only);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const callx = await startCallx(config, logger, parts);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'serve: stopping');
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      callx.stop().finally(resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
