// Memory after overload: every table of the redirector stays within its bound however many
// distinct transactions arrive, DNS queries waiting for a silent resolver are bounded too, and
// once the traffic stops the sweeper drops what expired, so the heap returns to where it was.
import dgram from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService, SipTables } from '#sip';
import { until } from '../helpers/until.ts';
import { request, startDns, startSip } from './env.ts';

let dns: DnsServer;

beforeAll(async () => {
  dns = await startDns(undefined, 50); // its packet cache is in this process too: keep it out of the heap figures
});
afterAll(async () => {
  await dns?.stop();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Live heap after full collections, so only what is still referenced counts. */
function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Sends `total` requests over UDP, keeping `window` unanswered at most, and counts the answers by
 * status. Rejects when answers stop coming for `stallMs`.
 */
async function flood(
  port: number,
  total: number,
  make: (i: number, localPort: number) => string,
  window = 64,
  stallMs = 10_000,
): Promise<Map<number, number>> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const localPort = sock.address().port;
  const statuses = new Map<number, number>();
  let sent = 0;
  let received = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => reject(new Error(`flood: no answer for ${stallMs} ms (${received}/${sent} answered)`)),
          stallMs,
        );
      };
      const pump = () => {
        while (sent < total && sent - received < window)
          sock.send(make(sent++, localPort), port, '127.0.0.1');
      };
      sock.on('message', (buf) => {
        const code = Number(/^SIP\/2\.0 (\d{3})/.exec(buf.toString('latin1', 0, 16))?.[1] ?? 0);
        statuses.set(code, (statuses.get(code) ?? 0) + 1);
        received++;
        arm();
        if (received === total) {
          clearTimeout(timer);
          resolve();
        } else pump();
      });
      arm();
      pump();
    });
  } finally {
    sock.close();
  }
  return statuses;
}

/** Samples the tables while `work` runs; resolves to the largest size seen of each. */
async function watchTables(service: SipService, work: Promise<unknown>): Promise<SipTables> {
  const max = { ...service.stats().tables };
  const sample = () => {
    const t = service.stats().tables;
    for (const k of Object.keys(max) as (keyof SipTables)[]) max[k] = Math.max(max[k], t[k]);
  };
  const timer = setInterval(sample, 20);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  sample();
  return max;
}

const MEMBER = 'sip:+82262006200@callx.test';

describe('memory after overload', () => {
  it('50,000 distinct transactions over UDP: every table stays at its bound, and memory returns afterwards', async () => {
    const bounds = {
      transactions: 5000,
      verdictCacheEntries: 1000,
      dnsCacheEntries: 1000,
      parseCacheEntries: 1000,
    };
    const sip = await startSip(
      dns.port,
      {},
      {
        limits: {
          ...bounds,
          transactionTtlMs: 1500,
          dnsMaxTtl: 2, // answers (and the verdicts built on them) expire within the test
          // the sweeper waits for quiet: under the flood (far above 20 a second) only the bounds
          // hold the tables, so they must reach them and stop there
          sweepMs: 300,
          sweepQuietRate: 20,
        },
      },
    );
    try {
      // every request is a new transaction (its own branch and Call-ID); one in five dials a
      // number never seen before in our own range (a DNS query, a verdict, a parsed identifier)
      const make = (from: number) => (i: number, localPort: number) =>
        request({
          uri: i % 5 === 0 ? `sip:+8270${String(100_000_000 + from + i).slice(1)}@callx.test` : MEMBER,
          localPort,
        });
      await flood(sip.port, 500, make(90_000_000)); // warm up code paths before the baseline
      // the baseline is taken once the warm-up's entries expired (1.5 s, 2 s) and were swept
      await until('the warm-up entries to expire', () => {
        sip.service.sweep();
        const t = sip.service.stats().tables;
        return t.transactions === 0 && t.dns_cache === 0 && t.verdicts === 0;
      });
      const baseline = liveHeap();

      const total = 50_000;
      let statuses = new Map<number, number>();
      const max = await watchTables(
        sip.service,
        flood(sip.port, total, make(0)).then((s) => {
          statuses = s;
        }),
      );
      expect(statuses.get(302)).toBe(total * 0.8);
      expect(statuses.get(604)).toBe(total * 0.2);
      // at their bounds, never past them
      expect(max.transactions).toBe(bounds.transactions);
      expect(max.verdicts).toBeLessThanOrEqual(bounds.verdictCacheEntries);
      expect(max.dns_cache).toBeLessThanOrEqual(bounds.dnsCacheEntries);
      expect(max.parsed).toBeLessThanOrEqual(bounds.parseCacheEntries);
      expect(max.dns_cache).toBeGreaterThan(bounds.dnsCacheEntries / 2); // the flood did fill them
      expect(max.parsed).toBe(bounds.parseCacheEntries);
      expect(max.dns_inflight).toBeLessThan(100);
      const peak = liveHeap();

      // quiet again: the sweeper drops expired transactions, answers and verdicts on its own
      await until(
        'the sweeper to empty the tables',
        () => {
          const t = sip.service.stats().tables;
          return t.transactions === 0 && t.dns_cache === 0 && t.verdicts === 0;
        },
        30_000,
      );
      const after = liveHeap();
      expect(peak - after).toBeGreaterThan(2 * 1024 * 1024); // what the tables held was released
      expect(after - baseline).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await sip.service.stop();
    }
  }, 180_000);

  it('a silent resolver under a flood of new numbers: queries waiting are bounded, the rest get 503 at once', async () => {
    const hole = dgram.createSocket('udp4'); // never answers
    await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
    const sip = await startSip(
      hole.address().port,
      { CALLX_SIP_DNS_TIMEOUT_MS: '1000', CALLX_SIP_DNS_TRIES: '1' },
      { limits: { dnsInflight: 200 } },
    );
    try {
      let statuses = new Map<number, number>();
      const total = 3000;
      const max = await watchTables(
        sip.service,
        flood(
          sip.port,
          total,
          (i, localPort) => request({ uri: `sip:+8226${String(1_000_000 + i)}@callx.test`, localPort }),
          500,
        ).then((s) => {
          statuses = s;
        }),
      );
      expect(statuses.get(503)).toBe(total);
      expect(max.dns_inflight).toBeLessThanOrEqual(200);
      expect(max.dns_inflight).toBeGreaterThan(100);
      await until(
        'the waiting queries to time out',
        () => sip.service.stats().tables.dns_inflight === 0,
        10_000,
      );
    } finally {
      await sip.service.stop();
      hole.close();
    }
  }, 60_000);
});
