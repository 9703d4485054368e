// Who is paid for a Contact (docs/billing.md, "On the SIP path"): the PSTN gateway whose host the
// pstn tree rewrote the number onto, the partner carrier whose ingress (or ENUM tree) the carriers
// tree or a partner's tree led to. Read from the registry's routing data and kept in memory,
// refreshed every few seconds; the data last read stays in force while the registry fails.
import {
  type Clock,
  COLLECTIONS,
  type LogLimiter,
  type PartnerCarrier,
  type PstnGateway,
  type Store,
  systemClock,
} from '#core';

export interface PartyTable {
  /** Gateways and carriers by lower-case host[:port]. */
  byHost: ReadonlyMap<string, string>;
  /** Partner carriers by the suffix of their ENUM tree. */
  byEnumSuffix: ReadonlyMap<string, string>;
}

export interface PartySource {
  load(): Promise<PartyTable>;
}

/** The host[:port] of a Contact value or SIP URI ('<sip:+44..@gw.uk.example:5070;user=phone?..>;q=1'). */
export function contactHost(contact: string): string {
  const open = contact.indexOf('<');
  let uri = open >= 0 ? contact.slice(open + 1, contact.indexOf('>', open) >>> 0) : contact;
  const at = uri.indexOf('@');
  uri = at >= 0 ? uri.slice(at + 1) : uri.replace(/^[a-z]+:/i, '');
  const end = uri.search(/[;?>]/);
  return (end >= 0 ? uri.slice(0, end) : uri).toLowerCase();
}

/** The party key of a Contact: 'gateway:<id>', 'carrier:<id>', or 'host:<host>' for one unknown. */
export function partyOf(table: PartyTable, contact: string, source: string): string {
  const last = source.split('>').at(-1) ?? source;
  if (last.startsWith('enum:')) {
    const p = table.byEnumSuffix.get(last.slice(5).toLowerCase());
    if (p) return p;
  }
  const host = contactHost(contact);
  return table.byHost.get(host) ?? table.byHost.get(host.replace(/:\d+$/, '')) ?? `host:${host}`;
}

export function registryParties(store: Store): PartySource {
  return {
    async load() {
      const [gateways, carriers] = await Promise.all([
        store.collection<PstnGateway>(COLLECTIONS.gateways).find({}),
        store.collection<PartnerCarrier>(COLLECTIONS.carriers).find({}),
      ]);
      const byHost = new Map<string, string>();
      const byEnumSuffix = new Map<string, string>();
      for (const g of gateways) byHost.set(g.host.toLowerCase(), `gateway:${g._id}`);
      for (const c of carriers) {
        byHost.set(c.ingress.toLowerCase(), `carrier:${c._id}`);
        if (c.enumSuffix) byEnumSuffix.set(c.enumSuffix.toLowerCase().replace(/\.$/, ''), `carrier:${c._id}`);
      }
      return { byHost, byEnumSuffix };
    },
  };
}

export const EMPTY_PARTIES: PartyTable = { byHost: new Map(), byEnumSuffix: new Map() };

/** The table in memory, read at start and every refreshMs. */
export function createPartyState(deps: {
  source: PartySource;
  refreshMs?: number;
  clock?: Clock;
  limiter: LogLimiter;
}) {
  let table: PartyTable = EMPTY_PARTIES;
  let timer: NodeJS.Timeout | undefined;
  const clock = deps.clock ?? systemClock;
  let readAt = 0;
  async function refresh(): Promise<void> {
    try {
      table = await deps.source.load();
      readAt = clock.now();
    } catch (err) {
      deps.limiter.log(
        'warn',
        'billing:parties',
        { err: (err as Error).message },
        'sip: billing: gateways and carriers could not be read from the registry; the last read stays in force',
      );
    }
  }
  return {
    table: () => table,
    readAt: () => readAt,
    refresh,
    async start(): Promise<void> {
      await refresh();
      timer ??= setInterval(() => void refresh(), deps.refreshMs ?? 5000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
export type PartyState = ReturnType<typeof createPartyState>;
