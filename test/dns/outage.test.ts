// A store outage: the DNS node keeps serving what it has, logs, retries, and catches up when the
// store is back; a node that starts while the store is down serves nothing half-loaded and comes
// up once it can load. A FerretDB of its own is stopped and started again on the same port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import type { Publisher } from '../../src/registry/publisher.ts';
import { until } from '../helpers/until.ts';
import { findFerretdb } from '../setup/mongo.ts';
import { dig, digUntil } from './helpers/dig.ts';
import { freePort } from './helpers/knot.ts';
import {
  APEX,
  DERIVATION,
  enumName,
  member,
  mongoRegistry,
  publisherOn,
  type Registry,
} from './helpers/registry.ts';

const ROOT = join(import.meta.dirname, '../..');

/** A FerretDB that can be stopped and started again on the same port and data. */
function ferret(port: number, dir: string) {
  const bin = findFerretdb();
  if (!bin) throw new Error('no FerretDB binary: run `bash .ci/ferretdb.sh` (see test/setup/mongo.ts)');
  let child: ChildProcess | null = null;
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    async start() {
      child = spawn(
        bin,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${dir}`,
          '--debug-addr=127.0.0.1:0',
          '--telemetry=disable',
          '--log-level=error',
        ],
        { stdio: 'ignore' },
      );
      // up when the port takes connections
      const net = await import('node:net');
      for (let i = 0; i < 200; i++) {
        const ok = await new Promise<boolean>((r) => {
          const s = net.connect(port, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            r(true);
          });
          s.once('error', () => r(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('FerretDB did not start');
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
}

function nodeOn(store: Store): DnsNode {
  return createDnsNode({
    config: {
      addr: '127.0.0.1',
      port: 0,
      tcpIdleMs: 5000,
      xfrAllow: [],
      tsigKeys: [],
      notify: [],
      journalPollMs: 100,
    },
    logger: silentLogger,
    store,
    zonesDir: join(ROOT, 'zones'),
    apex: APEX,
    derivation: DERIVATION,
  });
}

describe('DNS node and a store outage', () => {
  let dir: string;
  let db: ReturnType<typeof ferret>;
  let reg: Registry;
  let pub: Publisher;
  const nodes: DnsNode[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-outage-'));
    db = ferret(await freePort(), dir);
    await db.start();
    reg = mongoRegistry(db.uri, 'outage', 1000);
    pub = publisherOn(await reg.open());
  });

  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await reg?.close();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving the last state while the store is down, and catches up when it is back', async () => {
    await pub.insert('members', member('m1', ['+82262006501']));
    const node = nodeOn(await reg.open());
    nodes.push(node);
    await node.start();
    expect((await dig(node.port, enumName('+82262006501'), 'NAPTR')).rdata).toHaveLength(1);
    await db.stop();
    // the node notices (journal reads fail), logs, and answers from its model meanwhile
    await until('the node to notice the outage', () => node.stats().journalFailures > 0);
    expect(node.ready()).toBe(true);
    const during = await dig(node.port, enumName('+82262006501'), 'NAPTR');
    expect(during.status).toBe('NOERROR');
    expect(during.rdata).toHaveLength(1);
    await db.start();
    await pub.insert('members', member('m2', ['+82262006502']));
    await digUntil(node.port, enumName('+82262006502'), 'NAPTR', (a) => a.rdata.length === 1, 20_000);
    expect(node.stats().journalFailures).toBe(0);
  });

  it('a node starting while the store is down waits (not ready, not answering), then comes up', async () => {
    const store = await reg.open(); // connected (as `callx serve` is), then the server goes away
    await db.stop();
    const node = nodeOn(store);
    nodes.push(node);
    const started = node.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(node.ready()).toBe(false);
    expect(node.port).toBe(0);
    await db.start();
    await started;
    expect(node.ready()).toBe(true);
    expect((await dig(node.port, enumName('+82262006502'), 'NAPTR')).rdata).toHaveLength(1);
  });
});
