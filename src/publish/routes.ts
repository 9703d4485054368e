// Prefix routing trees (pstn, carriers): one wildcard per route prefix, *.<reversed prefix>.
//
// Longest-prefix routing also needs the wildcards that RFC 4592 matching lacks: a longer prefix
// (*.5.5.2.8) creates empty non-terminals (5.2.8, 5.5.2.8) inside a shorter prefix's range
// (*.2.8), below which the shorter wildcard no longer matches. Those fillers depend on every
// route of the tree — master files and record sets set over HTTP as much as the registry's
// gateways and carriers — so DNS nodes add them over what they serve (src/dns/feed/fillers.ts;
// docs/dns.md, "Routing fillers"); the registry publishes the routes alone.

import type { PartnerCarrier, PstnGateway, PublishedRRset } from '#core';
import { prefixWildcardOwner, type RouteTree } from '#numbering';
import type { PublishContext } from './context.ts';
import { naptrRdata } from './naptr.ts';

export interface Route {
  /** E.164 digit prefix without '+'; '' routes everything. */
  prefix: string;
  /** NAPTR RDATA of the route, presentation format. */
  rdata: string[];
}

/** Routes of one tree, with the same prefix served by several targets merged into one RRset. */
function byPrefix(routes: Route[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of routes) {
    const have = out.get(r.prefix) ?? [];
    for (const rd of r.rdata) if (!have.includes(rd)) have.push(rd);
    out.set(r.prefix, have);
  }
  return out;
}

/** One wildcard RRset per route prefix, sorted by owner name (the fillers are the DNS nodes'). */
export function deriveRouteTree(tree: RouteTree, routes: Route[], ctx: PublishContext): PublishedRRset[] {
  return [...byPrefix(routes).entries()]
    .map(([prefix, rdata]) => ({
      name: prefixWildcardOwner(tree, prefix, ctx.apex),
      type: 'NAPTR',
      ttl: ctx.ttl.route,
      rdata,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Rewrites +<digits> onto a SIP host: "!^\+(.*)$!sip:+\1@<host><params>!". */
export function rewriteOnto(host: string, params: string, preference: number): string {
  return naptrRdata({
    order: 100,
    preference,
    flags: 'u',
    service: 'E2U+sip',
    regexp: `!^\\+(.*)$!sip:+\\1@${host}${params}!`,
  });
}

const byId = <T extends { _id: string }>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => (a._id < b._id ? -1 : 1));

/** The pstn tree from every gateway; several gateways on one prefix are tried in id order. */
export function derivePstnTree(gateways: readonly PstnGateway[], ctx: PublishContext): PublishedRRset[] {
  const routes = byId(gateways).flatMap((g, i) =>
    g.prefixes.map((prefix) => ({ prefix, rdata: [rewriteOnto(g.host, ';user=phone', 10 + i)] })),
  );
  return deriveRouteTree('pstn', routes, ctx);
}

/**
 * The carriers tree from every partner carrier's number ranges. A partner that wants the caller's
 * number in another form than E.164 says so in the URI parameter `callx-cid` (national | pin),
 * which the redirector reads and removes from the Contact (docs/sip.md, "Call switching").
 */
export function deriveCarrierTree(
  carriers: readonly PartnerCarrier[],
  ctx: PublishContext,
): PublishedRRset[] {
  const routes = byId(carriers).flatMap((c, i) => {
    const params = c.callerIdFormat === 'e164' ? ';user=phone' : `;user=phone;callx-cid=${c.callerIdFormat}`;
    return c.ranges.map((prefix) => ({ prefix, rdata: [rewriteOnto(c.ingress, params, 10 + i)] }));
  });
  return deriveRouteTree('carriers', routes, ctx);
}
