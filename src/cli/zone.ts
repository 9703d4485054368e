// `callx zone check <file>` validates one master file (syntax, named-checkzone/kzonecheck-style
// checks, the longest-prefix wildcard warning) and, for the deployment's routing trees, says which
// fillers callx's DNS nodes add, which routes no valid number can reach and which wildcards look
// like hand-written fillers; `callx zone export <apex>` prints a zone as a DNS node serves it: the
// master files plus the registry (fillers included), loaded the way a node loads it at start
// (reading only), with the same serial.
import { basename } from 'node:path';
import { type Config, createLogger, type Logger, loadConfig } from '#core';
import {
  exportZone,
  loadRegistry,
  loadZonesDir,
  RegistryFeed,
  RouteFillers,
  readZone,
  type Zone,
  ZoneFileError,
  ZoneLoadError,
  ZoneSet,
} from '#dns';
import { prefixProblem } from '#numbering';
import { type Derivation, derivationFor } from '#publish';
import { openStore } from '#registry';
import { isSubdomainKey, keyLabels, keyOf, parentKey, rdataKey, TYPE, toDisplay } from '#wire';
import { UsageError } from './errors.ts';

export interface CheckResult {
  ok: boolean;
  apex: string;
  records: number;
  /** One line per finding: "file:line: error|warning: message". */
  lines: string[];
  /** What callx's DNS nodes add to the routing trees (fillers), one line each. */
  notes: string[];
}

/**
 * Checks one master file; the apex comes from --origin or the file name `<apex>.zone`.
 * `deployment`: CALLX_APEX, whose pstn and carriers trees callx's DNS nodes fill.
 */
export function checkZoneFile(path: string, origin?: string, deployment = 'callx.test'): CheckResult {
  const apex = origin ?? (basename(path).endsWith('.zone') ? basename(path).slice(0, -5) : undefined);
  if (!apex)
    throw new UsageError(
      `zone check: ${path}: cannot tell the zone's apex; name the file <apex>.zone or pass --origin`,
    );
  try {
    const { zone, records, problems } = readZone(path, apex);
    const routing = routingFindings(path, zone, deployment);
    const kept = problems.filter((p) => !routing.filled(p.message));
    return {
      ok: !kept.some((p) => p.level === 'error'),
      apex,
      records,
      lines: [...kept.map((p) => `${p.file}:${p.line}: ${p.level}: ${p.message}`), ...routing.lines],
      notes: routing.notes,
    };
  } catch (err) {
    if (err instanceof ZoneFileError)
      return {
        ok: false,
        apex,
        records: 0,
        lines: [`${err.file}:${err.line}: error: ${err.reason}`],
        notes: [],
      };
    if (err instanceof ZoneLoadError) return { ok: false, apex, records: 0, lines: [err.message], notes: [] };
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`zone check: ${path}: no such file`);
    throw err;
  }
}

/**
 * The deployment's routing trees in this file: the fillers DNS nodes add (so the RFC 4592
 * warnings there are answered), wildcards whose prefix no valid number starts with, and
 * wildcards that repeat the route above them (hand-written fillers, which would be routes of
 * their own: a route added over the API for the shorter prefix would never reach their numbers).
 */
function routingFindings(path: string, zone: Zone, deployment: string) {
  const zs = new ZoneSet();
  zs.addZone(zone);
  const fillers = new RouteFillers(zs, deployment);
  const trees = fillers.trees.filter((t) => isSubdomainKey(t, zone.key) || isSubdomainKey(zone.key, t));
  const notes: string[] = [];
  const lines: string[] = [];
  const prefixOf = (key: string, tree: string) =>
    keyLabels(key.slice(0, -tree.length - 1))
      .slice(1)
      .reverse()
      .join('');
  const records = (key: string) =>
    (zone.nodes.get(key)?.rrsets.get(TYPE.NAPTR)?.rdatas ?? []).map(rdataKey).sort().join('|');
  for (const tree of trees) {
    for (const rr of fillers.compute(tree))
      notes.push(
        `${path}: note: ${rr.name}: filler added by callx's DNS nodes (longest-prefix routing; docs/dns.md, "Routing fillers")`,
      );
    for (const key of zone.nodes.keys()) {
      if (!key.startsWith('*.') || !isSubdomainKey(key, tree)) continue;
      const prefix = prefixOf(key, tree);
      const why = /^\d*$/.test(prefix) ? prefixProblem(prefix) : `${prefix} is not a digit prefix`;
      if (why)
        lines.push(`${path}: warning: ${toDisplay(keyLabels(key))}: ${why}: no call can reach this route`);
      for (let p = parentKey(parentKey(key)!); p !== null && isSubdomainKey(p, tree); p = parentKey(p)) {
        const above = `*.${p}`;
        if (!zone.nodes.has(above)) continue;
        if (records(above) === records(key) && records(key) !== '')
          lines.push(
            `${path}: warning: ${toDisplay(keyLabels(key))} repeats the route of ${toDisplay(keyLabels(above))}: a hand-written filler is a route of its own (a route added over the API for the shorter prefix would not reach these numbers); callx's DNS nodes add fillers themselves, remove it`,
          );
        break;
      }
    }
  }
  const filled = (message: string): boolean => {
    const m = /^wildcard (\S+) does not match names below/.exec(message);
    if (!m) return false;
    const k = keyOf(m[1]!);
    return trees.some((t) => isSubdomainKey(k, t));
  };
  return { notes, lines, filled };
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

/** CALLX_APEX as configured (the default when the rest of the configuration does not load). */
function deploymentApex(): string {
  try {
    return loadConfig().apex;
  } catch {
    return 'callx.test';
  }
}

/** `callx zone check`: findings on stderr, the verdict and the notes on stdout; exit 1 on errors. */
export function checkAction(
  file: string,
  opts: { origin?: string | undefined; apex?: string | undefined },
): void {
  const r = checkZoneFile(file, opts.origin, opts.apex ?? deploymentApex());
  for (const l of r.lines) process.stderr.write(`${l}\n`);
  if (!r.ok) {
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`zone ${r.apex}: ${file}: OK, ${r.records} records\n`);
  for (const n of r.notes) process.stdout.write(`${n}\n`);
}

/** `callx zone export`: the zone as a master file on stdout. */
export async function exportAction(apex: string): Promise<void> {
  process.stdout.write(await exportZoneText(loadConfig(), apex));
}
