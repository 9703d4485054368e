// Zone apexes and owner names as the zone API takes them: absolute, case-insensitive, with or
// without the trailing dot; stored lower case without it (ZoneDoc/RRsetDoc). Escaped labels are
// for master files only: over HTTP a name is letters, digits, '-', '_' and a leading '*' label.

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const NAME = new RegExp(`^(?:\\*|${LABEL})(?:\\.${LABEL})*$`);
const APEX = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

export const normalizeName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

export function isApex(apex: string): boolean {
  return apex.length <= 253 && APEX.test(apex);
}

export function isOwnerName(name: string): boolean {
  return name.length <= 253 && NAME.test(name);
}

/** True when `name` is `zone` or lies below it (both normalised). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The most specific of `zones` that encloses `name`, if any. */
export function closestZone(name: string, zones: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const z of zones) if (inZone(name, z) && (best === undefined || z.length > best.length)) best = z;
  return best;
}
