// DNS nodes fed by the registry, through the store: documents loaded at start, changes written
// with the registry's publisher reach every running node within a second (asked with dig),
// serials move forward and agree between nodes at the same journal position.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import { serialGt } from '../../src/dns/model/serial.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { until } from '../helpers/until.ts';
import { dig, digUntil, soaSerial } from './helpers/dig.ts';
import { APEX, DERIVATION, enumName, member, publisherOn, type Registry } from './helpers/registry.ts';
import { buildQuery, udpQuery } from './helpers/wire.ts';

const ROOT = join(import.meta.dirname, '../..');
const E164_ZONE = `e164.${APEX}`;
/** The freshness bound, measured from the start of the registry write. */
const FRESH_MS = 1000;

/**
 * The moment (performance.now()) the node at `port` first answers `name` NAPTR with `rcode` and
 * `answers` records. Asked in-process every 5 ms: a dig process per try would add its own
 * start-up, long on a loaded machine, to the time measured. dig then checks the answer itself.
 */
async function answeredAt(port: number, name: string, rcode: number, answers: number): Promise<number> {
  return until(
    `${name} NAPTR at port ${port} with rcode ${rcode} and ${answers} answers`,
    async () => {
      const r = await udpQuery(port, buildQuery({ name, type: 'NAPTR' }));
      return (r[3]! & 0xf) === rcode && r.readUInt16BE(6) === answers && performance.now();
    },
    10_000,
    5,
  );
}

export function defineFeedSuite(label: string, makeRegistry: () => Registry): void {
  describe(`DNS fed by the registry (${label})`, () => {
    let reg: Registry;
    let pub: Publisher;
    const nodes: DnsNode[] = [];

    async function startNode(): Promise<DnsNode> {
      const node = createDnsNode({
        config: {
          addr: '127.0.0.1',
          port: 0,
          tcpIdleMs: 5000,
          xfrAllow: ['127.0.0.1'],
          tsigKeys: [],
          notify: [],
          journalPollMs: 200,
        },
        logger: silentLogger,
        store: await reg.open(),
        zonesDir: join(ROOT, 'zones'),
        apex: APEX,
        derivation: DERIVATION,
        checkpointMs: 0,
      });
      await node.start();
      nodes.push(node);
      return node;
    }

    beforeAll(async () => {
      reg = makeRegistry();
      pub = publisherOn(await reg.open());
      await pub.insert('members', member('m-pre', ['+82262006301']));
      await pub.insert('members', member('m-gone', ['+82262006309']));
      await pub.remove('members', { _id: 'm-gone' });
      await startNode();
      await startNode();
    });

    afterAll(async () => {
      for (const n of nodes.splice(0)) await n.stop();
      await reg?.close();
    });

    it('serves what the registry held at start, and nothing a removed member published', async () => {
      for (const n of nodes) {
        expect(n.ready()).toBe(true);
        const a = await dig(n.port, enumName('+82262006301'), 'NAPTR');
        expect(a.status).toBe('NOERROR');
        expect(a.flags).toContain('aa');
        expect(a.rdata).toEqual(['100 10 "u" "E2U+sip" "!^.*$!sip:+82262006301@kr.center.callx.test!" .']);
        expect((await dig(n.port, enumName('+82262006309'), 'NAPTR')).status).toBe('NXDOMAIN');
      }
    });

    it('answers a registration, a release and a removal on every node within 1 s', async () => {
      const before = await soaSerial(nodes[0]!.port, E164_ZONE);
      const name = enumName('+82262006302');
      const changes: [
        string,
        () => Promise<unknown>,
        (a: Awaited<ReturnType<typeof dig>>) => boolean,
        number,
        number,
      ][] = [
        [
          'registered',
          () => pub.insert('members', member('m-new', ['+82262006302'])),
          (a) => a.status === 'NOERROR' && a.rdata.length === 1,
          0,
          1,
        ],
        [
          'released',
          () => pub.update('members', { _id: 'm-new' }, { $set: { numbers: [] } }),
          (a) => a.status === 'NXDOMAIN',
          3,
          0,
        ],
      ];
      for (const [what, write, ok, rcode, answers] of changes) {
        const t0 = performance.now();
        await write();
        const took = (await Promise.all(nodes.map((n) => answeredAt(n.port, name, rcode, answers)))).map(
          (at) => at - t0,
        );
        const total = Math.max(...took);
        for (const n of nodes) await digUntil(n.port, name, 'NAPTR', ok); // dig sees it so
        // each node answered within the bound, counted from the start of the write
        expect({
          what,
          ms: total < FRESH_MS ? 'fresh' : Math.round(total),
          took: took.map(Math.round),
        }).toMatchObject({
          what,
          ms: 'fresh',
        });
      }
      const t0 = performance.now();
      await pub.remove('members', { _id: 'm-pre' });
      const removedAt = await Promise.all(
        nodes.map((n) => answeredAt(n.port, enumName('+82262006301'), 3, 0)),
      );
      expect(Math.max(...removedAt) - t0).toBeLessThan(FRESH_MS);
      for (const n of nodes)
        await digUntil(n.port, enumName('+82262006301'), 'NAPTR', (a) => a.status === 'NXDOMAIN');
      const serials = await Promise.all(nodes.map((n) => soaSerial(n.port, E164_ZONE)));
      expect(new Set(serials).size).toBe(1);
      expect(serialGt(serials[0]!, before)).toBe(true);
    });

    it('a node started later gives the same serials as the others at the same journal position', async () => {
      const late = await startNode();
      await pub.insert('members', member('m-late', ['+82262006303']));
      for (const n of nodes)
        await digUntil(n.port, enumName('+82262006303'), 'NAPTR', (a) => a.rdata.length === 1);
      const positions = nodes.map((n) => n.stats().position);
      expect(new Set(positions).size).toBe(1);
      for (const zone of [APEX, E164_ZONE]) {
        const serials = await Promise.all(nodes.map((n) => soaSerial(n.port, zone)));
        expect(serials, zone).toEqual([serials[0], serials[0], serials[0]]);
      }
      expect(late.stats().applied).toBe(1);
    });
  });
}
