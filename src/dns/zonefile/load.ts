// Master files -> Zone objects. Convention (docs/dns.md): every `<apex>.zone` file directly in
// CALLX_ZONES_DIR is one zone whose apex is the file name without `.zone`; other files (e.g.
// `*.inc`) are only read through $INCLUDE. Records stream from the parser into the model (no
// list of records is kept); any error refuses the whole set: no half zones.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSubdomainKey, type Labels, type NameError, parseName, TYPE, toDisplay, typeName } from '#wire';
import { Zone } from '../model/zone.ts';
import { ZoneSet } from '../model/zoneset.ts';
import { parseZoneFile } from './parse.ts';
import { LOCATED_TYPES, type Problem, validateZone } from './validate.ts';

export class ZoneLoadError extends Error {
  override name = 'ZoneLoadError';
  problems: Problem[];
  constructor(zone: string, problems: Problem[]) {
    const e = problems.filter((p) => p.level === 'error');
    const first = e[0]!;
    const more = e.length > 1 ? ` (and ${e.length - 1} more error${e.length > 2 ? 's' : ''})` : '';
    super(`dns: zone ${zone}: ${first.file}:${first.line}: ${first.message}${more}`);
    this.problems = problems;
  }
}

export interface LoadedZone {
  zone: Zone;
  /** Records read (duplicates included). */
  records: number;
  warnings: Problem[];
}

const readBytes = (p: string) => readFileSync(p);

/**
 * Parses a master file into a Zone and checks it; syntax errors throw ZoneFileError, semantic
 * findings come back as problems (the caller decides whether errors are fatal).
 */
export function readZone(
  path: string,
  apexText: string,
  text?: string | Buffer,
): { apex: Labels; zone: Zone; records: number; problems: Problem[] } {
  let apex: Labels;
  try {
    apex = parseName(apexText.endsWith('.') ? apexText : `${apexText}.`, null);
  } catch (err) {
    throw new ZoneLoadError(apexText, [
      { level: 'error', file: path, line: 0, message: `bad zone name: ${(err as NameError).message}` },
    ]);
  }
  const zone = new Zone(apex, { origin: path });
  const problems: Problem[] = [];
  const lines = new Map<string, { file: string; line: number }>();
  let first = { file: path, line: 1 };
  let records = 0;
  parseZoneFile(text ?? { path }, {
    file: path,
    origin: apex,
    readFile: readBytes,
    onRecord: (r) => {
      if (records++ === 0) first = { file: r.file, line: r.line };
      const where = { file: r.file, line: r.line };
      if (!isSubdomainKey(r.key, zone.key)) {
        problems.push({
          level: 'error',
          ...where,
          message: `${toDisplay(r.owner)} is outside the zone ${zone.name} (out-of-zone data)`,
        });
        return;
      }
      const lk = `${r.key}|${r.type}`;
      if ((LOCATED_TYPES.has(r.type) || r.key.startsWith('*')) && !lines.has(lk)) lines.set(lk, where);
      else if (r.type === TYPE.SOA && r.key === zone.key)
        problems.push({ level: 'error', ...where, message: `more than one SOA at ${zone.name}` });
      const res = zone.addFileRecord(r.owner, r.key, r.type, r.ttl, r.rdata);
      if (res === 'ttl') {
        const ttl = zone.nodes.get(r.key)!.rrsets.get(r.type)!.ttl;
        problems.push({
          level: 'warning',
          ...where,
          message: `${toDisplay(r.owner)} ${typeName(r.type)}: TTL ${r.ttl} differs from the RRset's TTL ${ttl}; using ${ttl}`,
        });
      }
    },
  });
  const locate = (key: string, type: number) =>
    lines.get(`${key}|${type}`) ?? lines.get(`${zone.key}|${TYPE.SOA}`) ?? first;
  problems.push(...validateZone(zone, locate));
  return { apex, zone, records, problems };
}

export function loadZone(path: string, apexText: string, text?: string | Buffer): LoadedZone {
  const { zone, records, problems } = readZone(path, apexText, text);
  if (problems.some((p) => p.level === 'error')) throw new ZoneLoadError(zone.name, problems);
  return { zone, records, warnings: problems.filter((p) => p.level === 'warning') };
}

/** Loads every `<apex>.zone` in `dir` into a new ZoneSet; all or nothing. */
export function loadZonesDir(dir: string): { zones: ZoneSet; warnings: Problem[]; files: string[] } {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.zone') && d.name.length > 5)
    .map((d) => d.name)
    .sort();
  const zones = new ZoneSet();
  const warnings: Problem[] = [];
  for (const f of files) {
    const loaded = loadZone(join(dir, f), f.slice(0, -5));
    zones.addZone(loaded.zone);
    warnings.push(...loaded.warnings);
  }
  return { zones, warnings, files };
}
