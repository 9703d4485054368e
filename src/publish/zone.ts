// Zones and record sets managed over HTTP.
import type { PublishedRRset, RRsetDoc, ZoneDoc } from '#core';

const fqdn = (name: string): string => `${name.toLowerCase().replace(/\.$/, '')}.`;

/**
 * A zone publishes its SOA and NS at the apex. The SOA serial published here is a placeholder:
 * DNS nodes own the serial and move it forward with every change (docs/dns.md).
 */
export function deriveZone(z: ZoneDoc): PublishedRRset[] {
  if (z.deleted) return [];
  const s = z.soa;
  return [
    {
      name: z._id,
      type: 'SOA',
      ttl: s.ttl,
      rdata: [`${fqdn(s.mname)} ${fqdn(s.rname)} 1 ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`],
    },
    { name: z._id, type: 'NS', ttl: s.ttl, rdata: z.ns.map(fqdn) },
  ];
}

/**
 * A record set set over HTTP replaces the same owner and type from the zone files. It is
 * published even when empty: an empty RRset from an `rrsets` source means "deleted here",
 * hiding the file's RRset (docs/dns.md, "Zone model").
 */
export function deriveRRset(r: RRsetDoc): PublishedRRset[] {
  return [{ name: r.name, type: r.type.toUpperCase(), ttl: r.ttl, rdata: r.records }];
}
