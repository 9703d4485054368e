// `callx registry republish` as users run it, on both stores: a registry published by an older
// derivation is brought to this build's, journaling only the sources whose records differ; a
// second run journals nothing; --dry-run writes nothing; bad input exits 2, a store that cannot
// be opened exits 1, each with one line on stderr; long runs print progress lines on stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDerivation, DERIVATION_VERSION, type Derivation, publishContext } from '#publish';
import { progressLine, republishCommand } from '../../src/cli/registry.ts';
import { manualClock } from '../../src/core/clock.ts';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store.ts';
import { createJournal } from '../../src/registry/journal.ts';
import {
  APEX,
  embeddedRegistry,
  member,
  mongoRegistry,
  publisherOn,
  type Registry,
} from '../dns/helpers/registry.ts';
import { mongoUri, testDbName } from '../setup/inject.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const CALLX = join(ROOT, 'bin/callx.js');

/** The derivation before this build's: member records at TTL 60. */
const OLDER: Derivation = {
  ...createDerivation(publishContext(APEX, { member: 60 })),
  version: DERIVATION_VERSION - 1,
};

interface Target {
  registry: Registry;
  /** The environment that points callx at this registry. */
  env: Record<string, string>;
}

function embedded(): Target {
  const registry = embeddedRegistry();
  return { registry, env: { CALLX_DATA_DIR: registry.dataDir! } };
}

function mongo(): Target {
  const uri = mongoUri();
  const db = testDbName(import.meta.filename);
  return { registry: mongoRegistry(uri, db), env: { MONGODB_URI: uri, MONGODB_DB: db } };
}

function defineRepublishCli(label: string, target: () => Target): void {
  describe(`callx registry republish (${label})`, () => {
    let t: Target;
    let store: Store;
    const cli = (...args: string[]) =>
      run('node', [CALLX, 'registry', 'republish', ...args], {
        env: { ...process.env, CALLX_APEX: APEX, CALLX_LOG_LEVEL: 'warn', ...t.env },
      });
    const head = () => createJournal({ store, logger: silentLogger }).head();

    beforeAll(async () => {
      t = target();
      store = await t.registry.open();
      const older = publisherOn(store, OLDER);
      for (const [id, e164] of [
        ['m1', '+82262006801'],
        ['m2', '+82262006802'],
        ['m3', '+82262006803'],
      ] as const)
        await older.insert('members', member(id, [e164]));
      // one written by this build already
      await publisherOn(store).insert('members', member('m4', ['+82262006804']));
    });

    afterAll(async () => {
      await t?.registry.close();
    });

    it('--dry-run counts what would change and writes nothing', async () => {
      const h = await head();
      const { stdout, stderr } = await cli('--dry-run');
      expect(JSON.parse(stdout)).toEqual({
        derivation: DERIVATION_VERSION,
        dryRun: true,
        sources: 4,
        changed: 3,
        stamped: 0,
        unchanged: 1,
        removing: 0,
      });
      expect(stderr).toBe('');
      expect(await head()).toBe(h);
    });

    it('journals the sources whose records differ, at new versions, derived by this build', async () => {
      const h = await head();
      const { stdout } = await cli();
      expect(JSON.parse(stdout)).toMatchObject({ dryRun: false, sources: 4, changed: 3, unchanged: 1 });
      const entries = await createJournal({ store, logger: silentLogger }).readAfter(h);
      expect(entries.map((e) => [e.source, e.version, e.derivation, e.rrsets[0]?.ttl])).toEqual([
        ['members/m1', 2, DERIVATION_VERSION, 300],
        ['members/m2', 2, DERIVATION_VERSION, 300],
        ['members/m3', 2, DERIVATION_VERSION, 300],
      ]);
    });

    it('a second run finds the same records everywhere and journals nothing', async () => {
      const h = await head();
      const { stdout, stderr } = await cli();
      expect(JSON.parse(stdout)).toMatchObject({ sources: 4, changed: 0, stamped: 0, unchanged: 4 });
      expect(stderr).toBe('');
      expect(await head()).toBe(h);
    });
  });
}

defineRepublishCli('embedded store', embedded);
defineRepublishCli('MongoDB/FerretDB', mongo);

describe('callx registry republish: errors and progress', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'callx-republish-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 2 with one line on bad input', async () => {
    const bad = await run('node', [CALLX, 'registry', 'republish', '--bogus']).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("callx: unknown option '--bogus'\n");
  });

  it('exits 1 with one line when the store cannot be opened', async () => {
    const notADir = join(tmp, 'file');
    writeFileSync(notADir, 'x');
    const failed = await run('node', [CALLX, 'registry', 'republish'], {
      env: { ...process.env, CALLX_DATA_DIR: notADir, CALLX_LOG_LEVEL: 'silent' },
    }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^callx: registry: .*\n$/);
    expect(failed.stderr.split('\n')).toHaveLength(2);
  });

  it('writes progress lines on stderr on long runs, at most one per interval', async () => {
    const reg = embeddedRegistry();
    try {
      const store = await reg.open();
      const pub = publisherOn(store, OLDER);
      for (let i = 0; i < 7; i++) await pub.insert('members', member(`p${i}`, [`+8226200690${i}`]));
      const config = loadConfig({ CALLX_APEX: APEX, CALLX_DATA_DIR: reg.dataDir! });
      const clock = manualClock(1_000_000);
      const lines: string[] = [];
      const opts = { clock, progress: (l: string) => lines.push(l), pageSize: 2, logger: silentLogger };
      // a run shorter than the interval prints nothing
      await republishCommand(config, { ...opts, dryRun: true, progressEveryMs: 2_000 });
      expect(lines).toEqual([]);
      // one line per page when the interval has passed each time (0 here)
      const report = await republishCommand(config, { ...opts, progressEveryMs: 0 });
      expect(report).toMatchObject({ changed: 7, sources: 7 });
      const counts = { stamped: 0, unchanged: 0, removing: 0 };
      expect(lines).toEqual([
        progressLine({ collection: 'members', done: 2, total: 7, sources: 2, changed: 2, ...counts }),
        progressLine({ collection: 'members', done: 4, total: 7, sources: 4, changed: 4, ...counts }),
        progressLine({ collection: 'members', done: 6, total: 7, sources: 6, changed: 6, ...counts }),
        progressLine({ collection: 'members', done: 7, total: 7, sources: 7, changed: 7, ...counts }),
        progressLine({ collection: 'aggregates', done: 2, total: 2, sources: 7, changed: 7, ...counts }),
      ]);
      expect(lines[0]).toBe(
        'callx: registry republish: members 2/7; changed 2, stamped 0, unchanged 0, removing 0',
      );
    } finally {
      await reg.close();
    }
  });
});
