// The layer rules of docs/architecture.md are what `npm run lint` enforces: biome.layers.json is
// generated from the table in .ci/layers.ts and current, every folder of src/ is in the table,
// and Biome refuses a back-import, an import between front ends and a relative path out of a
// folder, in files written to a scratch copy of the configuration.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { biomeLayersText, LAYERS, LAYERS_FILE } from '../../.ci/layers.ts';

const root = join(import.meta.dirname, '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');
const scratch = mkdtempSync(join(tmpdir(), 'callx-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints one file at `path` (as if it were in the repo) with the repo's configuration. */
function lint(path: string, source: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const f of ['biome.json', LAYERS_FILE]) copyFileSync(join(root, f), join(dir, f));
  const cfg = JSON.parse(readFileSync(join(dir, 'biome.json'), 'utf8'));
  delete cfg.$schema;
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(cfg));
  mkdirSync(join(dir, dirname(path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  const r = spawnSync(biome, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', path], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`test: cannot run biome: ${r.error.message}`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const file = (imports: string) => `${imports}\n\nexport const used = [x];\n`;

describe('layers: what npm run lint enforces', () => {
  it('biome.layers.json is generated from .ci/layers.ts and current (node .ci/layers.ts --write)', () => {
    expect(JSON.parse(readFileSync(join(root, LAYERS_FILE), 'utf8'))).toEqual(JSON.parse(biomeLayersText()));
  });

  it('every folder of src/ has a layer, and package.json names each one', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const inTable = LAYERS.flatMap((l) => l.folders);
    for (const f of folders) expect(inTable, `src/${f} is in no layer`).toContain(f);
    const imports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports;
    for (const f of folders) expect(imports[`#${f}`]).toBe(`./src/${f}/index.ts`);
  });

  it('docs/architecture.md shows the same table', () => {
    const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d) +\| `(\w+)` +\| ([^|]+)\|/gm)].map((m) => ({
      level: Number(m[1]),
      folder: m[2]!,
      may: m[3]!.trim(),
    }));
    const want = LAYERS.flatMap((l) =>
      l.folders.map((folder) => ({
        level: l.level,
        folder,
        may:
          l.may.length === 0
            ? '—'
            : l.may.includes('main')
              ? 'everything, and `src/main.ts`'
              : l.may.join(', '),
      })),
    );
    expect(rows).toEqual(want);
  });

  it.each([
    ['a back-import', 'src/numbering/bad.ts', "import { x } from '#registry';"],
    ['a front end importing another', 'src/dns/bad.ts', "import { x } from '#sip';"],
    ['the wire leaf importing the model', 'src/wire/bad.ts', "import { x } from '#core';"],
    ['a relative path out of the folder', 'src/publish/bad.ts', "import { x } from '../registry/index.ts';"],
    [
      'a relative path out of a sub-folder',
      'src/dns/feed/bad.ts',
      "import { x } from '../../core/model.ts';",
    ],
    ['a test helper in production code', 'src/registry/bad.ts', "import { x } from '#test/helpers/sales';"],
    ['the CLI wiring from a service', 'src/registry/sales/bad.ts', "import { x } from '#main';"],
  ])('refuses %s', (_what, path, imports) => {
    const r = lint(path, file(imports));
    expect(r.ok, r.out).toBe(false);
    expect(r.out).toContain('layers: src/');
  });

  it.each([
    ['a lower layer by its # name', 'src/registry/ok.ts', "import { x } from '#numbering';"],
    ['a sibling inside the folder', 'src/dns/feed/ok.ts', "import { x } from '../model/zone.ts';"],
    ['a test helper from a unit test', 'src/registry/ok.test.ts', "import { x } from '#test/helpers/sales';"],
    ['the wiring from the CLI', 'src/cli/ok.ts', "import { x } from '#main';"],
  ])('accepts %s', (_what, path, imports) => {
    const r = lint(path, file(imports));
    expect(r.ok, r.out).toBe(true);
  });
});
