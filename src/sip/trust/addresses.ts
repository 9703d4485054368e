// Source addresses and CIDR prefixes (trusted peers, blocked sources), matched with node:net's
// BlockList, and the key a source address is counted under (an IPv6 /64 is one subscriber).
import { BlockList, isIP } from 'node:net';
import { isAddressOrCidr } from '#core';

export { isAddressOrCidr };

/** '::ffff:192.0.2.1' (an IPv4 peer on a dual-stack socket) -> '192.0.2.1'. */
export function plainAddress(addr: string): string {
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

/** A set of addresses and prefixes; `has` answers for either family. */
export interface AddressSet {
  has(addr: string): boolean;
  readonly size: number;
}

export function addressSet(entries: readonly string[]): AddressSet {
  const list = new BlockList();
  let size = 0;
  for (const e of entries) {
    if (!isAddressOrCidr(e)) continue; // validated where it is written (config, the API)
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const family = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
    size++;
  }
  return {
    size,
    has(addr) {
      if (size === 0) return false;
      const a = plainAddress(addr);
      const family = isIP(a);
      if (family === 0) return false;
      return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** The key a source is counted under: the IPv4 address, or the /64 of an IPv6 address. */
export function sourceKey(addr: string): string {
  const a = plainAddress(addr);
  if (isIP(a) !== 6) return a;
  // expand '::' and keep the first four groups
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}
