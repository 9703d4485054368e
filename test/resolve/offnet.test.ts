// issue 11, item 2: a member's number at another carrier (an E2U+tel record) goes where such a
// number goes — a partner's ENUM tree, the partner's range in the carriers tree, the PSTN — and a
// number no route reaches is reported in the decision instead of vanishing. Through a real callx
// DNS server over UDP.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import { createResolver, decisionJson, type ResolverHandle } from '#resolve';
import { sipConfig, startDns, ZONES_DIR } from '../sip/env.ts';

const ZONE = `$ORIGIN callx.test.
$TTL 300
@   IN SOA ns1.callx.test. hostmaster.callx.test. 1 3600 600 604800 60
    IN NS  ns1
ns1 IN A   127.0.0.1
; a member whose other numbers are at a partner with its own ENUM tree, in a partner's range, and
; in a country no route reaches
0.0.3.6.0.0.2.6.2.2.8.e164 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:+82262006300@kr.center.callx.test!" .
0.0.3.6.0.0.2.6.2.2.8.e164 NAPTR 100 20 "u" "E2U+tel" "!^.*$!tel:+33199001234!" .
0.0.3.6.0.0.2.6.2.2.8.e164 NAPTR 100 21 "u" "E2U+tel" "!^.*$!tel:+442079460123!" .
0.0.3.6.0.0.2.6.2.2.8.e164 NAPTR 100 22 "u" "E2U+tel" "!^.*$!tel:+8613800138000!" .
; a member reachable only at a number no route reaches
1.0.3.6.0.0.2.6.2.2.8.e164 NAPTR 100 10 "u" "E2U+tel" "!^.*$!tel:+8613800138001!" .
*.0.6.4.9.7.0.2.4.4.carriers NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@sip.partner.test;user=phone!" .
*.2.8.pstn NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .
`;

let dir: string;
let dns: DnsServer;
let resolver: ResolverHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-offnet-'));
  writeFileSync(join(dir, 'callx.test.zone'), ZONE);
  cpSync(join(ZONES_DIR, 'e164.partner.test.zone'), join(dir, 'e164.partner.test.zone'));
  dns = await startDns(dir);
  resolver = createResolver(sipConfig(dns.port));
});
afterAll(async () => {
  resolver?.close();
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("resolution: a member's numbers at other carriers", () => {
  it('sends each to the partner that has it, in the order the member gave', async () => {
    const d = await resolver.resolve('02-6200-6300-082');
    expect(d.status).toBe(302);
    expect(d.contacts.map((c) => [c.target, c.source])).toEqual([
      ['sip:+82262006300@kr.center.callx.test', 'e164'],
      ['sip:+33199001234@sip.partner.test', 'e164>enum:e164.partner.test'],
      ['sip:+442079460123@sip.partner.test;user=phone', 'e164>carriers'],
    ]);
  });

  it('says which number leads nowhere, and why, instead of dropping it silently', async () => {
    const d = await resolver.resolve('02-6200-6300-082');
    expect(d.notes).toEqual([
      'e164: tel:+8613800138000 leads nowhere (no partner ENUM tree, carrier range or PSTN route has it): skipped',
    ]);
    expect(decisionJson(d).notes).toEqual(d.notes);
    const nowhere = await resolver.resolve('02-6200-6301-082');
    expect(nowhere.status).toBe(404);
    expect(nowhere.warning).toContain('tel:+8613800138001 leads nowhere');
  });
});
