// The peers the tests run: real programs whose behaviour callx must match. One row per thing to
// install; adding a peer is one line in PEERS. From this table:
// - the global test setup (test/setup/global.ts) checks what the vitest projects being run need,
//   installs missing Debian packages when it runs as root, and otherwise fails with the command;
// - .ci/run installs every Debian package (`node test/setup/peers.ts --apt-packages`);
// - test/helpers/peer.ts gives tests a peer's path, naming the package when it is missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface Peer {
  /**
   * Where it comes from: a Debian package, or a script (path from the repository root) that builds
   * it once, caches it, and prints the path of its binary (a build row has one binary).
   */
  from: { apt: string } | { build: string };
  /** The programs tests run from it. */
  binaries: string[];
  /** Python modules it provides to Debian's python3 (PYTHON below), checked by importing them. */
  python?: string[];
  /** The vitest projects (vitest.config.ts) whose tests run it. */
  projects: string[];
}

export const PEERS: Peer[] = [
  { from: { apt: 'bind9-dnsutils' }, binaries: ['dig'], projects: ['interop'] },
  { from: { apt: 'knot' }, binaries: ['knotd', 'knotc'], projects: ['interop'] },
  { from: { apt: 'knot-dnsutils' }, binaries: ['kdig'], projects: ['interop'] },
  { from: { apt: 'knot-dnssecutils' }, binaries: ['kzonecheck'], projects: ['interop'] },
  { from: { apt: 'bind9-utils' }, binaries: ['named-checkzone'], projects: ['interop'] },
  { from: { apt: 'sip-tester' }, binaries: ['sipp'], projects: ['interop'] },
  // real SIP clients against caller trust's digest authentication (test/trust/*.test.ts,
  // docs/trust.md "Clients"): baresip 1.0.0, sipsak 0.9.8.1, Linphone's linphonec 5.1.65
  { from: { apt: 'baresip' }, binaries: ['baresip'], projects: ['interop'] },
  { from: { apt: 'sipsak' }, binaries: ['sipsak'], projects: ['interop'] },
  { from: { apt: 'linphone-cli' }, binaries: ['linphonec'], projects: ['interop'] },
  { from: { apt: 'python3' }, binaries: ['python3'], projects: ['interop'] },
  // the web pages' browser tests drive Debian's Chromium through playwright-core; CJK fonts so the
  // Korean and Japanese screenshots show their text (no binary to look for: installed by .ci/run)
  { from: { apt: 'chromium' }, binaries: ['chromium'], projects: ['interop'] },
  { from: { apt: 'fonts-noto-cjk' }, binaries: [], projects: ['interop'] },
  // an independent PASSporT verifier (test/trust): PyJWT and cryptography, as Debian ships them
  { from: { apt: 'python3-jwt' }, binaries: [], python: ['jwt'], projects: ['interop'] },
  { from: { apt: 'python3-cryptography' }, binaries: [], python: ['cryptography'], projects: ['interop'] },
  // drachtio-server 9c2dd4cb6a for the drachtio transport: the shared script beside the repository
  // builds it once (4-6 minutes) into ~/.cache/callx; test/sip/drachtio-server.ts finds it there
  {
    from: { build: process.env.CALLX_DRACHTIO_BUILD ?? '../shared/peers/drachtio/build.sh' },
    binaries: ['drachtio'],
    projects: ['interop'],
  },
];

/**
 * The interpreter Debian's python3-* packages install for (another python3 may come first on
 * PATH, e.g. pyenv's, without them); tests run Python peers with it.
 */
export const PYTHON = '/usr/bin/python3';

