import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import { exitCodeFor, resolveCommand } from '../../src/cli/resolve.ts';
import { sipConfig, startDns } from '../sip/env.ts';

const run = promisify(execFile);
let dns: DnsServer;
let dataDir: string;

beforeAll(async () => {
  dns = await startDns();
  dataDir = mkdtempSync(join(tmpdir(), 'callx-cli-resolve-'));
});
afterAll(async () => {
  await dns?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('callx resolve', () => {
  it('explains a decision: classification, queries with answers, NAPTRs and why, contacts, caller id', async () => {
    const { json, code } = await resolveCommand(
      '02-6200-6200-082',
      { from: '+442079460999' },
      sipConfig(dns.port),
      { store: null },
    );
    expect(code).toBe(0);
    expect(json.status).toBe(302);
    expect(json.classification).toMatchObject({ kind: 'pin', e164: '+82262006200' });
    expect(json.queries.map((q) => [q.tree, q.question, q.outcome])).toEqual([
      ['e164', '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test. IN NAPTR', 'NOERROR'],
      // the contactable number is someone's: partners and carriers are asked before the PSTN
      ['enum:e164.partner.test', '8.7.6.5.4.3.2.1.0.1.2.8.e164.partner.test. IN NAPTR', 'NXDOMAIN'],
      ['carriers', '8.7.6.5.4.3.2.1.0.1.2.8.carriers.callx.test. IN NAPTR', 'NXDOMAIN'],
      ['pstn', '8.7.6.5.4.3.2.1.0.1.2.8.pstn.callx.test. IN NAPTR', 'NOERROR'],
    ]);
    expect(json.queries[0]!.naptrs!.map((n) => [n.chosen, n.why])).toEqual([
      [true, 'order 100 preference 10'],
      [true, 'order 100 preference 20'],
      [false, 'web service, not used for calls'],
    ]);
    expect(json.contacts.map((c) => [c.target, c.q, c.source, c.callerId?.value])).toEqual([
      ['sip:+82262006200@kr.center.callx.test', '1.0', 'e164', '<tel:+442079460999>'],
      ['sip:+821012345678@gw.kr.callx.test;user=phone', '0.9', 'e164>pstn', '<tel:+442079460999>'],
    ]);
    expect(json.services).toEqual([{ service: 'E2U+web:http', uri: 'https://www.example.kr/' }]);
  });

  it("explains an emergency call: the code of the caller's country, its emergency gateway, never limited", async () => {
    const { json, code } = await resolveCommand('112', { from: '+82262006200' }, sipConfig(dns.port));
    expect([code, json.status]).toEqual([0, 302]);
    expect(json.emergency).toEqual({
      code: '112',
      country: 'KR',
      why: "112 is an emergency number in KR (libphonenumber ShortNumberInfo): routed to that country's emergency gateway, whoever calls, never blocked by limits",
    });
    expect(json.queries.map((q) => [q.tree, q.question, q.outcome])).toEqual([
      ['emergency', 'kr.emergency.callx.test. IN NAPTR', 'NOERROR'],
    ]);
    expect(json.contacts.map((c) => [c.target, c.source, c.callerId?.value])).toEqual([
      ['sip:112@sos.kr.callx.test', 'emergency', '<tel:+82262006200>'],
    ]);
    // 911 in the US, where test/sip/zones has no emergency route: 503, said why
    const us = await resolveCommand('911', { from: '+12125550100' }, sipConfig(dns.port));
    expect([us.code, us.json.status, us.json.why]).toEqual([
      1,
      503,
      'no emergency route for US (us.emergency.callx.test)',
    ]);
  });

  it('records negative answers with their SOA, the route taken after them', async () => {
    const { json } = await resolveCommand('+12125550100', {}, sipConfig(dns.port), { store: null });
    expect(json.queries.map((q) => [q.tree, q.outcome])).toEqual([
      ['e164', 'NXDOMAIN'],
      ['enum:e164.partner.test', 'NXDOMAIN'],
      ['carriers', 'NXDOMAIN'],
      ['pstn', 'NOERROR'],
    ]);
    expect(json.queries[0]!.soa).toMatch(
      /^callx\.test\. \d+ IN SOA ns1\.callx\.test\. hostmaster\.callx\.test\. 1 3600 600 604800 60$/,
    );
    expect(json.queries[0]!.ttl).toBe(60); // RFC 2308: min(SOA TTL, SOA minimum)
  });

  it.each([
    [302, 0],
    [404, 1],
    [604, 1],
    [503, 1],
    [484, 2],
    [400, 2],
  ])('status %i exits %i', (status, code) => {
    expect(exitCodeFor(status)).toBe(code);
  });

  it('runs as a command: JSON on stdout, exit 2 for an incomplete number', async () => {
    const env = {
      ...process.env,
      CALLX_SIP_RESOLVERS: `127.0.0.1:${dns.port}`,
      CALLX_DEFAULT_COUNTRY: 'KR',
      CALLX_LOG_LEVEL: 'silent',
      CALLX_DATA_DIR: dataDir, // the registry it reads registered terminals from
    };
    const ok = await run(process.execPath, ['bin/callx.js', 'resolve', 'alice@example.com'], { env });
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 302, classification: { kind: 'email' } });
    const bad = await run(process.execPath, ['bin/callx.js', 'resolve', '+8226'], { env }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 484, error: { code: 'too-short' } });
  });
});
