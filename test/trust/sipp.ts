// SIPp against the trust stack: one scenario of test/trust/sipp per run, its message log read
// back so a test can assert on the whole answers SIPp received.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPeer } from '../helpers/peer.ts';

export const SCENARIOS = join(import.meta.dirname, 'sipp');

export interface SippRun {
  /** SIPp's exit code: 0 when every call passed its scenario. */
  code: number;
  /** The messages SIPp received, in order. */
  received: string[];
  out: string;
}

/**
 * Runs `scenario` once per row (fields separated by ';') against 127.0.0.1:port from `from`
 * (a loopback address: another source), over UDP unless `tcp`.
 */
export async function sipp(
  scenario: string,
  rows: string[][],
  port: number,
  opts: { from?: string; tcp?: boolean; args?: string[]; rate?: number } = {},
): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), 'callx-trust-sipp-'));
  try {
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, `SEQUENTIAL\n${rows.map((r) => `${r.join(';')};`).join('\n')}\n`);
    const log = join(dir, 'messages.log');
    const args = [
      `127.0.0.1:${port}`,
      ...['-sf', join(SCENARIOS, scenario), '-inf', csv, '-t', opts.tcp ? 't1' : 'u1'],
      ...[
        '-i',
        opts.from ?? '127.0.0.1',
        '-p',
        '0',
        '-m',
        String(rows.length),
        '-r',
        String(opts.rate ?? 50),
      ],
      ...['-l', '1', '-nostdin', '-timeout', '20s', '-timeout_error', '-recv_timeout', '4000'],
      ...['-trace_msg', '-message_file', log],
      ...(opts.args ?? []),
    ];
    const r = await runPeer('sipp', args, { cwd: dir, timeout: 60_000 });
    let text = '';
    try {
      text = readFileSync(log, 'latin1');
    } catch {
      text = '';
    }
    // blocks: a dashed line with the time, "UDP message received [n] bytes :", a blank line, the message
    const received = text
      .split(/^-{20,}.*$/m)
      .filter((b) => /message received/.test(b))
      .map((b) =>
        b.replace(/^[\s\S]*?message received \[\d+\] bytes :\s*\n\n/, '').replace(/\s+$/, '\r\n\r\n'),
      );
    return { code: r.code, received, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The header lines named `name` of a SIP message (values). */
export function headerValues(msg: string, name: string): string[] {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'gim');
  return [...msg.matchAll(re)].map((m) => m[1]!.replace(/\r$/, ''));
}

export const statusOf = (msg: string | undefined) => Number(/^SIP\/2\.0 (\d{3})/.exec(msg ?? '')?.[1] ?? 0);

/** The final answers (no 1xx) among the messages received. */
export const finals = (r: SippRun) => r.received.filter((m) => statusOf(m) >= 200);

/** A header embedded in a Contact's URI (`?Name=value&...`), %-decoded. */
export function embedded(contact: string, name: string): string[] {
  const uri = /<([^>]*)>/.exec(contact)?.[1] ?? '';
  const q = uri.indexOf('?');
  if (q < 0) return [];
  return uri
    .slice(q + 1)
    .split('&')
    .filter((h) => h.split('=', 1)[0]!.toLowerCase() === name.toLowerCase())
    .map((h) => decodeURIComponent(h.slice(h.indexOf('=') + 1)));
}
