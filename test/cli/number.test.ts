// `callx number` as users run it: its stdout JSON, stderr line and exit code. The table rows run
// in this process through run() of src/cli.ts, the function bin/callx.js calls with the command
// line (the same parsing, action and error handling); a few run as real child processes, and
// those give the same bytes and exit code as in-process runs of the same command lines.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as runCli } from '../../src/cli.ts';

const root = join(import.meta.dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const callx = join(root, 'bin', 'callx.js');

type Run = { code: number; stdout: string; stderr: string };

/** `callx number ...args` as a child process, in a clean environment (no CALLX_* of the machine). */
function spawned(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CALLX_LOG_LEVEL: 'silent',
    };
    execFile(
      node,
      [callx, 'number', ...args],
      { env: { ...base, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const ours = (key: string) => key.startsWith('CALLX_') || key === 'MONGODB_URI';
let inProcessRuns = Promise.resolve();

/**
 * `callx number ...args` in this process: the command's stdout and stderr writes and the exit
 * code run() returns, with only `env` of the CALLX_* variables set. One at a time (they share
 * process.stdout, process.env and process.exitCode).
 */
function inProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const go = async (): Promise<Run> => {
    const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => ours(k)));
    for (const k of Object.keys(saved)) delete process.env[k];
    Object.assign(process.env, { CALLX_LOG_LEVEL: 'silent', ...env });
    const out = { stdout: '', stderr: '' };
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out.stdout += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      out.stderr += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    try {
      const code = await runCli(['node', callx, 'number', ...args]);
      return { code, ...out };
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
      process.exitCode = undefined;
      for (const k of Object.keys(process.env)) if (ours(k)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  };
  const r = inProcessRuns.then(go);
  inProcessRuns = r.then(
    () => {},
    () => {},
  );
  return r;
}

async function ok(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await inProcess(args, env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const KR_OWNERS = {
  e164: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
  carriers: '0.0.2.6.0.0.2.6.2.2.8.carriers.callx.test',
  pstn: '0.0.2.6.0.0.2.6.2.2.8.pstn.callx.test',
};
const KR_NUMBER = { e164: '+82262006200', country: 'KR', key: 'pin:+82262006200', owners: KR_OWNERS };

describe.concurrent('callx number: every row of the identifier table', () => {
  it.each<[string[], object]>([
    [
      ['02-6200-6200-082'],
      { kind: 'pin', canonical: '02-6200-6200-082', display: '02-6200-6200-082', ...KR_NUMBER },
    ],
    [['0262006200082'], { kind: 'pin', canonical: '02-6200-6200-082', ...KR_NUMBER }],
    [
      ['6200-6200#082'],
      {
        kind: 'vns',
        canonical: '6200-6200#082',
        base: '62006200',
        callingCode: '82',
        key: 'vns:62006200',
        owners: { vns: '0.0.2.6.0.0.2.6.82.vns.callx.test' },
      },
    ],
    [['62006200#82'], { kind: 'vns', canonical: '6200-6200#082' }],
    [['sip:62006200%2382@callx.test'], { kind: 'vns', canonical: '6200-6200#082', scheme: 'sip' }],
    [
      ['+82 2 6200 6200'],
      {
        kind: 'e164',
        canonical: '+82262006200',
        display: '+82 2 6200 6200',
        pin: '02-6200-6200-082',
        ...KR_NUMBER,
      },
    ],
    [['0082262006200'], { kind: 'e164', canonical: '+82262006200', written: 'idd', ...KR_NUMBER }],
    [['tel:+82-2-6200-6200'], { kind: 'e164', canonical: '+82262006200', scheme: 'tel', ...KR_NUMBER }],
    [
      ['02-6200-6200', '--country', 'KR'],
      { kind: 'e164', canonical: '+82262006200', written: 'national', ...KR_NUMBER },
    ],
    [['--country', 'kr', '02-6200-6200'], { kind: 'e164', canonical: '+82262006200' }],
    [
      ['alice@example.com'],
      {
        kind: 'email',
        canonical: 'alice@example.com',
        display: 'alice@example.com',
        owners: {
          email: '2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db.example.com.email.callx.test',
        },
      },
    ],
    [['sip:alice@example.com'], { kind: 'email', canonical: 'alice@example.com', scheme: 'sip' }],
    [
      ['acme.example'],
      {
        kind: 'domain',
        canonical: 'acme.example',
        display: 'acme.example',
        owners: { domains: 'acme.example.domains.callx.test' },
      },
    ],
    [['sip:acme.example'], { kind: 'domain', canonical: 'acme.example', scheme: 'sip' }],
    [['한국.example'], { kind: 'domain', canonical: 'xn--3e0b707e.example', display: '한국.example' }],
    [['٠٢-٦٢٠٠-٦٢٠٠-٠٨٢'], { kind: 'pin', canonical: '02-6200-6200-082' }],
  ])('%j', async (args, expected) => {
    const out = await ok(args);
    expect(out).toMatchObject(expected);
  });
});

describe.concurrent('callx number: configuration', () => {
  it('reads national numbers in CALLX_DEFAULT_COUNTRY', async () => {
    expect(await ok(['02-6200-6200'], { CALLX_DEFAULT_COUNTRY: 'KR' })).toMatchObject({
      e164: '+82262006200',
    });
  });

  it('lets --country override CALLX_DEFAULT_COUNTRY', async () => {
    expect(await ok(['020 7946 0000', '--country', 'GB'], { CALLX_DEFAULT_COUNTRY: 'KR' })).toMatchObject({
      e164: '+442079460000',
      country: 'GB',
    });
  });

  it('names owners under CALLX_APEX', async () => {
    expect(await ok(['+82262006200'], { CALLX_APEX: 'Example.NET.' })).toMatchObject({
      owners: { e164: '0.0.2.6.0.0.2.6.2.2.8.e164.example.net' },
    });
  });

  it('prints exactly one JSON object', async () => {
    const r = await inProcess(['acme.example']);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe.concurrent('callx number: bad input', () => {
  it.each<[string[], RegExp, Record<string, string>?]>([
    [['02-6200-6200'], /national number.*no country/],
    [['02-6200-6200-999'], /country code 999 does not exist/],
    [['6200-6200-082'], /PIN has no area code/],
    [['+999 1234 5678'], /999 do not exist/],
    [['62006200#999'], /country code 999 does not exist/],
    [['+82 2 62'], /too short/],
    [['+1 555 123 4567'], /no such number range/],
    [['http://acme.example'], /scheme 'http:' is not one of/],
    [['💩.la'], /cannot be part of a domain name/],
    [['alice@@example.com'], /more than one '@'/],
    [['a\u0007b'], /control character/],
    [['\u200f+82262006200'], /U\+200F/],
    [['   '], /nothing to classify/],
    [[''], /nothing to classify/],
    [['x'.repeat(10_240)], /longer than 1024 characters/],
    [['02-6200-6200', '--country', 'XX'], /'XX': not an ISO 3166 country/],
    [['02-6200-6200', '--country'], /option '-c, --country <CC>' argument missing/],
    [[], /missing required argument 'identifier'/],
    [['a', 'b'], /too many arguments/],
    [['+82262006200'], /CALLX_APEX/, { CALLX_APEX: 'not a name' }],
  ])('%j', async (args, message, env) => {
    const r = await inProcess(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^callx: [^\n]+\n$/); // one line
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });
});

describe.concurrent('callx number: the real command line', () => {
  // a success, national numbers in the configured country, bad input from the number plan, bad
  // usage from the parser, a missing argument, and one that does not fit CALLX_APEX
  it.each<[string[], Record<string, string>?]>([
    [['02-6200-6200-082']],
    [['02-6200-6200'], { CALLX_DEFAULT_COUNTRY: 'KR' }],
    [['한국.example']],
    [['02-6200-6200-999']],
    [['02-6200-6200', '--country']],
    [[]],
    [['+82262006200'], { CALLX_APEX: 'not a name' }],
  ])('%j: the same bytes and exit code as in-process', async (args, env) => {
    const child = await spawned(args, env);
    expect(child).toEqual(await inProcess(args, env));
    expect(child.code === 0 ? child.stderr : child.stdout).toBe('');
    if (child.code === 0) expect(JSON.parse(child.stdout)).toHaveProperty('kind');
    else {
      expect(child.code).toBe(2);
      expect(child.stderr).toMatch(/^callx: [^\n]+\n$/);
    }
  });
});