/** True when Debian's python3 imports every module. */
function pythonImports(modules: string[]): boolean {
  if (!isExecutable(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
  return r.status === 0;
}

/** Where a peer binary is looked for besides PATH: Debian puts daemons in sbin, off a user's PATH. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const ROOT = join(import.meta.dirname, '..', '..');

export function peerOf(binary: string, peers: Peer[] = PEERS): Peer | undefined {
  return peers.find((p) => p.binaries.includes(binary));
}

/** Where a peer comes from, for messages: "Debian package knot-dnsutils" or "built by .ci/x.sh". */
export function source(peer: Peer): string {
  return 'apt' in peer.from ? `Debian package ${peer.from.apt}` : `built by ${peer.from.build}`;
}

/** The absolute path of an executable `binary` on PATH or in sbin, or null. */
export function findBinary(binary: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d)), ...SBIN];
  for (const dir of dirs) {
    const file = join(dir, binary);
    if (isExecutable(file)) return file;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface PeerCheck {
  /** binary → absolute path, for every binary found. */
  paths: Record<string, string>;
  /** The rows with a binary not found. */
  missing: Peer[];
}

/** Looks up every binary of the peers that `project` needs. */
export function checkPeers(project: string, peers: Peer[] = PEERS, env = process.env): PeerCheck {
  const paths: Record<string, string> = {};
  const missing: Peer[] = [];
  for (const peer of peers.filter((p) => p.projects.includes(project))) {
    let ok = true;
    for (const b of peer.binaries) {
      const path = findBinary(b, env);
      if (path) paths[b] = path;
      else ok = false;
    }
    if (peer.python && !pythonImports(peer.python)) ok = false;
    if (!ok) missing.push(peer);
  }
  return { paths, missing };
}

function aptPackages(peers: Peer[]): string[] {
  return peers.flatMap((p) => ('apt' in p.from ? [p.from.apt] : []));
}

function describeMissing(missing: Peer[], paths: Record<string, string>): string {
  return missing
    .map((p) => {
      const absent = [
        ...p.binaries.filter((b) => !paths[b]),
        ...(p.python ?? []).map((m) => `python module ${m}`),
      ].join(', ');
      return `${absent} (${source(p)})`;
    })
    .join('; ');
}

/** The command that gets every missing peer (with sudo unless for root). */
export function installCommand(missing: Peer[], root = false): string {
  const apt = aptPackages(missing);
  const builds = missing.flatMap((p) => ('build' in p.from ? [`bash ${p.from.build}`] : []));
  return [
    ...(apt.length > 0
      ? [`${root ? '' : 'sudo '}apt-get install -y --no-install-recommends ${apt.join(' ')}`]
      : []),
    ...builds,
  ].join(' && ');
}

export class PeerMissingError extends Error {
  override name = 'PeerMissingError';
}

/**
 * Makes sure the peers of `project` can run. Missing Debian packages are installed when this runs
 * as root (as on a fresh CI machine); build scripts run for missing built peers. Otherwise, or if
 * that fails, throws a PeerMissingError with the command to run. Returns binary → absolute path.
 */
export function ensurePeers(
  project: string,
  opts: { peers?: Peer[]; env?: NodeJS.ProcessEnv; root?: boolean; log?: (line: string) => void } = {},
): Record<string, string> {
  const peers = opts.peers ?? PEERS;
  const env = opts.env ?? process.env;
  const root = opts.root ?? process.getuid?.() === 0;
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  const first = checkPeers(project, peers, env);
  if (first.missing.length === 0) return first.paths;

  const failures: string[] = [];
  const apt = aptPackages(first.missing);
  if (apt.length > 0 && root && findBinary('apt-get', env)) {
    log(`test: installing the Debian packages the ${project} tests need: ${apt.join(' ')}`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args: string[]) =>
      spawnSync('apt-get', args, { env: aptEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const update = run(['update', '-qq']);
    const install = run(['install', '-y', '-qq', '--no-install-recommends', ...apt]);
    if (install.status !== 0)
      failures.push(
        `apt-get install ${apt.join(' ')} failed (exit ${install.status}): ${`${update.stderr ?? ''}${install.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ')}`,
      );
  }
  const paths = { ...first.paths };
  for (const peer of first.missing) {
    if (!('build' in peer.from)) continue;
    // a build script builds once, caches, and prints the path of its one binary
    log(`test: building ${peer.binaries[0]} with ${peer.from.build} (first run only)`);
    const r = spawnSync(
      'bash',
      [isAbsolute(peer.from.build) ? peer.from.build : join(ROOT, peer.from.build)],
      {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        timeout: 30 * 60_000,
      },
    );
    const built = r.stdout?.trim().split('\n').at(-1) ?? '';
    if (r.status === 0 && isAbsolute(built) && isExecutable(built)) paths[peer.binaries[0]!] = built;
    else failures.push(`${peer.from.build} failed (exit ${r.status})`);
  }
  const again = checkPeers(project, peers, env);
  Object.assign(paths, again.paths);
  const missing = again.missing.filter(
    (p) => p.binaries.some((b) => !paths[b]) || (p.python !== undefined && !pythonImports(p.python)),
  );
  if (missing.length === 0) return paths;
  throw new PeerMissingError(
    `test: the ${project} tests run real peers, and these are missing: ${describeMissing(missing, paths)}. ` +
      `${failures.length > 0 ? `${failures.join('; ')}. ` : ''}Install them with:\n  ${installCommand(missing, root)}`,
  );
}

// `node test/setup/peers.ts --apt-packages`: the Debian packages of every peer, one a line (.ci/run).
if (import.meta.main) {
  if (process.argv[2] !== '--apt-packages') {
    process.stderr.write('usage: node test/setup/peers.ts --apt-packages\n');
    process.exit(2);
  }
  process.stdout.write(`${[...new Set(aptPackages(PEERS))].join('\n')}\n`);
}
