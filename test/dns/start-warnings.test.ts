// What a DNS node warns about at start: an RFC 4592 gap inside our routing trees is the node's
// own to fill (docs/dns.md, "Routing fillers"), so the demo's routes.inc starts without a
// warning; the same gap in any other zone still names its file and line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDnsNode, type DnsNode } from '#dns';
import { loadConfig } from '../../src/core/config.ts';
import { APEX, DERIVATION, embeddedRegistry, type Registry } from './helpers/registry.ts';

const ZONES = join(import.meta.dirname, '../../zones');
const OTHER = `$ORIGIN example.test.
@ 300 SOA ns.example.test. admin.example.test. 1 3600 600 86400 300
@ 300 NS ns.example.test.
ns 300 A 192.0.2.1
*.2.8 300 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:a@a.example!" .
*.0.1.2.8 300 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:b@b.example!" .
`;

let reg: Registry | undefined;
let node: DnsNode | undefined;
let dir: string | undefined;
afterEach(async () => {
  await node?.stop();
  await reg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  node = reg = dir = undefined;
});

async function warningsAtStart(zonesDir: string): Promise<string[]> {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  reg = embeddedRegistry();
  node = createDnsNode({
    config: loadConfig({ CALLX_DNS_PORT: '0', CALLX_DNS_JOURNAL_POLL_MS: '60000' }).dns,
    logger: pino({ level: 'info' }, sink),
    store: await reg.open(),
    zonesDir,
    apex: APEX,
    derivation: DERIVATION,
  });
  await node.start();
  return lines.filter((l) => l.level === 40).map((l) => l.msg);
}

describe('dns: warnings at start', () => {
  it('the demo zones: no warning for the gap the node fills in its pstn tree', async () => {
    const warned = await warningsAtStart(ZONES);
    expect(warned.filter((m) => m.includes('wildcard'))).toEqual([]);
  });

  it('the same gap in another zone is still named with its file and line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'callx-zones-'));
    writeFileSync(join(dir, 'example.test.zone'), OTHER);
    const warned = await warningsAtStart(dir);
    expect(warned).toEqual([
      expect.stringMatching(
        /^dns: .*example\.test\.zone:5: wildcard \*\.2\.8\.example\.test does not match names below the empty non-terminal 1\.2\.8\.example\.test/,
      ),
    ]);
  });
});
