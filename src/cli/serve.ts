// `callx serve [--only dns,sip,api]`: runs callx until SIGINT or SIGTERM.
import type { Command } from 'commander';
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

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the DNS server, the SIP redirector and the HTTP API (or some of them)')
    .option('--only <parts>', `run only these front-ends, comma-separated: ${PARTS.join(', ')}`)
    .action(async (opts: { only?: string }) => {
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
    });
}
