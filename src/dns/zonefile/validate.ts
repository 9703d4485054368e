// Semantic checks of a loaded zone, as named-checkzone and kzonecheck do them, plus the callx
// check that a longer routing prefix does not shadow a shorter prefix's wildcard. They run on
// the model (not on a list of records) so a million-name zone needs no second copy.
import { isSubdomainKey, nameKey, parentKey, rdataTarget, TYPE, toDisplay, typeName } from '#wire';
import type { Node } from '../model/types.ts';
import type { Zone } from '../model/zone.ts';

export interface Problem {
  level: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

/** Where the first record of owner+type came from (the loader keeps this for checked types). */
export type Locate = (key: string, type: number) => { file: string; line: number };

/** Types whose records the loader remembers lines for; other findings use the owner's NS/apex line. */
export const LOCATED_TYPES = new Set<number>([TYPE.SOA, TYPE.NS, TYPE.CNAME, TYPE.MX, TYPE.SRV, TYPE.DNAME]);

export function validateZone(zone: Zone, locate: Locate): Problem[] {
  const problems: Problem[] = [];
  const apexKey = zone.key;
  const at = (key: string, type: number, level: Problem['level'], message: string) =>
    problems.push({ level, ...locate(key, type), message });
  const apex = zone.apexNode;
  if (!apex.rrsets.has(TYPE.SOA)) at(apexKey, TYPE.SOA, 'error', `no SOA at the apex ${zone.name}`);
  if (!apex.rrsets.has(TYPE.NS)) at(apexKey, TYPE.NS, 'error', `no NS records at the apex ${zone.name}`);

  const cutAbove = (key: string): string | undefined => {
    if (zone.cuts.size === 0) return undefined;
    for (let k = parentKey(key); k !== null && k !== apexKey; k = parentKey(k))
      if (zone.cuts.has(k)) return k;
    return undefined;
  };

  for (const node of zone.nodes.values()) {
    const name = toDisplay(node.labels);
    if (node !== apex && node.rrsets.has(TYPE.SOA))
      at(node.key, TYPE.SOA, 'error', `SOA at ${name}, not at the apex`);
    if (node.rrsets.has(TYPE.DNAME)) at(node.key, TYPE.DNAME, 'error', 'DNAME is not supported');
    const cname = node.rrsets.get(TYPE.CNAME);
    if (cname) {
      if (cname.rdatas.length > 1) at(node.key, TYPE.CNAME, 'error', `${name} has more than one CNAME`);
      if (node.rrsets.size > 1) at(node.key, TYPE.CNAME, 'error', `${name} has a CNAME and other data`);
    }
    const cut = node.rrsets.size > 0 ? cutAbove(node.key) : undefined;
    if (cut && node.rrsets.values().some((r) => r.type !== TYPE.A && r.type !== TYPE.AAAA))
      at(
        cut,
        TYPE.NS,
        'warning',
        `${name} lies below the delegation ${cut} and is not glue: it is never served`,
      );
    for (const rs of node.rrsets.values()) {
      if (rs.type !== TYPE.NS && rs.type !== TYPE.MX && rs.type !== TYPE.SRV) continue;
      for (const rd of rs.rdatas) {
        const target = rdataTarget(rd);
        if (!target || target.length === 0) continue;
        const tk = nameKey(target);
        if (!isSubdomainKey(tk, apexKey)) continue;
        const t = zone.nodes.get(tk);
        const hasAddr = !!(t?.rrsets.has(TYPE.A) || t?.rrsets.has(TYPE.AAAA));
        const tn = toDisplay(target);
        if (rs.type === TYPE.NS && !hasAddr) {
          const level = cutAbove(tk) || zone.cuts.has(tk) || node === apex ? 'error' : 'warning';
          at(node.key, TYPE.NS, level, `NS ${tn} of ${name} has no address records (glue)`);
        } else if (rs.type !== TYPE.NS && t?.rrsets.has(TYPE.CNAME)) {
          at(node.key, rs.type, 'warning', `${typeName(rs.type)} target ${tn} is a CNAME`);
        } else if (rs.type !== TYPE.NS && (!t || t.rrsets.size === 0)) {
          at(node.key, rs.type, 'warning', `${typeName(rs.type)} target ${tn} does not exist in the zone`);
        }
      }
    }
  }
  problems.push(...wildcardShadows(zone, locate));
  return problems;
}

/**
 * docs/design.md, "DNS name space": a wildcard *.P stops matching below any empty non-terminal that a
 * longer name creates under P (RFC 4592: the closest encloser exists and has no wildcard).
 * Routing trees need a wildcard at each such empty non-terminal carrying the shorter route.
 * One warning per wildcard, with a count and the first examples.
 */
function wildcardShadows(zone: Zone, locate: Locate): Problem[] {
  const byWildcard = new Map<Node, string[]>();
  for (const node of zone.nodes.values()) {
    if (node.rrsets.size > 0 || node === zone.apexNode || node.key.startsWith('*.')) continue;
    if (zone.nodes.has(`*.${node.key}`)) continue;
    // the nearest wildcard above this empty non-terminal is the one it shadows
    for (let p = node.parent; p && p !== zone.apexNode; p = p.parent) {
      const wc = zone.nodes.get(`*.${p.key}`);
      if (wc) {
        const list = byWildcard.get(wc) ?? [];
        list.push(node.key);
        byWildcard.set(wc, list);
        break;
      }
    }
  }
  const out: Problem[] = [];
  for (const [wc, ents] of byWildcard) {
    ents.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    const first = ents[0]!;
    const type = wc.rrsets.values()[0]?.type ?? TYPE.NAPTR;
    const more =
      ents.length > 1
        ? ` (and ${ents.length - 1} more empty non-terminal${ents.length > 2 ? 's' : ''} below it, e.g. ${ents.slice(1, 4).join(', ')})`
        : '';
    out.push({
      level: 'warning',
      ...locate(wc.key, type),
      message: `wildcard ${toDisplay(wc.labels)} does not match names below the empty non-terminal ${first}${more} (RFC 4592); add *.${first} with the same records for longest-prefix routing`,
    });
  }
  return out;
}
