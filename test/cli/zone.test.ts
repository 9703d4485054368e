import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { derivationFor } from '#publish';
import { checkZoneFile, exportZoneText } from '../../src/cli/zone.ts';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { Member, ZoneDoc } from '../../src/core/model.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { SCHEMA } from '../../src/registry/schema.ts';
import { createEmbeddedStore } from '../../src/registry/stores/embedded/index.ts';
import { zoneDoc } from '../dns/helpers/registry.ts';
import { peer } from '../helpers/peer.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'callx-zonecli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('callx zone check', () => {
  it('accepts the demo zones, and says which filler callx adds to their routes', () => {
    for (const f of ['callx.test.zone', 'e164.callx.test.zone']) {
      const r = checkZoneFile(join(ROOT, 'zones', f));
      expect(r).toMatchObject({ ok: true, lines: [] });
      expect(r.records).toBeGreaterThan(3);
    }
    expect(checkZoneFile(join(ROOT, 'zones/callx.test.zone')).notes).toEqual([
      `${join(ROOT, 'zones/callx.test.zone')}: note: *.1.2.8.pstn.callx.test: filler added by callx's DNS nodes (longest-prefix routing; docs/dns.md, "Routing fillers")`,
    ]);
  });

  it('warns about a route no valid number reaches and a hand-written filler in the routing trees', () => {
    const f = join(tmp, 'callx.test.zone');
    const route = (host: string) => `NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@${host}!" .`;
    writeFileSync(
      f,
      [
        '$TTL 60',
        '@ SOA ns h 1 2 3 4 5',
        '@ NS ns',
        'ns A 192.0.2.1',
        `*.1.0.5.5.5.1.carriers ${route('p.example')}`,
        `*.2.8.pstn ${route('gw.kr')}`,
        `*.0.1.2.8.pstn ${route('gw-mobile.kr')}`,
        `*.1.2.8.pstn ${route('gw.kr')}`,
        '',
      ].join('\n'),
    );
    const r = checkZoneFile(f);
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /warning: \*\.1\.2\.8\.pstn\.callx\.test repeats the route of \*\.2\.8\.pstn\.callx\.test: a hand-written filler/,
      ),
      expect.stringMatching(
        /warning: \*\.1\.0\.5\.5\.5\.1\.carriers\.callx\.test: no valid number starts with \+155501 .*no call can reach this route$/,
      ),
    ]);
    expect(r.notes).toEqual([]);
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
  const config = loadConfig({
    CALLX_ZONES_DIR: join(ROOT, 'zones'),
    CALLX_DATA_DIR: join(tmp, 'empty-registry'),
  });

  it.each(['callx.test', 'e164.callx.test'])(
    'exports %s so that kzonecheck and named-checkzone accept it',
    async (apex) => {
      const text = await exportZoneText(config, apex, silentLogger);
      const f = join(tmp, `${apex}.export`);
      writeFileSync(f, text, 'latin1');
      await run(peer('kzonecheck'), ['-o', apex, f]);
      const named = await run(peer('named-checkzone'), ['-i', 'local', apex, f]);
      expect(named.stdout).toMatch(/loaded serial 2026112601\nOK\n$/);
      // the export loads back to the same records
      expect(text).toContain(
        `${apex}.\t3600\tIN\tSOA\tns1.callx.test. hostmaster.callx.test. 2026112601 3600 600 1209600 300`,
      );
    },
  );

  it('keeps NAPTR regexps and escaped labels intact', async () => {
    const text = await exportZoneText(config, 'callx.test', silentLogger);
    expect(text).toContain(
      '*.2.8.pstn.callx.test.\t300\tIN\tNAPTR\t100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .',
    );
    expect(text).toContain('acme\\.corp.domains.callx.test.\t3600\tIN\tTXT');
  });

  it('names the zones it has when the apex is unknown', async () => {
    await expect(exportZoneText(config, 'nope.test', silentLogger)).rejects.toThrow(
      /no zone nope.test \(zones served: callx.test, e164.callx.test\)/,
    );
  });

  it('prints registry-derived records and HTTP zones too, with the serial a DNS node serves (the real command)', async () => {
    const dataDir = join(tmp, 'registry');
    const store = createEmbeddedStore({ dataDir, logger: silentLogger });
    await store.ensureSchema(SCHEMA);
    const pub = createPublisher({
      store,
      journal: createJournal({ store, logger: silentLogger }),
      derivation: derivationFor({ apex: 'callx.test' }),
      logger: silentLogger,
    });
    const now = Date.now();
    for (const [id, e164] of [
      ['m1', '+82262006201'],
      ['m2', '+82262006202'],
      ['m3', '+14155550100'],
    ] as const) {
      await pub.insert<Member>('members', {
        _id: id,
        registrarId: 'r1',
        type: 'individual',
        displayName: id,
        email: `${id}@example.com`,
        country: 'KR',
        numbers: [{ kind: 'pin', e164 }],
        otherCarriers: ['sip:alice@partner.example'],
        homePage: 'https://example.com/~a',
        createdAt: now,
        updatedAt: now,
      });
    }
    await pub.remove('members', { _id: 'm3' });
    await pub.insert<ZoneDoc>('zones', zoneDoc('acme.example', 'r1', now));
    await pub.update(
      'rrsets',
      { _id: 'acme.example|ns1.acme.example|A' },
      {
        $set: {
          zone: 'acme.example',
          name: 'ns1.acme.example',
          type: 'A',
          ttl: 300,
          records: ['192.0.2.53'],
        },
      },
      { upsert: true },
    );
    await store.close();
    const env = {
      ...process.env,
      CALLX_ZONES_DIR: join(ROOT, 'zones'),
      CALLX_DATA_DIR: dataDir,
      CALLX_LOG_LEVEL: 'warn',
    };
    const cli = (apex: string) => run('node', [join(ROOT, 'bin/callx.js'), 'zone', 'export', apex], { env });
    // 6 journal entries (members 1-4, the zone 5, its record set 6): a zone's serial is its
    // base (the file's serial, 0 for an HTTP zone) plus the last entry that may touch it
    const serials: Record<string, number> = {
      'e164.callx.test': 2026112601 + 4,
      'callx.test': 2026112601 + 4,
      'acme.example': 6,
    };
    for (const apex of ['e164.callx.test', 'callx.test', 'acme.example']) {
      const { stdout } = await cli(apex);
      const f = join(tmp, `${apex}.registry.export`);
      writeFileSync(f, stdout, 'latin1');
      await run(peer('kzonecheck'), ['-o', apex, f]);
      const named = await run(peer('named-checkzone'), ['-i', 'local', apex, f]);
      expect(named.stdout, apex).toMatch(new RegExp(`loaded serial ${serials[apex]}\\nOK\\n$`));
      if (apex === 'e164.callx.test') {
        expect(stdout).toContain(
          '1.0.2.6.0.0.2.6.2.2.8.e164.callx.test.\t300\tIN\tNAPTR\t100 10 "u" "E2U+sip" "!^.*$!sip:+82262006201@kr.center.callx.test!" .',
        );
        expect(stdout).toContain(
          '2.0.2.6.0.0.2.6.2.2.8.e164.callx.test.\t300\tIN\tNAPTR\t100 20 "u" "E2U+sip" "!^.*$!sip:alice@partner.example!" .',
        );
        expect(stdout).not.toContain('0.0.1.0.5.5.5.5.1.4.1'); // m3 was removed
      }
      if (apex === 'acme.example') expect(stdout).toContain('ns1.acme.example.\t300\tIN\tA\t192.0.2.53');
    }
    const email = (await cli('callx.test')).stdout;
    expect(email).toMatch(
      /^[0-9a-f]{56}\.example\.com\.email\.callx\.test\.\t300\tIN\tNAPTR\t100 10 "" "E2U\+sip" "" 1\.0\.2\.6\.0\.0\.2\.6\.2\.2\.8\.e164\.callx\.test\.$/m,
    );
  });
});
