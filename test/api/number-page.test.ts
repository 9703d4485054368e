// issue 11, item 5: number -> home page. GET /n/{identifier} resolves any identifier through the
// same DNS path as the redirector (a real callx DNS server over UDP: our trees, then a partner's
// ENUM tree) and answers 302 to its E2U+web target; by host name too when a web domain is
// configured. A number without a page gets a small page saying so, escaped.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { DnsServer } from '#dns';
import { createResolver, type ResolverHandle } from '#resolve';
import { identifierOfHost } from '../../src/api/routes/number-page.ts';
import { sipConfig, startDns } from '../sip/env.ts';
import { it } from './helpers/fixtures.ts';

const ZONE = `$ORIGIN callx.test.
$TTL 300
@   IN SOA ns1.callx.test. hostmaster.callx.test. 1 3600 600 604800 60
    IN NS  ns1
ns1 IN A   127.0.0.1
0.0.2.6.0.0.2.6.2.2.8.e164 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:+82262006200@kr.center.callx.test!" .
0.0.2.6.0.0.2.6.2.2.8.e164 NAPTR 100 60 "u" "E2U+web:https" "!^.*$!https://kim.example/~kim?a=1&b=2!" .
; a member without a page, whose address is published
1.0.2.6.0.0.2.6.2.2.8.e164 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:+82262006201@kr.center.callx.test!" .
1.0.2.6.0.0.2.6.2.2.8.e164 NAPTR 100 70 "u" "E2U+email:mailto" "!^.*$!mailto:lee@example.kr!" .
0.0.2.6.0.0.2.6.82.vns NAPTR 100 30 "u" "E2U+sip" "!^.*$!sip:62006200%23082@kr.center.callx.test!" .
0.0.2.6.0.0.2.6.82.vns NAPTR 100 60 "u" "E2U+web:https" "!^.*$!https://acme.example/!" .
acme.example.domains NAPTR 100 10 "" "E2U+sip" "" 0.0.2.6.0.0.2.6.82.vns.callx.test.
2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db.example.com.email NAPTR 100 10 "" "E2U+sip" "" 0.0.2.6.0.0.2.6.2.2.8.e164.callx.test.
`;
// a partner's number with a home page, in the partner's own ENUM tree
const PARTNER = `$ORIGIN e164.partner.test.
$TTL 300
@ IN SOA ns1.partner.test. hostmaster.partner.test. 1 3600 600 604800 60
  IN NS  ns1.partner.test.
4.3.2.1.0.0.9.9.1.3.3 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:+33199001234@sip.partner.test!" .
4.3.2.1.0.0.9.9.1.3.3 NAPTR 100 20 "u" "E2U+web:http" "!^.*$!http://www.partner.test/dupont!" .
`;

let dir: string;
let dns: DnsServer;
let resolver: ResolverHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-pages-'));
  writeFileSync(join(dir, 'callx.test.zone'), ZONE);
  writeFileSync(join(dir, 'e164.partner.test.zone'), PARTNER);
  dns = await startDns(dir);
  resolver = createResolver(sipConfig(dns.port));
});
afterAll(async () => {
  resolver?.close();
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('number pages: GET /n/{identifier}', () => {
  it.for([
    ['a PIN', '02-6200-6200-082', 'https://kim.example/~kim?a=1&b=2'],
    ['an E.164 number', '%2B82%202%206200%206200', 'https://kim.example/~kim?a=1&b=2'],
    ['a VNS, its # escaped', '6200-6200%23082', 'https://acme.example/'],
    ['a company domain (through its VNS)', 'acme.example', 'https://acme.example/'],
    ['an address (through its number)', 'alice%40example.com', 'https://kim.example/~kim?a=1&b=2'],
    ["a partner's number, from its ENUM tree", '%2B33199001234', 'http://www.partner.test/dupont'],
  ])('%s: 302 to its E2U+web target, no token needed', async ([, id, web], { open }) => {
    const h = await open({ page: (i) => resolver.page(i) });
    const r = await h.call('GET', `/n/${id}`, { token: null });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(web);
    expect(r.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('a number without a page gets a small page saying so (with its published address), not an error', async ({
    open,
  }) => {
    const h = await open({ page: (i) => resolver.page(i) });
    const r = await h.call('GET', '/n/02-6200-6201-082', { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.text).toContain('No home page is published for this number.');
    expect(r.text).toContain('<a href="mailto:lee@example.kr">lee@example.kr</a>');
  });

  it('nobody’s number: 404 page; not an identifier: 400 page, the input escaped', async ({ open }) => {
    const h = await open({ page: (i) => resolver.page(i) });
    const nobody = await h.call('GET', '/n/%2B82262006299', { token: null });
    expect(nobody.status).toBe(404);
    expect(nobody.text).toContain('Nobody has this number');
    const bad = await h.call('GET', `/n/${encodeURIComponent('<script>alert(1)</script>')}`, { token: null });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain('<script>');
    expect(bad.text).toContain('&lt;script&gt;');
  });

  it('by host name under the web domain: plain E.164 digits, a PIN’s digits, reversed ENUM digits', async ({
    open,
  }) => {
    const h = await open({ page: (i) => resolver.page(i), webDomain: 'n.callx.test' });
    for (const host of [
      '82262006200.n.callx.test',
      '0262006200082.n.callx.test',
      '0.0.2.6.0.0.2.6.2.2.8.n.callx.test:8080',
    ]) {
      const r = await h.call('GET', '/', { token: null, headers: { host } });
      expect([host, r.status, r.headers.get('location')]).toEqual([
        host,
        302,
        'https://kim.example/~kim?a=1&b=2',
      ]);
    }
    // other hosts are the API as usual
    expect((await h.call('GET', '/', { token: null, headers: { host: 'api.callx.test' } })).status).toBe(404);
    expect(identifierOfHost('www.n.callx.test', 'n.callx.test')).toBeNull();
  });
});
