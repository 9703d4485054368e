// docker/ without a Docker engine: the compose file against the Compose Specification's JSON
// schema and dclint's rules, its callx settings through callx's own config parser, the Knot
// secondary's config through `knotc conf-check`, drachtio's XML, and the Dockerfile through a
// Dockerfile parser/validator plus the properties the deployment relies on. What cannot run
// here (building the image, starting the containers) is listed in docs/deployment.md.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/core/config.ts';
import { peer, runPeer } from '../helpers/peer.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DOCKER = join(ROOT, 'docker');
const read = (p: string) => readFileSync(join(DOCKER, p), 'utf8');

type Service = {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  networks?: Record<string, { ipv4_address: string }>;
  user?: string;
};
const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
  services: Record<string, Service>;
  networks: Record<string, unknown>;
};

/** Compose's `${VAR:-default}` / `${VAR:?message}` with the defaults and the given values. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op: string, rest: string) => {
      if (given[name] !== undefined) return given[name];
      if (op === '-') return rest;
      throw new Error(`compose: ${name} is required (${rest})`);
    },
  );
}

/** Module specifiers of static import/export statements and side-effect imports. */
const IMPORT =
  /^(?:import|export)\s+(?:type\s+)?(?:(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+)(?:\s*,\s*\{[^}]*\})?\s+from\s+)?'([^']+)'/gm;

const ipOf = (s: string) => Object.values(compose.services[s]!.networks!)[0]!.ipv4_address;

describe('docker/compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'),
    );
    // draft-07, named by an https URL Ajv does not know under that spelling
    expect(schema.$schema).toMatch(/draft-07/);
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const ok = ajv.validate(schema, compose);
    expect(ajv.errors ?? [], ajv.errorsText()).toEqual([]);
    expect(ok).toBe(true);
  });

  it('passes dclint with docker/dclint.json', async () => {
    const bin = join(ROOT, 'node_modules/.bin/dclint');
    const r = await run(bin, ['-c', join(DOCKER, 'dclint.json'), join(DOCKER, 'compose.yaml')], {
      cwd: ROOT,
    }).catch((err: { stdout: string; stderr: string; code: number }) => err);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
  });

  it('runs MongoDB as a replica set, drachtio-server, callx once per front-end, and a Knot secondary', () => {
    const s = compose.services;
    expect(s.mongo!.image).toMatch(/^mongo:\d/);
    expect(s.mongo!.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(s.drachtio!.image).toContain('drachtio-server:9c2dd4cb6a'); // the tested version (test/sip/docker-drachtio.test.ts)
    expect(s.knot!.image).toContain('cznic/knot');
    for (const only of ['api', 'dns', 'sip']) {
      expect(s[`callx-${only}`]!.command).toEqual(['serve', '--only', only]);
      expect(s[`callx-${only}`]!.environment!.MONGODB_URI).toMatch(
        /^mongodb:\/\/mongo:27017\/\?replicaSet=rs0$/,
      );
    }
  });

  it("gives every callx service settings that callx's own config parser accepts", () => {
    for (const name of ['callx-api', 'callx-dns', 'callx-sip']) {
      const env = Object.fromEntries(
        Object.entries(compose.services[name]!.environment!).map(([k, v]) => [
          k,
          interpolate(String(v), { CALLX_ADMIN_TOKEN: 'a-test-admin-token-of-32-chars!!' }),
        ]),
      );
      expect(() => loadConfig(env), name).not.toThrow();
    }
    const sip = loadConfig(compose.services['callx-sip']!.environment as Record<string, string>);
    expect(sip.sip).toMatchObject({ transport: 'drachtio', drachtio: { host: 'drachtio', port: 9022 } });
    expect(sip.sip.resolvers).toEqual([{ host: ipOf('callx-dns'), port: 5300 }]);
  });

  it('wires the Knot secondary to callx-dns: address, port, TSIG key, transfer ACL and NOTIFY', () => {
    const knot = read('knot/knot.conf');
    const dnsEnv = compose.services['callx-dns']!.environment!;
    const dns = loadConfig(
      Object.fromEntries(Object.entries(dnsEnv).map(([k, v]) => [k, interpolate(String(v), {})])),
    );
    expect(knot).toContain(`address: ${ipOf('callx-dns')}@${dns.dns.port}`);
    const secret = /secret: (\S+)/.exec(knot)![1]!;
    expect(dns.dns.tsigKeys).toEqual([`xfr-key:hmac-sha256:${secret}`]);
    expect(dns.dns.xfrAllow).toEqual([ipOf('knot')]);
    expect(dns.dns.notify).toEqual([{ host: ipOf('knot'), port: 53 }]);
    const zones = [...knot.matchAll(/- domain: (\S+)/g)].map((m) => m[1]);
    const served = readdirSync(join(ROOT, 'zones'))
      .filter((f) => f.endsWith('.zone'))
      .map((f) => f.slice(0, -5));
    expect(zones.sort()).toEqual(served.sort());
  });

  it('has a Knot configuration that knotc accepts (and knotc rejects a broken one)', async () => {
    const ok = await run(peer('knotc'), ['-c', join(DOCKER, 'knot/knot.conf'), 'conf-check']);
    expect(ok.stdout).toContain('Configuration is valid');
    const dir = mkdtempSync(join(tmpdir(), 'callx-knot-'));
    try {
      const file = join(dir, 'knot.conf');
      writeFileSync(file, read('knot/knot.conf').replace('    master: callx', '    masters: callx'));
      const broken = await runPeer('knotc', ['-c', file, 'conf-check']);
      expect(broken.code).not.toBe(0);
      expect(broken.stderr).toMatch(/masters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a well-formed drachtio config whose admin secret matches the redirector's", async () => {
    const xml = read('drachtio/drachtio.conf.xml');
    await run(peer('python3'), [
      '-c',
      'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])',
      join(DOCKER, 'drachtio/drachtio.conf.xml'),
    ]);
    const secret = /<admin port="(\d+)" secret="([^"]+)">0\.0\.0\.0<\/admin>/.exec(xml);
    expect(secret).not.toBeNull();
    const env = compose.services['callx-sip']!.environment!;
    expect(interpolate(env.DRACHTIO_SECRET!, {})).toBe(secret![2]);
    expect(env.DRACHTIO_PORT).toBe(secret![1]);
  });
});

