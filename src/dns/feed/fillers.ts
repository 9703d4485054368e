// Longest-prefix routing over every source (docs/dns.md, "Routing fillers"). A wildcard *.P
// routes the numbers below P only until a longer name under P exists: then that name is the
// closest encloser and, without a wildcard child, answers NXDOMAIN (RFC 4592). Routes come from
// master files, record sets set over HTTP and the registry's routing trees (gateways, carriers),
// so the wildcards that make the shorter route reach below such names — the fillers — can only
// be computed where those meet: here, over what the node serves. Each filler *.N carries the
// route of the nearest wildcard above N; a name with its own wildcard is never filled.
//
// The fillers of a tree are one source of the model (`dns:fillers/<tree>`), recomputed after
// every change that may touch a routing tree (routing aggregates, record sets, zones), inside
// the same change step, so serials, IXFR and `callx zone export` carry them like any record.
import type { PublishedRRset, Source } from '#core';
import { treeApex } from '#numbering';
import {
  isSubdomainKey,
  keyLabels,
  keyOf,
  parentKey,
  type Rdata,
  rdataKey,
  rdataText,
  TYPE,
  toText,
} from '#wire';
import type { Node, RRsetData } from '../model/types.ts';
import type { Zone } from '../model/zone.ts';
import type { ZoneSet } from '../model/zoneset.ts';

/** The model source holding a tree's fillers (no registry source has this form). */
export const fillerSource = (treeKey: string): string => `dns:fillers/${treeKey}`;

/** A route: the records of a wildcard *.P, from every layer but the fillers. */
interface RouteData {
  ttl: number;
  rdatas: Rdata[];
}

export class RouteFillers {
  private readonly zs: ZoneSet;
  /** Keys of the routing trees: pstn.<apex>, carriers.<apex>. */
  readonly trees: string[];
  private readonly versions = new Map<string, number>();
  private readonly applied = new Map<string, string>();

  constructor(zs: ZoneSet, apex: string) {
    this.zs = zs;
    this.trees = (['pstn', 'carriers'] as const).map((t) => keyOf(treeApex(t, apex)));
  }

  /**
   * Whether an entry of `source` may change a routing tree: routing aggregates, record sets under
   * a tree, a zone that holds a tree or lies in one. Members and centers never do, nor a
   * registrar's zone elsewhere (recomputing walks the trees' zone, which may be big).
   */
  touches(source: Source): boolean {
    switch (source.kind) {
      case 'aggregate':
      case 'unknown':
        return true;
      case 'zone': {
        const key = keyOf(source.apex);
        return this.trees.some((t) => isSubdomainKey(t, key) || isSubdomainKey(key, t));
      }
      case 'rrset': {
        const key = keyOf(source.name);
        return this.trees.some((t) => isSubdomainKey(key, t));
      }
      default:
        return false;
    }
  }

  /** Recomputes every tree's fillers and applies those that changed (in the caller's batch). */
  refresh(): void {
    const all = this.computeAll();
    for (const tree of this.trees) {
      const rrsets = all.get(tree) ?? [];
      const sig = JSON.stringify(rrsets);
      if (this.applied.get(tree) === sig) continue;
      const version = (this.versions.get(tree) ?? 0) + 1;
      this.versions.set(tree, version);
      this.applied.set(tree, sig);
      this.zs.applyContribution(fillerSource(tree), version, rrsets);
    }
  }

  /** The fillers of one tree, by owner name. */
  compute(tree: string): PublishedRRset[] {
    return this.computeAll().get(tree) ?? [];
  }

  /**
   * The fillers of every tree, in one walk of each zone that holds a tree (the apex zone may hold
   * a member tree of millions of names: docs/dns.md, "Routing fillers").
   */
  private computeAll(): Map<string, PublishedRRset[]> {
    const out = new Map<string, PublishedRRset[]>();
    const byZone = new Map<Zone, string[]>();
    for (const tree of this.trees) {
      const zone = this.zs.findZone(tree);
      if (zone) byZone.set(zone, [...(byZone.get(zone) ?? []), tree]);
    }
    for (const [zone, trees] of byZone) {
      const walk = trees.map((tree) => ({
        tree,
        suffix: `.${tree}`,
        own: fillerSource(tree),
        routes: new Map<string, RouteData>(),
        wildcards: new Set<string>(),
        names: new Set<string>(),
      }));
      for (const node of zone.nodes.values()) {
        const key = node.key;
        for (const w of walk) {
          if (!key.endsWith(w.suffix) || !isSubdomainKey(key, w.tree) || !hasData(node, w.own)) continue;
          const wild = key.startsWith('*.');
          const above = wild ? parentKey(key)! : key;
          if (wild) {
            w.wildcards.add(above);
            const r = routeOf(zone, node, w.own);
            if (r) w.routes.set(above, r);
          }
          // the name and every name above it exist (whatever the fillers do)
          for (let p: string | null = above; p !== null && isSubdomainKey(p, w.tree); p = parentKey(p)) {
            if (w.names.has(p)) break;
            w.names.add(p);
          }
        }
      }
      for (const w of walk) out.set(w.tree, fillersOf(w.tree, w.names, w.wildcards, w.routes));
    }
    return out;
  }
}

/** A filler for every name of the tree without a wildcard of its own, below a route. */
function fillersOf(
  tree: string,
  names: Set<string>,
  wildcards: Set<string>,
  routes: Map<string, RouteData>,
): PublishedRRset[] {
  const out: PublishedRRset[] = [];
  for (const name of names) {
    if (name === tree || wildcards.has(name)) continue;
    for (let p = parentKey(name); p !== null && isSubdomainKey(p, tree); p = parentKey(p)) {
      const r = routes.get(p);
      if (!r) continue;
      out.push({
        name: toText(['*', ...keyLabels(name)]).slice(0, -1),
        type: 'NAPTR',
        ttl: r.ttl,
        rdata: r.rdatas.map(rdataText),
      });
      break;
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** True when the name has records from a layer other than the fillers. */
function hasData(node: Node, own: string): boolean {
  for (const rs of node.rrsets.values()) if (rs.src !== own) return true;
  return false;
}

/** The NAPTRs a wildcard serves from every layer but the fillers; null when it routes nothing. */
function routeOf(zone: Zone, node: Node, own: string): RouteData | null {
  const rs = node.rrsets.get(TYPE.NAPTR);
  if (!rs || rs.src === own) return null;
  const slot = zone.slots.get(`${node.key}|${TYPE.NAPTR}`);
  if (!slot) return { ttl: rs.ttl, rdatas: rs.rdatas };
  if (slot.override !== undefined)
    return slot.override ? { ttl: slot.override.ttl, rdatas: slot.override.rdatas } : null;
  const layers: RRsetData[] = [];
  if (slot.file) layers.push(slot.file);
  for (const [src, d] of slot.sources ?? []) if (src !== own) layers.push(d);
  const seen = new Set<string>();
  const rdatas: Rdata[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  for (const l of layers) {
    ttl = Math.min(ttl, l.ttl);
    for (const rd of l.rdatas) {
      const k = rdataKey(rd);
      if (!seen.has(k)) {
        seen.add(k);
        rdatas.push(rd);
      }
    }
  }
  return rdatas.length ? { ttl, rdatas } : null;
}
