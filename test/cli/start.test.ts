// What a `callx` start loads: the grammar (src/cli/commands.ts) imports no command's module, and
// each command loads only what it uses, so `callx number` or `--help` does not pay for the
// registry, DNS, SIP, API and web modules (bench/RESULTS.md, "CLI start"). Each case is a real
// child process under Node 24 with a module hook that writes down every module it loads. And
// bin/callx.js turns Node's compile cache on, which halves a start from the second run on.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const callx = join(root, 'bin', 'callx.js');
const dir = mkdtempSync(join(tmpdir(), 'callx-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// loaded before bin/callx.js: records the file of every module loaded, written out at exit
const hook = join(dir, 'record-loads.mjs');
writeFileSync(
  hook,
  `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const loaded = new Set();
registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.CALLX_TEST_LOADS, [...loaded].join('\\n')));
`,
);
const zoneFile = join(dir, 'callx.test.zone');
writeFileSync(zoneFile, '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n');

let n = 0;
/** Runs the CLI; the source files (relative to the repository) and packages it loaded. */
function loads(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; files: string[]; packages: string[] }> {
  const out = join(dir, `loads-${n++}`);
  return new Promise((resolve) => {
    execFile(
      node,
      ['--import', hook, callx, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          CALLX_TEST_LOADS: out,
          ...env,
        },
        timeout: 60_000,
      },
      (err, stdout) => {
        const urls = readFileSync(out, 'utf8').split('\n');
        const paths = urls.filter((u) => u.startsWith('file:')).map((u) => relative(root, fileURLToPath(u)));
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
          stdout,
          files: paths.filter((p) => p.startsWith('src/')),
          packages: [
            ...new Set(
              paths.flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1] ?? []).filter(Boolean),
            ),
          ],
        });
      },
    );
  });
}

/** The folders of src/ a run loaded anything from (src/cli.ts and src/main.ts by their names). */
const folders = (files: string[]) =>
  [...new Set(files.map((f) => (f.split('/').length > 2 ? f.split('/')[1]! : f)))].sort();

describe.concurrent('callx start: each command loads what it uses', () => {
  it('--help loads the grammar and nothing of the commands', async () => {
    const r = await loads(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: callx /);
    expect(r.files.sort()).toEqual([
      'src/cli.ts',
      'src/cli/commands.ts',
      'src/cli/errors.ts',
      'src/cli/index.ts',
    ]);
    expect(r.packages).toEqual(['commander']);
  });

  it('number loads the number plan and the configuration only', async () => {
    const r = await loads(['number', '02-6200-6200-082']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'pin', e164: '+82262006200' });
    expect(folders(r.files)).toEqual(['cli', 'core', 'numbering', 'src/cli.ts']);
    for (const heavy of ['mongodb', 'hono', '@hono/node-server', 'prom-client', '@peculiar/x509'])
      expect(r.packages).not.toContain(heavy);
  });

  it('a bad identifier fails the same way without loading more', async () => {
    const r = await loads(['number', '02-6200-6200-999']);
    expect(r.code).toBe(2);
    expect(folders(r.files)).toEqual(['cli', 'core', 'numbering', 'src/cli.ts']);
  });

  it('a registry command loads the registry but no front end', async () => {
    const r = await loads(['token', 'create']);
    expect(r.code).toBe(2); // neither --admin nor --registrar: refused before the store is opened
    const f = folders(r.files);
    expect(f).toContain('registry');
    for (const other of ['dns', 'sip', 'api', 'web', 'src/main.ts']) expect(f).not.toContain(other);
  });

  it('zone check loads the DNS side but no other front end, nor the serve wiring', async () => {
    const r = await loads(['zone', 'check', zoneFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^zone callx\.test: .*: OK, 3 records\n/);
    const f = folders(r.files);
    expect(f).toContain('dns');
    for (const other of ['sip', 'api', 'web', 'src/main.ts']) expect(f).not.toContain(other);
  });
});

describe('callx start: the compile cache', () => {
  const files = (d: string): string[] =>
    existsSync(d)
      ? readdirSync(d, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name)
      : [];

  // NODE_COMPILE_CACHE would turn the cache on by itself: this is bin/callx.js's own default,
  // os.tmpdir()/node-compile-cache (TMPDIR here)
  it('bin/callx.js keeps compiled modules in $TMPDIR/node-compile-cache, unless NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const on = join(dir, 'tmp-on');
    const off = join(dir, 'tmp-off');
    mkdirSync(on);
    mkdirSync(off);
    expect((await loads(['number', '+82262006200'], { TMPDIR: on })).code).toBe(0);
    expect(files(join(on, 'node-compile-cache')).length).toBeGreaterThan(20);
    const again = await loads(['number', '+82262006200'], { TMPDIR: on });
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: 'e164', e164: '+82262006200' });
    const r = await loads(['number', '+82262006200'], { TMPDIR: off, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code).toBe(0);
    expect(files(off)).toEqual([]);
  });
});