describe('docker/Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));

  it('parses without diagnostics (dockerfile-utils, the VS Code Dockerfile validator)', () => {
    expect(validateDockerfile(text, {}).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // the validator does catch mistakes
    expect(validateDockerfile('FROM node:24\nRUNN x\n', {})).not.toEqual([]);
  });

  it('is multi-stage on Node 24 and runs as a non-root user', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/ARG NODE_IMAGE=node:24(-[a-z]+)?\n/);
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toMatch(/^USER [1-9][0-9]*:[1-9][0-9]*$/);
    expect(lines.findLastIndex((l) => l.startsWith('USER '))).toBeGreaterThan(
      lines.findLastIndex((l) => l.startsWith('FROM ')),
    );
    expect(lines.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
    expect(lines.at(-2)).toBe('ENTRYPOINT ["node", "bin/callx.js"]');
  });

  it('copies only what exists, and the sources it copies import nothing but themselves and production dependencies', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      const srcs = l.split(/\s+/).slice(1, -1);
      for (const s of srcs) expect(existsSync(join(ROOT, s)), s).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const prodDeps = pkg.dependencies as Record<string, string>;
    const folders = pkg.imports as Record<string, string>;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(IMPORT)) {
            const spec = m[1]!;
            if (spec.startsWith('.')) {
              // src/ and package.json (the CLI's version), which the image has
              const to = join(dir, spec);
              if (!to.startsWith(join(ROOT, 'src')) && to !== join(ROOT, 'package.json'))
                offenders.push(`${p}: ${spec}`);
            } else if (spec.startsWith('#')) {
              // package.json "imports": a folder of src/ by its name
              if (!folders[spec]?.startsWith('./src/'))
                offenders.push(`${p}: ${spec} is not a folder of src/`);
            } else if (!spec.startsWith('node:')) {
              // the image has production dependencies only
              const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
              if (!(pkg in prodDeps)) offenders.push(`${p}: ${spec} is not a production dependency`);
            }
          }
        }
      }
    };
    walk(join(ROOT, 'src'));
    expect(offenders).toEqual([]);
    expect(read('Dockerfile.dockerignore')).toContain('**/*.test.ts');
  });
});
