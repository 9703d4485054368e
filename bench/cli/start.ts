// How long one `callx` invocation takes from exec to exit, per command (bench/RESULTS.md, "CLI
// start"). Runs every variant round-robin (so the machine's load hits them alike) and prints the
// median wall time and the median CPU time (user + system, children included) of each.
//   node_modules/.bin/node bench/cli/start.ts [runs=15] [label=bin/callx.js ...]
// Without variants: `number`, `--help`, `zone check` and `resolve --help` through bin/callx.js
// under Node 24, some with Node's compile cache off (NODE_DISABLE_COMPILE_CACHE=1) and, when the
// machine's `node` is older, through the launcher as a user's shell starts it. The compile cache
// is warm after the first round; its first run is in the medians' spread only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const node24 = join(root, 'node_modules', '.bin', 'node');
const callx = join(root, 'bin', 'callx.js');
const runs = Number(process.argv[2] ?? 15);

const dir = mkdtempSync(join(tmpdir(), 'callx-bench-cli-'));
const zoneFile = join(dir, 'callx.test.zone');
writeFileSync(zoneFile, '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n');
const timeOut = join(dir, 'time');

type Variant = { label: string; argv: string[] };
const variants: Variant[] = [];
if (process.argv.length > 3) {
  for (const spec of process.argv.slice(3)) {
    const [label, ...argv] = spec.split(' ');
    variants.push({ label: label!, argv });
  }
} else {
  const systemNode = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  variants.push(
    { label: 'node24 bare (node -e 0)', argv: [node24, '-e', '0'] },
    { label: 'number 02-6200-6200-082', argv: [node24, callx, 'number', '02-6200-6200-082'] },
    {
      label: 'number, compile cache off',
      argv: ['env', 'NODE_DISABLE_COMPILE_CACHE=1', node24, callx, 'number', '02-6200-6200-082'],
    },
    { label: 'number (bad input, exit 2)', argv: [node24, callx, 'number', '02-6200-6200-999'] },
    { label: '--help', argv: [node24, callx, '--help'] },
    {
      label: '--help, compile cache off',
      argv: ['env', 'NODE_DISABLE_COMPILE_CACHE=1', node24, callx, '--help'],
    },
    { label: 'resolve --help', argv: [node24, callx, 'resolve', '--help'] },
    { label: 'zone check <file>', argv: [node24, callx, 'zone', 'check', zoneFile] },
    {
      label: 'zone check, compile cache off',
      argv: ['env', 'NODE_DISABLE_COMPILE_CACHE=1', node24, callx, 'zone', 'check', zoneFile],
    },
  );
  if (Number(systemNode.split('.')[0]) < 24)
    variants.push({
      label: `launcher (node ${systemNode}): number`,
      argv: ['node', callx, 'number', '02-6200-6200-082'],
    });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
for (let i = 0; i < runs; i++) {
  for (const v of variants) {
    const r = spawnSync('/usr/bin/time', ['-o', timeOut, '-f', '%e %U %S', ...v.argv], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CALLX_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    if (r.status !== 0 && !v.label.includes('exit'))
      throw new Error(`${v.label}: exit ${r.status}: ${r.stderr}`);
    const [e, u, s] = readFileSync(timeOut, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    wall.set(v.label, [...(wall.get(v.label) ?? []), e! * 1000]);
    cpu.set(v.label, [...(cpu.get(v.label) ?? []), (u! + s!) * 1000]);
  }
}
rmSync(dir, { recursive: true });

console.log(`| command (${runs} runs each, round-robin) | wall: median (min) | CPU user+sys: median |`);
console.log('| --- | --- | --- |');
for (const v of variants) {
  const w = wall.get(v.label)!;
  console.log(
    `| ${v.label} | ${median(w).toFixed(0)} ms (${Math.min(...w).toFixed(0)}) | ${median(cpu.get(v.label)!).toFixed(0)} ms |`,
  );
}
