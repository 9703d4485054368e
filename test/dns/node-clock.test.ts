// A DNS node reads time only from its injected clock and tails the journal in explicit steps:
// with a manual clock and poll(), what it applies, the lag it reports and when it shares its
// serial checkpoint are decided by the test, not by timers or the wall clock.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode, SERIALS_CHECKPOINT } from '#dns';
import { type ManualClock, manualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { Counter } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal, type Journal } from '../../src/registry/journal.ts';
import { createPublisher, type Publisher } from '../../src/registry/publisher.ts';
import { dig } from './helpers/dig.ts';
import { APEX, DERIVATION, embeddedRegistry, enumName, member, type Registry } from './helpers/registry.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('a DNS node on a manual clock, stepped by poll()', () => {
  let reg: Registry;
  let store: Store;
  let clock: ManualClock;
  let journal: Journal;
  let pub: Publisher;
  let node: DnsNode;

  beforeAll(async () => {
    reg = embeddedRegistry();
    store = await reg.open();
    clock = manualClock(Date.UTC(2030, 0, 1));
    journal = createJournal({ store, logger: silentLogger, clock });
    pub = createPublisher({ store, journal, derivation: DERIVATION, logger: silentLogger, clock });
    await pub.insert('members', member('m1', ['+82262006701']));
    node = createDnsNode({
      config: {
        addr: '127.0.0.1',
        port: 0,
        tcpIdleMs: 5000,
        xfrAllow: ['127.0.0.1'],
        tsigKeys: [],
        notify: [],
        journalPollMs: 60_000, // the timer never fires during the test: poll() is the only step
      },
      logger: silentLogger,
      store: await reg.open(),
      zonesDir: join(ROOT, 'zones'),
      apex: APEX,
      derivation: DERIVATION,
      clock,
      checkpointMs: 10_000,
    });
    await node.start();
  });

  afterAll(async () => {
    await node?.stop();
    await reg?.close();
  });

  it('applies what the journal holds at each step, reports the lag by its clock, checkpoints when due', async () => {
    const counters = store.collection<Counter>('counters');
    expect(node.stats().position).toBe(1);
    await pub.insert('members', member('m2', ['+82262006702']));
    // nothing happens between steps
    expect((await dig(node.port, enumName('+82262006702'), 'NAPTR')).status).toBe('NXDOMAIN');
    clock.advance(250);
    expect(await node.poll()).toBe(2);
    expect(node.stats()).toMatchObject({ position: 2, lagMs: 250, applied: 1 });
    expect((await dig(node.port, enumName('+82262006702'), 'NAPTR')).rdata).toHaveLength(1);
    // the checkpoint is due 10 s (by the clock) after the start
    expect(await counters.get(SERIALS_CHECKPOINT)).toBeNull();
    clock.advance(9_749);
    await node.poll();
    expect(await counters.get(SERIALS_CHECKPOINT)).toBeNull();
    clock.advance(1);
    await node.poll();
    expect((await counters.get(SERIALS_CHECKPOINT))?.seq).toBe(2);
    // and not again before another 10 s, however far the journal moves
    await pub.insert('members', member('m3', ['+82262006703']));
    expect(await node.poll()).toBe(3);
    expect((await counters.get(SERIALS_CHECKPOINT))?.seq).toBe(2);
    clock.advance(10_000);
    await node.poll();
    expect((await counters.get(SERIALS_CHECKPOINT))?.seq).toBe(3);
  });
});
