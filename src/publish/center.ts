// A country's call center as RFC 3263 publishes a SIP domain: NAPTR to the SRV names of each
// transport, SRV to the servers, A/AAAA for servers inside our name space.
import { isIP } from 'node:net';
import type { CenterTarget, Country, PublishedRRset } from '#core';
import { centerOwner } from '#numbering';
import type { PublishContext } from './context.ts';
import { naptrRdata } from './naptr.ts';

const TRANSPORTS: Record<CenterTarget['transport'], { srv: string; service: string; order: number }> = {
  tls: { srv: '_sips._tcp', service: 'SIPS+D2T', order: 10 },
  tcp: { srv: '_sip._tcp', service: 'SIP+D2T', order: 20 },
  udp: { srv: '_sip._udp', service: 'SIP+D2U', order: 30 },
};

export function deriveCountry(c: Country, ctx: PublishContext): PublishedRRset[] {
  const domain = centerOwner(c._id, ctx.apex);
  const ttl = ctx.ttl.center;
  const out: PublishedRRset[] = [];
  const used = (Object.keys(TRANSPORTS) as CenterTarget['transport'][]).filter((t) =>
    c.center.targets.some((x) => x.transport === t),
  );
  if (used.length > 0) {
    out.push({
      name: domain,
      type: 'NAPTR',
      ttl,
      rdata: used.map((t) =>
        naptrRdata({
          order: TRANSPORTS[t].order,
          preference: 10,
          flags: 's',
          service: TRANSPORTS[t].service,
          regexp: '',
          replacement: `${TRANSPORTS[t].srv}.${domain}`,
        }),
      ),
    });
  }
  for (const t of used) {
    const targets = c.center.targets.filter((x) => x.transport === t);
    out.push({
      name: `${TRANSPORTS[t].srv}.${domain}`,
      type: 'SRV',
      ttl,
      rdata: targets.map(
        (x) => `${x.priority} ${x.weight} ${x.port} ${x.host.toLowerCase().replace(/\.$/, '')}.`,
      ),
    });
  }
  // Addresses only for hosts in our own name space; others are someone else's zone.
  const hosts = new Map<string, string[]>();
  for (const x of c.center.targets) {
    const host = x.host.toLowerCase().replace(/\.$/, '');
    if (host !== ctx.apex && !host.endsWith(`.${ctx.apex}`)) continue;
    hosts.set(host, [...new Set([...(hosts.get(host) ?? []), ...x.addresses])]);
  }
  for (const [host, addrs] of [...hosts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const v4 = addrs.filter((a) => isIP(a) === 4);
    const v6 = addrs.filter((a) => isIP(a) === 6);
    if (v4.length) out.push({ name: host, type: 'A', ttl, rdata: v4 });
    if (v6.length) out.push({ name: host, type: 'AAAA', ttl, rdata: v6 });
  }
  // the emergency gateway: the short code dialed (the AUS) onto its host (docs/trust.md)
  if (c.emergency) {
    out.push({
      name: `${c._id.toLowerCase()}.emergency.${ctx.apex}`,
      type: 'NAPTR',
      ttl,
      rdata: [
        naptrRdata({
          order: 100,
          preference: 10,
          flags: 'u',
          service: 'E2U+sip',
          regexp: `!^(.*)$!sip:\\1@${c.emergency.host}!`,
        }),
      ],
    });
  }
  return out;
}
