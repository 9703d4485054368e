// Who may transfer zones: a list of addresses and CIDR prefixes (CALLX_DNS_XFR_ALLOW).
import { BlockList, isIP } from 'node:net';

export class AclError extends Error {
  override name = 'AclError';
}

export interface Acl {
  allows(address: string): boolean;
  readonly entries: readonly string[];
}

/** IPv4-mapped IPv6 addresses (a dual-stack socket's view of IPv4 clients) as IPv4. */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export function parseAcl(entries: readonly string[], what = 'CALLX_DNS_XFR_ALLOW'): Acl {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = isIP(addr ?? '');
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined)
      throw new AclError(`dns: ${what}: '${e}' is not an address or address/prefix`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr!, type);
      continue;
    }
    const n = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || n > max)
      throw new AclError(`dns: ${what}: '${e}': prefix length must be 0-${max}`);
    list.addSubnet(addr!, n, type);
  }
  return {
    entries,
    allows(address: string): boolean {
      const a = plainAddress(address);
      const family = isIP(a);
      if (family === 0) return false;
      return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
