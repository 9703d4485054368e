// End to end with SIPp (Debian sip-tester): every identifier kind and every error code, over
// UDP and TCP, against the redirector resolving through a real callx DNS server; REGISTER with
// digest then INVITE against a real registry store.
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claim, COLLECTIONS, ha1, type Member, type Store } from '#core';
import type { DnsServer } from '#dns';
import { createEmbeddedStore, SCHEMA } from '#registry';
import type { SipService } from '#sip';
import { silentLogger } from '../../src/core/log.ts';
import { peer, runPeer } from '../helpers/peer.ts';
import { startDns, startSip } from './env.ts';

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');
const SIPP = process.env.CALLX_SIPP ?? peer('sipp');

let dns: DnsServer;
let sip: { service: SipService; port: number };
let dead: { service: SipService; port: number };
let hole: dgram.Socket;
let store: Store;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'callx-sipp-'));
  store = createEmbeddedStore({ dataDir: join(tmp, 'data'), logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: 'm_sipp',
    registrarId: 'r1',
    type: 'individual',
    displayName: 'Kim',
    country: 'KR',
    // its own number, so its registration does not change the other scenarios' answers
    numbers: [{ kind: 'pin', e164: '+82262006204' }],
    otherCarriers: [],
    sip: {
      username: 'kim',
      realm: 'callx.test',
      ha1Md5: ha1('MD5', 'kim', 'callx.test', 's3cret'),
      ha1Sha256: ha1('SHA-256', 'kim', 'callx.test', 's3cret'),
    },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  await store
    .collection<Claim>(COLLECTIONS.claims)
    .insert({ _id: 'sip:kim', ownerId: 'm_sipp', createdAt: 0 });
  dns = await startDns();
  // SIPp 3.6 computes MD5 only and answers the first challenge: offer MD5 first here
  // (SHA-256 is covered by test/sip/register.test.ts over real sockets).
  sip = await startSip(
    dns.port,
    { CALLX_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256' },
    { store, bindingCacheMs: 100 },
  );
  hole = dgram.createSocket('udp4'); // a resolver that never answers
  await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
  dead = await startSip(hole.address().port, { CALLX_SIP_DNS_TIMEOUT_MS: '100', CALLX_SIP_DNS_TRIES: '2' });
});
afterAll(async () => {
  await sip?.service.stop();
  await dead?.service.stop();
  hole?.close();
  await dns?.stop();
  await store?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let csvSeq = 0;
/** Runs one SIPp scenario over every line of `rows`; resolves to its exit code and output. */
async function sipp(
  scenario: string,
  rows: string[][],
  port: number,
  transport: 'u1' | 't1',
  extra: string[] = [],
): Promise<{ code: number; out: string }> {
  const csv = join(tmp, `rows-${++csvSeq}.csv`);
  writeFileSync(csv, `SEQUENTIAL\n${rows.map((r) => `${r.join(';')};`).join('\n')}\n`);
  const args = [
    `127.0.0.1:${port}`,
    '-sf',
    join(SCENARIOS, scenario),
    '-inf',
    csv,
    '-t',
    transport,
    '-i',
    '127.0.0.1',
    '-p',
    '0',
    '-m',
    String(rows.length),
    '-r',
    '50',
    '-l',
    '1',
    '-nostdin',
    '-timeout',
    '30s',
    '-recv_timeout',
    '5000',
    '-max_recv_loops',
    '100',
    '-trace_err',
    '-error_file',
    join(tmp, `err-${csvSeq}.log`),
    ...extra,
  ];
  // a SIPp that could not run (or was killed) rejects: only SIPp's own verdict is an exit code
  const r = await runPeer(SIPP, args, { cwd: tmp, timeout: 60_000 });
  return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
}

const REDIRECTS: [string, string, string][] = [
  ['E.164 member', 'sip:+82262006200@callx.test', 'sip:+82262006200@kr.center.callx.test'],
  ['PIN', 'sip:02-6200-6200-082@callx.test', 'sip:+82262006200@kr.center.callx.test'],
  ['tel URI', 'tel:+82-2-6200-6200', 'sip:+82262006200@kr.center.callx.test'],
  ['national number', 'sip:0262006200@callx.test', 'sip:+82262006200@kr.center.callx.test'],
  ['VNS', 'sip:62006200%2382@callx.test', 'sip:62006200%2382@kr.center.callx.test'],
  ['domain', 'sip:acme.example', 'sip:62006200%2382@kr.center.callx.test'],
  ['email', 'sip:alice@example.com', 'sip:+82262006200@kr.center.callx.test'],
  ['partner ENUM', 'sip:+33199001234@callx.test', 'sip:+33199001234@sip.partner.test'],
  ['partner carrier', 'sip:+442079460123@callx.test', 'sip:+442079460123@sip.partner.test'],
  ['PSTN', 'sip:+12125550100@callx.test', 'sip:+12125550100@gw.us.callx.test'],
];

describe.each(['u1', 't1'] as const)('SIPp over %s', (transport) => {
  it.each(REDIRECTS)('302 for %s', async (_what, uri, contact) => {
    const r = await sipp('uac_302.xml', [[uri, contact]], sip.port, transport);
    expect(r.code, r.out).toBe(0);
  });

  it('302 for all kinds in one run, several calls per connection', async () => {
    const r = await sipp(
      'uac_302.xml',
      REDIRECTS.map(([, u, c]) => [u, c]),
      sip.port,
      transport,
    );
    expect(r.code, r.out).toBe(0);
  });

  it.each([
    ['uac_404.xml', 'sip:+493012345678@callx.test'],
    ['uac_404.xml', 'sip:nobody.example'],
    ['uac_604.xml', 'sip:+827012345678@callx.test'],
    ['uac_484.xml', 'sip:+8226@callx.test'],
    ['uac_400.xml', 'sip:%zz@callx.test'],
    ['uac_483.xml', 'sip:+82262006200@callx.test'],
    ['uac_options_405.xml', 'sip:callx.test'],
  ])('%s for %s', async (scenario, uri) => {
    const r = await sipp(scenario, [[uri]], sip.port, transport);
    expect(r.code, r.out).toBe(0);
  });

  it('503 when DNS does not answer', async () => {
    const r = await sipp('uac_503.xml', [['sip:+82262006200@callx.test']], dead.port, transport);
    expect(r.code, r.out).toBe(0);
  });

  it('a wrong Contact fails the scenario (the check can fail)', async () => {
    const r = await sipp(
      'uac_302.xml',
      [['sip:+82262006200@callx.test', 'sip:someone@else.test']],
      sip.port,
      transport,
    );
    expect(r.code).not.toBe(0);
  });

  it('REGISTER with digest, then INVITE reaches the terminal first', async () => {
    const r = await sipp('register_invite.xml', [['sip:+82262006204@callx.test']], sip.port, transport, [
      '-au',
      'kim',
      '-ap',
      's3cret',
    ]);
    expect(r.code, r.out).toBe(0);
  });
});
