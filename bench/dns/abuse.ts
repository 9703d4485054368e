// What hostile clients make a DNS server process hold: its RSS (from /proc) while
//   tcp:  4 clients pipeline 400 queries each for a 62 KB RRset and never read, or
//   fuzz: 420,000 mutated and random packets arrive over UDP (test/dns/fuzz.test.ts's generator, seed 1).
// The server is bench/dns/serve.ts of the tree given by --root (default: this one), so the same
// measurement runs against another commit (bench/RESULTS.md, "DNS limits").
//
// Usage: node bench/dns/abuse.ts tcp|fuzz [--root DIR]
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildQuery } from '../../test/dns/helpers/wire.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { root: { type: 'string', default: join(import.meta.dirname, '../..') } },
});
const what = positionals[0];
if (what !== 'tcp' && what !== 'fuzz') {
  process.stderr.write('usage: abuse.ts tcp|fuzz [--root DIR]\n');
  process.exit(2);
}
const root = values.root;
const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'callx-abuse-'));
let zone = join(root, 'zones/callx.test.zone');
let apex = 'callx.test';
if (what === 'tcp') {
  const lines = ['$TTL 300', '@ SOA ns1 hostmaster 1 3600 600 86400 60', '@ NS ns1', 'ns1 A 192.0.2.53'];
  for (let i = 0; i < 230; i++) lines.push(`huge TXT "${String(i).padStart(3, '0')}${'x'.repeat(252)}"`);
  zone = join(dir, 'big.test.zone');
  apex = 'big.test';
  writeFileSync(zone, `${lines.join('\n')}\n`);
}
const port = 5390 + Math.floor(Math.random() * 50);
const server = spawn(
  join(root, 'node_modules/.bin/node'),
  [join(root, 'bench/dns/serve.ts'), '--zone', zone, '--apex', apex, '--port', String(port)],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise<void>((r) => server.stdout!.on('data', (d) => String(d).includes('listening') && r()));
const pid = server.pid!;
const out: Record<string, number> = {};

if (what === 'tcp') {
  const q = buildQuery({ name: 'huge.big.test', type: 'TXT', edns: null });
  const frame = Buffer.concat([Buffer.from([0, q.length]), q]);
  // one answer read first: the cache holds it before the baseline
  await new Promise<void>((r) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(frame));
    s.on('data', () => {
      s.destroy();
      r();
    });
  });
  await sleep(1000);
  out.rssBefore = rssMiB(pid);
  const pipelined = Buffer.concat(Array.from({ length: 400 }, () => frame));
  const socks = [1, 2, 3, 4].map(() => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.pause();
      s.write(pipelined);
    });
    s.on('error', () => {});
    return s;
  });
  let peak = 0;
  for (let i = 0; i < 16; i++) {
    await sleep(500);
    peak = Math.max(peak, rssMiB(pid));
  }
  out.rssPeakDuringAttack = peak;
  for (const s of socks) s.destroy();
} else {
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const SEEDS = [
    buildQuery({
      name: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
      type: 'NAPTR',
      edns: { size: 1232, do: true },
    }),
    buildQuery({ name: 'x.2.8.pstn.callx.test', type: 'NAPTR', edns: null }),
    buildQuery({ name: 'sip.callx.test', type: 'A', rd: true }),
    buildQuery({ name: 'x.partner.callx.test', type: 'ANY' }),
  ];
  const r = rng(1);
  const noise = () => Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)));
  function mutate(base: Buffer): Buffer {
    const b = Buffer.from(base);
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const k = r();
      const at = Math.floor(r() * b.length);
      if (k < 0.4) b[at] = Math.floor(r() * 256);
      else if (k < 0.55) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
      else if (k < 0.7) b.writeUInt16BE(Math.floor(r() * 65536), 2 * Math.floor(r() * 6));
      else if (k < 0.8) b[12 + Math.floor(r() * 10)] = [0, 63, 64, 0xc0, 0xff][Math.floor(r() * 5)]!;
      else if (k < 0.9) return b.subarray(0, at);
      else return Buffer.concat([b, noise()]);
    }
    return b;
  }
  const sock = dgram.createSocket('udp4');
  let answers = 0;
  sock.on('message', () => answers++);
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', res));
  await sleep(500);
  out.rssStart = rssMiB(pid);
  for (let i = 1; i <= 420_000; i++) {
    const p =
      r() < 0.3
        ? Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)))
        : mutate(SEEDS[Math.floor(r() * SEEDS.length)]!);
    sock.send(p, port, '127.0.0.1');
    if (i % 200 === 0) await sleep(2);
    if (i % 105_000 === 0) {
      await sleep(300);
      out[`rssAfter${i}`] = rssMiB(pid);
    }
  }
  out.answers = answers;
  sock.close();
}
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ root, what, ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v * 10) / 10])) })}\n`,
);
