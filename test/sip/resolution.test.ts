// decide(): the SIP path remembers resolve()'s verdict exactly as long as the DNS answers it used
// are valid, and then follows DNS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, loadZonesDir } from '#dns';
import { createResolver, type ResolverHandle } from '#resolve';
import { until } from '../helpers/until.ts';
import { sipConfig, startDns } from './env.ts';

const zone = (host: string) => `$ORIGIN callx.test.
$TTL 1
@ 3600 IN SOA ns1.callx.test. hostmaster.callx.test. 1 3600 600 604800 1
  3600 IN NS ns1
ns1 3600 IN A 127.0.0.1
0.0.2.6.0.0.2.6.2.2.8.e164 1 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@${host}!" .
`;

let dir: string;
let dns: DnsServer;
let resolver: ResolverHandle;

function serve(host: string): void {
  writeFileSync(join(dir, 'callx.test.zone'), zone(host));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-decide-'));
  serve('one.example');
  dns = await startDns(dir);
  resolver = createResolver(sipConfig(dns.port));
});
afterAll(async () => {
  resolver?.close();
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('decide', () => {
  it('keeps a verdict for the TTL of its answers, then follows DNS', async () => {
    const first = await resolver.decide('sip:+82262006200@callx.test');
    expect(first.contacts[0]).toMatch(/^<sip:\+82262006200@one\.example>;q=1\.0$/);
    serve('two.example');
    dns.setZones(loadZonesDir(dir).zones);
    // the full resolution asks the cache too: both still say "one" within the TTL
    expect((await resolver.decide('sip:+82262006200@callx.test')).contacts[0]).toContain('one.example');
    const now = await until('the verdict to follow DNS once its TTL is over', async () => {
      const v = await resolver.decide('sip:+82262006200@callx.test');
      return v.contacts[0]!.includes('two.example') && v;
    });
    expect(now.contacts[0]).toMatch(/^<sip:\+82262006200@two\.example>;q=1\.0$/);
  });

  it('never keeps a failure', async () => {
    const dead = createResolver(sipConfig(9, { CALLX_SIP_DNS_TIMEOUT_MS: '50', CALLX_SIP_DNS_TRIES: '1' }));
    try {
      expect((await dead.decide('sip:+82262006200@callx.test')).status).toBe(503);
      // a second call asks again (it takes the timeout again rather than answering from memory)
      const t0 = Date.now();
      expect((await dead.decide('sip:+82262006200@callx.test')).status).toBe(503);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    } finally {
      dead.close();
    }
  });
});
