// `callx zone check <file>` validates one master file (syntax, named-checkzone/kzonecheck-style
// checks, the longest-prefix wildcard warning); `callx zone export <apex>` prints a zone as a DNS
// node serves it: the master files plus the registry, loaded the way a node loads it at start
// (reading only), with the same serial.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type Config, createLogger, type Logger, loadConfig } from '#core';
import {
  exportZone,
  loadRegistry,
  loadZonesDir,
  RegistryFeed,
  readZone,
  ZoneFileError,
  ZoneLoadError,
  type ZoneSet,
} from '#dns';
import { type Derivation, derivationFor } from '#publish';
import { openStore } from '#registry';
import { keyOf } from '#wire';
import { UsageError } from './errors.ts';

export interface CheckResult {
  ok: boolean;
  apex: string;
  records: number;
  /** One line per finding: "file:line: error|warning: message". */
  lines: string[];
}

/** Checks one master file; the apex comes from --origin or the file name `<apex>.zone`. */
export function checkZoneFile(path: string, origin?: string): CheckResult {
  const apex = origin ?? (basename(path).endsWith('.zone') ? basename(path).slice(0, -5) : undefined);
  if (!apex)
    throw new UsageError(
      `zone check: ${path}: cannot tell the zone's apex; name the file <apex>.zone or pass --origin`,
    );
  try {
    const { records, problems } = readZone(path, apex);
    return {
      ok: !problems.some((p) => p.level === 'error'),
      apex,
      records,
      lines: problems.map((p) => `${p.file}:${p.line}: ${p.level}: ${p.message}`),
    };
  } catch (err) {
    if (err instanceof ZoneFileError)
      return { ok: false, apex, records: 0, lines: [`${err.file}:${err.line}: error: ${err.reason}`] };
    if (err instanceof ZoneLoadError) return { ok: false, apex, records: 0, lines: [err.message] };
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`zone check: ${path}: no such file`);
    throw err;
  }
}

/**
 * The zones a DNS node would serve at start: master files, then the registry (read only), with
 * the derivation a node of this build has (it only matters for documents published before
 * derivation versions).
 */
export async function servedZones(
  config: Config,
  logger: Logger,
  derivation: Derivation = derivationFor(config),
): Promise<ZoneSet> {
  const files = loadZonesDir(config.zonesDir);
  const zones = files.zones;
  const feed = new RegistryFeed({
    zones,
    apex: config.apex,
    fileZones: new Map([...zones.zones.values()].map((z) => [z.key, z])),
    logger,
  });
  const store = await openStore(config, logger);
  try {
    await loadRegistry({ store, feed, derivation, journal: null, logger });
  } finally {
    await store.close();
  }
  return zones;
}

export async function exportZoneText(config: Config, apex: string, logger?: Logger): Promise<string> {
  let key: string;
  try {
    key = keyOf(apex);
  } catch (err) {
    throw new UsageError(`zone export: bad zone name '${apex}': ${(err as Error).message}`);
  }
  const zones = await servedZones(config, logger ?? createLogger('warn'));
  const zone = zones.zones.get(key);
  if (!zone)
    throw new UsageError(
      `zone export: no zone ${apex} (zones served: ${[...zones.zones.values()].map((z) => z.name).join(', ') || 'none'})`,
    );
  return exportZone(zone);
}

export function registerZoneCommand(program: Command): void {
  const zone = program.command('zone').description('check and export DNS zones (master files, RFC 1035)');
  zone
    .command('check')
    .description(
      'validate one master file: syntax, zone rules as named-checkzone/kzonecheck, wildcard routing',
    )
    .argument('<file>', 'the master file; its apex is the file name without .zone unless --origin is given')
    .option('-o, --origin <apex>', 'the zone apex')
    .action((file: string, opts: { origin?: string }) => {
      const r = checkZoneFile(file, opts.origin);
      for (const l of r.lines) process.stderr.write(`${l}\n`);
      if (!r.ok) {
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`zone ${r.apex}: ${file}: OK, ${r.records} records\n`);
    });
  zone
    .command('export')
    .description('print a zone as served (master files and registry data) as a master file')
    .argument('<apex>', 'the zone apex, e.g. callx.test')
    .action(async (apex: string) => {
      process.stdout.write(await exportZoneText(loadConfig(), apex));
    });
}
