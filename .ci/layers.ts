// The layers of src/ (docs/architecture.md, "Layers"): which folders each folder may import.
// Cross-folder imports name the folder (`#registry`, package.json "imports", i.e. its index.ts);
// a relative import never leaves its folder. `node .ci/layers.ts --write` turns this table into
// the Biome overrides of biome.layers.json that `npm run lint` enforces; test/arch checks that
// the file, this table and the architecture page agree.
import { writeFileSync } from 'node:fs';

export interface Layer {
  level: number;
  folders: string[];
  /** What the folders of this layer may import (besides themselves, by relative paths). */
  may: string[];
  role: string;
}

const FOUNDATION = ['core', 'wire', 'metrics'];
const SERVICES = [...FOUNDATION, 'numbering', 'publish', 'registry', 'resolve'];

export const LAYERS: Layer[] = [
  {
    level: 0,
    folders: ['core'],
    may: [],
    role: 'data model, store contract, journal sources, identity keys, config, log, clock',
  },
  {
    level: 0,
    folders: ['wire'],
    may: [],
    role: 'DNS wire and presentation format: names, types, RDATA, writer',
  },
  { level: 0, folders: ['metrics'], may: [], role: 'the Prometheus registry and hot-path counters' },
  {
    level: 1,
    folders: ['numbering'],
    may: ['core'],
    role: 'number plan: parse, classify, convert, owner names (pure)',
  },
  {
    level: 2,
    folders: ['publish'],
    may: ['core', 'wire', 'numbering'],
    role: 'what documents publish in DNS (pure), the derivation',
  },
  {
    level: 3,
    folders: ['registry'],
    may: ['core', 'wire', 'numbering', 'publish'],
    role: 'stores, journal, publisher, the service kernel and services',
  },
  {
    level: 3,
    folders: ['resolve'],
    may: ['core', 'wire', 'numbering'],
    role: 'ENUM resolution through DNS: client, caches, NAPTR, contacts',
  },
  {
    level: 4,
    folders: ['dns', 'sip', 'api', 'web'],
    may: SERVICES,
    role: 'front ends (sockets); never import each other',
  },
  {
    level: 5,
    folders: ['cli'],
    may: [...SERVICES, 'dns', 'sip', 'api', 'web', 'main'],
    role: 'sub-commands; src/main.ts wires `callx serve`',
  },
];

const MAX_DEPTH = 3;

type Override = Record<string, unknown>;

function override(folder: string, may: string[], depth: number, tests: boolean): Override {
  const dir = `src/${folder}/${'*/'.repeat(depth - 1)}`;
  const group = [
    '#*',
    '#*/**',
    ...may.map((m) => `!#${m}`),
    ...(tests ? ['!#test/**'] : []),
    `${'../'.repeat(depth)}**`,
  ];
  const allowed = may.length ? may.map((m) => `#${m}`).join(', ') : 'nothing of ours';
  return {
    includes: tests ? [`${dir}*.test.ts`] : [`${dir}*.ts`, '!**/*.test.ts'],
    linter: {
      rules: {
        style: {
          noRestrictedImports: {
            level: 'error',
            options: {
              patterns: [
                {
                  group,
                  message: `layers: src/${folder} may import ${allowed}${tests ? ' and #test/…' : ''}; other folders only through their # name, never by a relative path out of src/${folder} (docs/architecture.md, "Layers")`,
                },
              ],
            },
          },
        },
      },
    },
  };
}

export function biomeLayers(): { overrides: Override[] } {
  const overrides: Override[] = [];
  for (const layer of LAYERS)
    for (const folder of layer.folders)
      for (let depth = 1; depth <= MAX_DEPTH; depth++)
        for (const tests of [false, true]) overrides.push(override(folder, layer.may, depth, tests));
  return { overrides };
}

export const LAYERS_FILE = 'biome.layers.json';

export function biomeLayersText(): string {
  return `${JSON.stringify({ $schema: './node_modules/@biomejs/biome/configuration_schema.json', ...biomeLayers() }, null, 2)}\n`;
}

if (import.meta.main && process.argv.includes('--write')) {
  writeFileSync(new URL(`../${LAYERS_FILE}`, import.meta.url), biomeLayersText());
  console.log(`wrote ${LAYERS_FILE}`);
}
