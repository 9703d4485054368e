import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { checkZoneFile, exportZoneText } from './zone.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'callx-zonecli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('callx zone check', () => {
  it('accepts the demo zones', () => {
    for (const f of ['callx.test.zone', 'e164.callx.test.zone']) {
      const r = checkZoneFile(join(ROOT, 'zones', f));
      expect(r).toMatchObject({ ok: true, lines: [] });
      expect(r.records).toBeGreaterThan(3);
    }
  });

  it('reports errors and the longest-prefix wildcard problem with file and line', () => {
    const f = join(tmp, 'bad.test.zone');
    writeFileSync(
      f,
      '$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n*.2.8 TXT a\n*.0.1.2.8 TXT b\n',
    );
    const r = checkZoneFile(f);
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual([
      `${f}:5: warning: wildcard *.2.8.bad.test does not match names below the empty non-terminal 1.2.8.bad.test (RFC 4592); add *.1.2.8.bad.test with the same records for longest-prefix routing`,
    ]);
    writeFileSync(f, '$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nt TXT "open\n');
    expect(checkZoneFile(f)).toMatchObject({
      ok: false,
      lines: [`${f}:5: error: unterminated quoted string`],
    });
  });

  it('exits 1 on a bad zone and 0 on a good one (the real command)', async () => {
    const f = join(tmp, 'cname.test.zone');
    writeFileSync(f, '$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nx CNAME ns\nx TXT y\n');
    const bad = await run('node', [join(ROOT, 'bin/callx.js'), 'zone', 'check', f]).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`${f}:5: error: x.cname.test has a CNAME and other data\n`);
    const good = await run('node', [
      join(ROOT, 'bin/callx.js'),
      'zone',
      'check',
      join(ROOT, 'zones/e164.callx.test.zone'),
    ]);
    expect(good.stdout).toMatch(/^zone e164.callx.test: .*: OK, 6 records\n$/);
  });
});

describe('callx zone export', () => {
  const config = loadConfig({ CALLX_ZONES_DIR: join(ROOT, 'zones') });

  it.each(['callx.test', 'e164.callx.test'])(
    'exports %s so that kzonecheck and named-checkzone accept it',
    async (apex) => {
      const text = exportZoneText(config, apex);
      const f = join(tmp, `${apex}.export`);
      writeFileSync(f, text, 'latin1');
      await run('kzonecheck', ['-o', apex, f]);
      const named = await run('named-checkzone', ['-i', 'local', apex, f]);
      expect(named.stdout).toMatch(/loaded serial 2026112601\nOK\n$/);
      // the export loads back to the same records
      expect(text).toContain(
        `${apex}.\t3600\tIN\tSOA\tns1.callx.test. hostmaster.callx.test. 2026112601 3600 600 1209600 300`,
      );
    },
  );

  it('keeps NAPTR regexps and escaped labels intact', () => {
    const text = exportZoneText(config, 'callx.test');
    expect(text).toContain(
      '*.2.8.pstn.callx.test.\t300\tIN\tNAPTR\t100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .',
    );
    expect(text).toContain('acme\\.corp.domains.callx.test.\t3600\tIN\tTXT');
  });

  it('names the zones it has when the apex is unknown', () => {
    expect(() => exportZoneText(config, 'nope.test')).toThrow(
      /no zone nope.test \(zones in .*: callx.test, e164.callx.test\)/,
    );
  });
});
