// Which countries we serve have no emergency route: for every country whose center exists in
// DNS (<cc>.center.<apex>, from master files or the registry), its <cc>.emergency.<apex> must
// hold a NAPTR. Checked at start and every `everyMs` after; what is missing is logged and shown
// in /readyz's detail (docs/trust.md, "Emergency calls").
import type { Logger } from '#core';
import { centerOwner } from '#numbering';
import { type DnsCache, emergencyOwner, emergencyRegions } from '#resolve';

const NAPTR = 35;

export interface EmergencyRoutes {
  /** Countries with a center and no emergency route, as last checked (null before the first check). */
  missing(): string[] | null;
  check(): Promise<string[]>;
  start(): void;
  stop(): void;
}

export function createEmergencyRoutes(deps: {
  dns: Pick<DnsCache, 'lookup'>;
  apex: string;
  log: Logger;
  everyMs?: number;
}): EmergencyRoutes {
  let last: string[] | null = null;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<string[]> | undefined;
  let stopped = false;

  async function checkNow(): Promise<string[]> {
    const missing: string[] = [];
    let served = 0;
    for (const cc of emergencyRegions()) {
      if (stopped) return missing; // the redirector stopped: no more queries
      let center: string;
      try {
        center = centerOwner(cc, deps.apex);
      } catch {
        continue; // a region the number plan does not know
      }
      const c = await deps.dns.lookup(center, NAPTR);
      if (c.outcome === 'NXDOMAIN') continue;
      served++;
      const e = await deps.dns.lookup(emergencyOwner(cc, deps.apex), NAPTR);
      if (e.outcome !== 'NOERROR' || e.records.length === 0) missing.push(cc);
    }
    const before = last;
    last = missing;
    if (missing.length > 0 && JSON.stringify(before) !== JSON.stringify(missing))
      deps.log.warn(
        { missing, served },
        `sip: emergency: no emergency route for ${missing.join(', ')} (${missing.map((m) => emergencyOwner(m, deps.apex)).join(', ')}): emergency calls of those countries get 503`,
      );
    else if (missing.length === 0 && before?.length)
      deps.log.info({ served }, 'sip: emergency: every country served has an emergency route');
    return missing;
  }

  return {
    missing: () => last,
    check() {
      checking ??= checkNow().finally(() => {
        checking = undefined;
      });
      return checking;
    },
    start() {
      stopped = false;
      const run = () =>
        void this.check().catch((err: unknown) =>
          deps.log.warn({ err: (err as Error).message }, 'sip: emergency: routes could not be checked (DNS)'),
        );
      run();
      timer = setInterval(run, deps.everyMs ?? 600_000);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
