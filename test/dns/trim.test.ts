// A trimmed change journal under running DNS nodes: one node keeps up and writes the serial
// checkpoint; the other polls slowly, so retention trims entries it has not read. It must
// notice (never skip them as gaps), reload from the registry's documents, answer the change,
// and serve the same serial as the node that kept up.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode, SERIALS_CHECKPOINT } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import type { Counter } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { applyRetention } from '../../src/registry/journal-retention.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { until } from '../helpers/until.ts';
import { dig, soaSerial } from './helpers/dig.ts';
import {
  DERIVATION,
  embeddedRegistry,
  enumName,
  member,
  publisherOn,
  type Registry,
} from './helpers/registry.ts';

const ROOT = join(import.meta.dirname, '../..');

function nodeOn(store: Store, journalPollMs: number): DnsNode {
  return createDnsNode({
    config: {
      addr: '127.0.0.1',
      port: 0,
      tcpIdleMs: 5000,
      xfrAllow: ['127.0.0.1'],
      tsigKeys: [],
      notify: [],
      journalPollMs,
    },
    logger: silentLogger,
    store,
    zonesDir: join(ROOT, 'zones'),
    apex: 'callx.test',
    derivation: DERIVATION,
    checkpointMs: 0,
  });
}

describe('DNS nodes over a trimmed change journal', () => {
  let reg: Registry;
  let store: Store;
  let pub: Publisher;
  let fast: DnsNode;
  let slow: DnsNode;

  beforeAll(async () => {
    reg = embeddedRegistry();
    store = await reg.open();
    pub = publisherOn(store);
    await pub.insert('members', member('m1', ['+82262006401']));
    fast = nodeOn(await reg.open(), 50);
    slow = nodeOn(await reg.open(), 4000);
    await fast.start();
    await slow.start();
  });

  afterAll(async () => {
    await fast?.stop();
    await slow?.stop();
    await reg?.close();
  });

  it('a node the trim left behind reloads, answers the change and serves the same serial', async () => {
    const counters = store.collection<Counter>('counters');
    await pub.insert('members', member('m2', ['+82262006402']));
    const head = await createJournal({ store, logger: silentLogger }).head();
    // the node that keeps up applies the entry and moves the shared checkpoint past it
    await until('the checkpoint past the new entry', async () => {
      return fast.stats().position >= head && ((await counters.get(SERIALS_CHECKPOINT))?.seq ?? 0) >= head;
    });
    expect(slow.stats().position).toBeLessThan(head);
    const journal = createJournal({ store, logger: silentLogger });
    const trimmed = await applyRetention(store, journal, { keepMs: 0, checkpoints: [SERIALS_CHECKPOINT] });
    expect(trimmed.floor).toBe(head);
    expect(trimmed.deleted).toBeGreaterThan(0);

    await until('the slow node to reload', () => slow.stats().reloads === 1, 20_000);
    expect(slow.stats().position).toBeGreaterThanOrEqual(head);
    expect((await dig(slow.port, enumName('+82262006402'), 'NAPTR')).rdata).toHaveLength(1);
    expect(await soaSerial(slow.port, 'e164.callx.test')).toBe(await soaSerial(fast.port, 'e164.callx.test'));
    expect(fast.stats().reloads).toBe(0);

    // and it follows the journal again from there
    await pub.insert('members', member('m3', ['+82262006403']));
    await until(
      'the slow node to see the next change',
      async () => {
        return (await dig(slow.port, enumName('+82262006403'), 'NAPTR')).rdata.length > 0;
      },
      20_000,
    );
    expect(slow.stats().reloads).toBe(1);
  });
});
