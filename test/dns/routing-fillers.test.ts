// issue 11, item 7: a PSTN route created over the API (a gateway with prefix 82) reaches the
// +821… numbers the demo's master file routes more specifically (+8210): a real DNS node (demo
// zone files + the registry on the embedded store, fed by the journal) computes the
// longest-prefix fillers over the union of files and registry, dig asks it over UDP, and `callx
// zone export` shows the same zone.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { ADMIN, createRoutingService, type RoutingService } from '#registry';
import { exportZoneText } from '../../src/cli/zone.ts';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { dig } from './helpers/dig.ts';
import { APEX, DERIVATION, embeddedRegistry, publisherOn, type Registry } from './helpers/registry.ts';

const ZONES = join(import.meta.dirname, '../../zones');
/** +82 11 2345 6789: below 1.2.8, which the file's +8210 route makes an empty non-terminal. */
const KR_11 = '9.8.7.6.5.4.3.2.1.1.2.8.pstn.callx.test';
/** +82 51 234 5678: below 5.2.8, once a +8255 gateway exists. */
const BUSAN_51 = '8.7.6.5.4.3.2.1.5.2.8.pstn.callx.test';

let reg: Registry;
let store: Store;
let node: DnsNode;
let routing: RoutingService;

const gateways = async (name: string) =>
  (await dig(node.port, name, 'NAPTR')).rdata.map((r) => /@([^;!]+)/.exec(r)?.[1]).sort();

beforeAll(async () => {
  reg = embeddedRegistry();
  store = await reg.open();
  node = createDnsNode({
    config: loadConfig({ CALLX_DNS_PORT: '0', CALLX_DNS_JOURNAL_POLL_MS: '60000' }).dns,
    logger: silentLogger,
    store,
    zonesDir: ZONES,
    apex: APEX,
    derivation: DERIVATION,
  });
  await node.start();
  routing = createRoutingService({ store, publisher: publisherOn(store) });
});
afterAll(async () => {
  await node?.stop();
  await reg?.close();
});

describe('routing fillers over master files and the registry', () => {
  it('the demo file alone: +821[1-9]… reaches the +82 gateway although +8210 has its own', async () => {
    expect(await gateways(KR_11)).toEqual(['gw.kr.callx.test']);
  });

  it('a +82 gateway created over the API reaches the +821… numbers too, at the same serial as its route', async () => {
    await routing.gateways.create(ADMIN, {
      id: 'gw-api',
      name: 'api',
      host: 'gw.api.callx.test',
      prefixes: ['82'],
    });
    await node.poll();
    expect(await gateways(KR_11)).toEqual(['gw.api.callx.test', 'gw.kr.callx.test']);
    expect(await gateways('9.8.7.6.5.4.3.2.1.2.2.8.pstn.callx.test')).toEqual([
      'gw.api.callx.test',
      'gw.kr.callx.test',
    ]);
    const zone = node.zones.get(APEX)!;
    // the route and the filler it needs are one IXFR step: one serial
    const step = zone.changes.at(-1)!;
    expect(step.added.map((r) => r.owner.join('.'))).toEqual(
      expect.arrayContaining(['*.2.8.pstn.callx.test', '*.1.2.8.pstn.callx.test']),
    );
  });

  it('a longer prefix over the API keeps the file’s shorter route for the rest of its range', async () => {
    await routing.gateways.create(ADMIN, {
      id: 'gw-busan',
      name: 'busan',
      host: 'gw.busan.callx.test',
      prefixes: ['8255'],
    });
    await node.poll();
    expect(await gateways('8.7.6.5.4.3.2.1.5.5.2.8.pstn.callx.test')).toEqual(['gw.busan.callx.test']);
    expect(await gateways(BUSAN_51)).toEqual(['gw.api.callx.test', 'gw.kr.callx.test']);
  });

  it('callx zone export shows the fillers, and a node started now serves the same', async () => {
    const config = loadConfig({ CALLX_APEX: APEX, CALLX_ZONES_DIR: ZONES, CALLX_DATA_DIR: reg.dataDir! });
    const text = await exportZoneText(config, APEX);
    expect(text).toMatch(/^\*\.1\.2\.8\.pstn\.callx\.test\.\s+\d+\s+IN\s+NAPTR\s.*gw\.api\.callx\.test/m);
    expect(text).toMatch(/^\*\.5\.2\.8\.pstn\.callx\.test\.\s+\d+\s+IN\s+NAPTR\s.*gw\.kr\.callx\.test/m);
    const fresh = createDnsNode({
      config: loadConfig({ CALLX_DNS_PORT: '0' }).dns,
      logger: silentLogger,
      store,
      zonesDir: ZONES,
      apex: APEX,
      derivation: DERIVATION,
    });
    await fresh.start();
    try {
      expect(await fresh.exportZone(APEX)).toBe(await node.exportZone(APEX));
    } finally {
      await fresh.stop();
    }
  });
});
