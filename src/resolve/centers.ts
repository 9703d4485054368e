// Whether DNS has a country's call center: the name `<cc>.center.<apex>` that members' numbers
// point at exists (NAPTR, or SRV/addresses below or at it). The registry asks this before it
// assigns a number or registers a member there (src/registry/routing/centers.ts), through the
// same DNS path calls take, so centers from master files count as much as those created over HTTP.
import { centerOwner } from '#numbering';
import type { DnsCache } from './cache.ts';
import { TYPE_NAPTR } from './lookup.ts';

/** True unless DNS says the center's name does not exist (NXDOMAIN); throws when DNS does not answer. */
export function dnsCenters(dns: DnsCache, apex: string): (country: string) => Promise<boolean> {
  return async (country) => (await dns.lookup(centerOwner(country, apex), TYPE_NAPTR)).outcome !== 'NXDOMAIN';
}
