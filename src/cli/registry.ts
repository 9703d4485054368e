// `callx registry republish [--dry-run]`: derives every published document and routing tree
// again with this build's derivation (src/publish) and journals only the sources whose records
// differ from what was published; the others keep their version (at most the derivation version
// stored with them is updated). Run it after deploying a build whose DERIVATION_VERSION changed,
// once every writer runs it (docs/registry.md, "Derivation versions"). A progress line goes to
// stderr every few seconds on long runs; the counts go to stdout as one JSON line.
import { type Clock, type Config, createLogger, type Logger, loadConfig, systemClock } from '#core';
import { derivationFor } from '#publish';
import {
  createJournal,
  createPublisher,
  openStore,
  type RepublishCounts,
  type RepublishProgress,
} from '#registry';

export interface RepublishReport extends RepublishCounts {
  derivation: number;
  dryRun: boolean;
}

export interface RepublishCommandOptions {
  dryRun?: boolean | undefined;
  /** Where progress lines go (default: stderr). */
  progress?: (line: string) => void;
  /** A progress line at most this often, and only once a run has lasted this long (ms). */
  progressEveryMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Documents read per page. */
  pageSize?: number;
}

export function progressLine(p: RepublishProgress): string {
  return (
    `callx: registry republish: ${p.collection} ${p.done}/${p.total}; ` +
    `changed ${p.changed}, stamped ${p.stamped}, unchanged ${p.unchanged}, removing ${p.removing}`
  );
}

/** The command's work without the process around it. */
export async function republishCommand(
  config: Config,
  opts: RepublishCommandOptions = {},
): Promise<RepublishReport> {
  const logger = opts.logger ?? createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const clock = opts.clock ?? systemClock;
  const every = opts.progressEveryMs ?? 2_000;
  const write = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const derivation = derivationFor(config);
  const store = await openStore(config, logger);
  try {
    const publisher = createPublisher({
      store,
      journal: createJournal({ store, logger, clock }),
      derivation,
      logger,
      clock,
    });
    const started = clock.now();
    let lastLine = started;
    const counts = await publisher.republish({
      dryRun: opts.dryRun ?? false,
      ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
      onProgress: (p) => {
        const now = clock.now();
        if (now - lastLine < every) return;
        lastLine = now;
        write(progressLine(p));
      },
    });
    return { derivation: derivation.version, dryRun: opts.dryRun ?? false, ...counts };
  } finally {
    await store.close();
  }
}

/** `callx registry republish`: the report as one JSON line on stdout. */
export async function republishAction(opts: { dryRun?: boolean | undefined }): Promise<void> {
  const report = await republishCommand(loadConfig(), { dryRun: opts.dryRun });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
