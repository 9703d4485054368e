// The peer table and what is built on it: a missing peer fails loudly with the command that
// installs it, a built peer is found through its script, a peer that cannot run never yields a
// verdict, and README and .ci/run follow the table.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peer, runPeer } from '../helpers/peer.ts';
import { ensurePeers, PEERS, type Peer, PeerMissingError } from './peers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'callx-peers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const quiet = { log: () => {} };
// apt-get is not on this PATH, so nothing is installed even as root
const noApt = { PATH: join(tmp, 'empty') };

describe('the global setup and the peer table', () => {
  it('fails with the apt-get command naming the package of every missing binary', () => {
    const peers: Peer[] = [
      { from: { apt: 'sh-package' }, binaries: ['sh'], projects: ['p'] },
      { from: { apt: 'callx-absent-a' }, binaries: ['callx-absent-a'], projects: ['p'] },
      { from: { apt: 'callx-absent-b' }, binaries: ['sh', 'callx-absent-b'], projects: ['p'] },
      { from: { apt: 'callx-absent-c' }, binaries: ['callx-absent-c'], projects: ['other'] },
    ];
    const err = (() => {
      try {
        ensurePeers('p', { peers, env: { PATH: '/bin:/usr/bin' }, root: false, ...quiet });
      } catch (e) {
        return e as Error;
      }
      throw new Error('ensurePeers did not throw');
    })();
    expect(err).toBeInstanceOf(PeerMissingError);
    expect(err.message).toContain(
      'callx-absent-a (Debian package callx-absent-a); callx-absent-b (Debian package callx-absent-b)',
    );
    expect(err.message).toMatch(
      /\n {2}sudo apt-get install -y --no-install-recommends callx-absent-a callx-absent-b$/,
    );
    expect(err.message).not.toContain('callx-absent-c'); // another project's peer
  });

  it('as root without apt-get, still fails with the command (no sudo for root)', () => {
    const peers: Peer[] = [{ from: { apt: 'callx-absent' }, binaries: ['callx-absent'], projects: ['p'] }];
    expect(() => ensurePeers('p', { peers, env: noApt, root: true, ...quiet })).toThrow(
      /\n {2}apt-get install -y --no-install-recommends callx-absent$/,
    );
  });

  it('gives the path of every binary found, sbin included (off a user PATH on Debian)', () => {
    // HOME: where build scripts keep what they built (~/.cache/callx)
    const env = { PATH: '/usr/bin:/bin', HOME: process.env.HOME };
    const paths = ensurePeers('interop', { env, root: false, ...quiet });
    for (const b of PEERS.filter((p) => p.projects.includes('interop')).flatMap((p) => p.binaries))
      expect(paths[b], b).toMatch(new RegExp(`^/.*/${b}$`));
    expect(paths.knotd).toMatch(/sbin\/knotd$/);
  });

  it('runs the build script of a built peer once it is missing, and takes the path it prints', () => {
    const bin = join(tmp, 'callx-built-peer');
    const script = join(tmp, 'build.sh');
    writeFileSync(
      script,
      `set -e\nprintf '#!/bin/sh\\necho built\\n' > ${bin}\nchmod +x ${bin}\necho ${bin}\n`,
    );
    const peers: Peer[] = [{ from: { build: script }, binaries: ['callx-built-peer'], projects: ['p'] }];
    const logged: string[] = [];
    const paths = ensurePeers('p', { peers, root: false, log: (l) => logged.push(l) });
    expect(paths).toEqual({ 'callx-built-peer': bin });
    expect(logged).toEqual([`test: building callx-built-peer with ${script} (first run only)`]);
    const failing = join(tmp, 'fail.sh');
    writeFileSync(failing, 'exit 3\n');
    chmodSync(failing, 0o755);
    expect(() =>
      ensurePeers('p', {
        peers: [{ from: { build: failing }, binaries: ['callx-never-built'], projects: ['p'] }],
        root: false,
        ...quiet,
      }),
    ).toThrow(`${failing} failed (exit 3). Install them with:\n  bash ${failing}`);
  });
});

describe('peers in a test', () => {
  it('peer() gives the path the setup found, and names the table for an unknown program', () => {
    expect(peer('kdig')).toMatch(/\/kdig$/);
    expect(() => peer('callx-no-such-program')).toThrow(
      'test: callx-no-such-program cannot run: not found on PATH, and test/setup/peers.ts has no row for it (add one)',
    );
  });

  it("runPeer gives a peer's failing verdict, but rejects a run that did not happen", async () => {
    const refused = await runPeer('knotc', ['-c', join(tmp, 'no-such.conf'), 'conf-check']);
    expect(refused.code).not.toBe(0);
    await expect(runPeer(join(tmp, 'callx-not-there'), [])).rejects.toThrow(/did not run to its end: ENOENT/);
    await expect(runPeer('python3', ['-c', 'import time; time.sleep(30)'], { timeout: 200 })).rejects.toThrow(
      /did not run to its end: killed \(SIGTERM\) \(Debian package python3\)/,
    );
  });
});

describe('README and .ci/run follow the table', () => {
  it('README names every Debian package, and .ci/run installs the packages of the table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const testIt = readme.slice(
      readme.indexOf('## Test it'),
      readme.indexOf('\n## ', readme.indexOf('## Test it') + 1),
    );
    for (const p of PEERS)
      if ('apt' in p.from) expect(testIt, p.from.apt).toMatch(new RegExp(`\`${p.from.apt}\``));
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('test/setup/peers.ts --apt-packages');
  });
});
