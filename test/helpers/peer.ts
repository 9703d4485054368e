// Peer programs (dig, kdig, knotd, sipp, …) for tests to run. The global setup has made sure the
// peers of the project can run (test/setup/peers.ts). A binary it did not find, one outside the
// table, or a run that did not happen (could not start, killed, timed out) fails the test loudly
// here, naming the package to install: "the peer could not run" must never pass for an answer.
import { type ExecFileOptions, execFile } from 'node:child_process';
import { inject } from 'vitest';
import { findBinary, installCommand, PeerMissingError, peerOf, source } from '../setup/peers.ts';

/** The absolute path of a peer binary; throws, naming its package, when it is not installed. */
export function peer(binary: string): string {
  const provided = inject('peerPaths')?.[binary];
  if (provided) return provided;
  const found = findBinary(binary);
  if (found) return found;
  const row = peerOf(binary);
  throw new PeerMissingError(
    row
      ? `test: ${binary} cannot run: not found on PATH (${source(row)}); install it with: ${installCommand([row])}`
      : `test: ${binary} cannot run: not found on PATH, and test/setup/peers.ts has no row for it (add one)`,
  );
}

export interface PeerRun {
  /** The exit code: the peer ran to its end (whatever its verdict). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a peer to its end and resolves with its exit code and output, whatever the code: for tests
 * that read a peer's verdict from a failing run. Rejects when it could not run or did not finish.
 */
export function runPeer(
  binary: string,
  args: string[],
  opts: ExecFileOptions & { timeout?: number } = {},
): Promise<PeerRun> {
  const file = binary.startsWith('/') ? binary : peer(binary);
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', ...opts }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; killed?: boolean; signal?: string | null }) | null;
      if (!e) return resolve({ code: 0, stdout: String(stdout), stderr: String(stderr) });
      if (typeof e.code === 'number' && !e.killed && !e.signal)
        return resolve({ code: e.code, stdout: String(stdout), stderr: String(stderr) });
      const why =
        e.killed || e.signal ? `killed (${e.signal ?? 'timeout'})` : `${e.code ?? ''} ${e.message}`.trim();
      const row = peerOf(binary.split('/').at(-1)!);
      reject(
        new Error(
          `test: ${binary} ${args.join(' ')}: did not run to its end: ${why}${row ? ` (${source(row)})` : ''}; stderr: ${String(stderr).trim().slice(-500)}`,
        ),
      );
    });
  });
}
