import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { createAuthService, openStore } from '#registry';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'callx.js');

async function callx(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('callx token create', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'callx-token-'));
    env = { CALLX_DATA_DIR: dataDir, MONGODB_URI: '', CALLX_LOG_LEVEL: 'silent' };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a registrar token once; the stored hash authenticates it', async () => {
    const r = await callx(
      ['token', 'create', '--registrar', 'acme', '--name', 'ACME Telecom', '--label', 'ops'],
      env,
    );
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^cx_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/token of registrar acme created \(id [0-9a-f]{64}\)/);
    const admin = await callx(['token', 'create', '--admin'], env);
    expect(admin.code).toBe(0);
    const store = await openStore({ dataDir, mongodbUri: undefined, mongodbDb: 'callx' }, silentLogger);
    try {
      const auth = createAuthService({ store });
      expect(await auth.authenticate(token)).toMatchObject({
        principal: { role: 'registrar', registrarId: 'acme' },
      });
      expect(await auth.authenticate(admin.stdout.trim())).toMatchObject({ principal: { role: 'admin' } });
    } finally {
      await store.close();
    }
  });

  it('exits 2 with one line for bad usage', async () => {
    for (const args of [
      ['token', 'create'],
      ['token', 'create', '--admin', '--registrar', 'x'],
      ['token', 'create', '--registrar', 'Not Valid'],
      // the registry refuses the label: bad input, as a bad flag is
      ['token', 'create', '--admin', '--label', 'x'.repeat(201)],
      ['token', 'create', '--registrar', 'ghost'],
    ]) {
      const r = await callx(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect((await callx(['token', 'create', '--registrar', 'ghost'], env)).stderr).toContain(
      "no registrar 'ghost'; add --name",
    );
  });
});
