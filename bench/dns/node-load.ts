// How long a DNS node takes to start, and what it costs: master files plus a registry of N
// members in the embedded store (as registered through the publisher: documents and one journal
// entry each), first with no serial checkpoint (the node reads the whole journal), then with
// one; optionally an AXFR of a zone, with the time and the memory it takes.
//
// Usage: node bench/dns/node-load.ts [--zones DIR] [--members N] [--axfr APEX] [--data DIR] [--once]
//   --zones DIR   master files (default: the demo zones/); e.g. a dir holding only
//                 e164.callx.test.zone from gen_data.py's 1,000,000-name zone
//   --members N   members to register before the node starts (default 0)
//   --axfr APEX   transfer this zone once the node runs (raw TCP, no TSIG)
//   --data DIR    keep the embedded store in DIR: seeded when empty, reused as it is when not
//                 (a 1M-member store takes minutes to seed); a temporary one by default
//   --once        one start only, without a serial checkpoint unless the store holds one
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDnsNode } from '#dns';
import { derivationFor } from '#publish';
import { createLogger } from '../../src/core/log.ts';
import type { JournalEntry, Member } from '../../src/core/model.ts';
import { documentSource, formatSource } from '../../src/core/sources.ts';
import { writeCheckpoint } from '../../src/dns/feed/load.ts';
import { StreamPositions } from '../../src/dns/feed/scope.ts';
import type { PublishedDoc } from '../../src/registry/publisher.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { readName } from '../../src/wire/rdata/wire.ts';
import { buildQuery } from '../../test/dns/helpers/wire.ts';

const { values } = parseArgs({
  options: {
    zones: { type: 'string', default: join(import.meta.dirname, '../../zones') },
    members: { type: 'string', default: '0' },
    axfr: { type: 'string' },
    data: { type: 'string' },
    once: { type: 'boolean', default: false },
  },
});
const N = Number(values.members);
const APEX = 'callx.test';
const mib = (n: number) => Math.round(n / 1048576);
const log = createLogger((process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn');
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** Anonymous (heap, malloc) and file-backed parts of the resident set, from /proc. */
function rssParts(): Record<string, number> {
  try {
    const st = readFileSync('/proc/self/status', 'utf8');
    const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+)`, 'm').exec(st)?.[1] ?? 0);
    return { rssAnonMiB: Math.round(kb('RssAnon') / 1024), rssFileMiB: Math.round(kb('RssFile') / 1024) };
  } catch {
    return {};
  }
}

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

const keep = values.data !== undefined;
if (keep && !existsSync(values.data!)) mkdirSync(values.data!, { recursive: true });
const reuse = keep && readdirSync(values.data!).length > 0;
const dataDir = keep ? values.data! : mkdtempSync(join(tmpdir(), 'callx-nodeload-'));
try {
  const store = createEmbeddedStore({ dataDir, logger: log });
  await store.ensureSchema(SCHEMA);
  if (reuse) out({ event: 'reused', dataDir });
  const derivation = derivationFor({ apex: APEX });
  if (N > 0 && !reuse) {
    const t0 = performance.now();
    const members = store.collection<Member & PublishedDoc>('members');
    const journal = store.collection<JournalEntry>('journal');
    const now = Date.now();
    for (let i = 0; i < N; i += 5000) {
      const docs: (Member & PublishedDoc)[] = [];
      const entries: JournalEntry[] = [];
      for (let j = i; j < Math.min(N, i + 5000); j++) {
        const m: Member = {
          _id: `m${j}`,
          registrarId: 'r1',
          type: 'individual',
          displayName: `member ${j}`,
          country: 'KR',
          numbers: [{ kind: 'pin', e164: `+8231${String(j).padStart(7, '0')}` }],
          otherCarriers: [],
          contactPstn: '+82262006200',
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        // as the publisher stores it: the contribution with the document, then the entry
        const { rrsets } = derivation.derive('members', m);
        docs.push({ ...m, published: { v: 1, d: derivation.version, rrsets } });
        entries.push({
          _id: j + 1,
          at: now,
          source: formatSource(documentSource('members', m._id)),
          version: 1,
          rrsets,
          derivation: derivation.version,
        });
      }
      await members.insertMany(docs);
      await journal.insertMany(entries);
    }
    await store
      .collection('counters')
      .findOneAndUpdate({ _id: 'journal' }, { $set: { seq: N } }, { upsert: true });
    out({ event: 'seeded', members: N, ms: Math.round(performance.now() - t0) });
  }

  const start = async (label: string) => {
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const node = createDnsNode({
      config: {
        addr: '127.0.0.1',
        port: 0,
        tcpIdleMs: 10_000,
        xfrAllow: ['127.0.0.1'],
        tsigKeys: [],
        notify: [],
        journalPollMs: 200,
      },
      logger: log,
      store,
      zonesDir: values.zones,
      apex: APEX,
      derivation,
    });
    await node.start();
    const ms = Math.round(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss);
    globalThis.gc?.();
    const m = process.memoryUsage();
    out({
      event: 'started',
      label,
      ms,
      zones: [...node.zones.zones.values()].map((z) => ({
        zone: z.name,
        names: z.nodes.size,
        serial: z.serial,
      })),
      rssMiB: mib(m.rss),
      heapMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
      ...rssParts(),
      rssBeforeMiB: mib(before),
      peakRssMiB: mib(peak),
    });
    return node;
  };

  let node = await start(reuse ? 'store reused' : 'no serial checkpoint (reads the whole journal)');
  if (N > 0 && !values.once) {
    const sp = new StreamPositions();
    sp.note(N, 'members/x');
    await writeCheckpoint(store, sp);
    await node.stop();
    node = null as unknown as typeof node; // let the first model go before the second loads
    node = await start('with a serial checkpoint');
  }

  if (values.axfr) {
    peak = process.memoryUsage().rss;
    const q = buildQuery({ name: values.axfr, type: 'AXFR', id: 1, edns: null });
    const t0 = performance.now();
    const bytes = await new Promise<number>((resolve, reject) => {
      let n = 0;
      let records = 0;
      let soas = 0;
      let buf = Buffer.alloc(0);
      const s = net.connect(node.port, '127.0.0.1', () =>
        s.write(Buffer.concat([Buffer.from([0, q.length]), q])),
      );
      s.on('error', reject);
      s.on('data', (d) => {
        n += d.length;
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + msg.length);
          // walk the records: the transfer ends with its second SOA
          let p = 12;
          for (let i = 0; i < msg.readUInt16BE(4); i++) p = readName(msg, p).next + 4;
          for (let i = 0; i < msg.readUInt16BE(6); i++) {
            p = readName(msg, p).next;
            if (msg.readUInt16BE(p) === 6) soas++;
            p += 10 + msg.readUInt16BE(p + 8);
            records++;
          }
          peak = Math.max(peak, process.memoryUsage().rss);
        }
        if (soas >= 2) {
          s.destroy();
          out({ event: 'axfr-records', records });
          resolve(n);
        }
      });
    });
    out({
      event: 'axfr',
      zone: values.axfr,
      ms: Math.round(performance.now() - t0),
      MiB: mib(bytes),
      peakRssMiB: mib(peak),
    });
  }
  await node.stop();
  await store.close();
} finally {
  clearInterval(sampler);
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
}
