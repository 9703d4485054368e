// The SIP suite on both transports from one table (test/sip/cases.ts): SIPp scenarios (Debian
// sip-tester), whole answers over raw sockets, and exchanges (retransmissions, ACK, CANCEL,
// REGISTER with digest, Via), each over UDP and TCP, against the builtin transport and through a
// real drachtio-server. A difference between the two that the table does not declare fails.
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claim, COLLECTIONS, ha1, type Member, type Store } from '#core';
import type { DnsServer } from '#dns';
import { createEmbeddedStore, SCHEMA } from '#registry';
import { silentLogger } from '../../src/core/log.ts';
import { runPeer } from '../helpers/peer.ts';
import { type Answer, Client, FLOW_CASES, SIPP_CASES, type Target, WIRE_CASES } from './cases.ts';
import { headers, startDns, status } from './env.ts';
import { type SipUnderTest, startUnderTest, TRANSPORTS, type TransportName } from './transports.ts';

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

let tmp: string;
let store: Store;
let dns: DnsServer;
let hole: dgram.Socket;

async function member(id: string, username: string, password: string, numbers: string[], email?: string) {
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: id,
    registrarId: 'r1',
    type: 'individual',
    displayName: username,
    country: 'KR',
    ...(email ? { email } : {}),
    numbers: numbers.map((e164) => ({ kind: 'pin' as const, e164 })),
    otherCarriers: [],
    sip: {
      username,
      realm: 'callx.test',
      ha1Md5: ha1('MD5', username, 'callx.test', password),
      ha1Sha256: ha1('SHA-256', username, 'callx.test', password),
    },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  await store
    .collection<Claim>(COLLECTIONS.claims)
    .insert({ _id: `sip:${username}`, ownerId: id, createdAt: 0 });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'callx-transports-'));
  store = createEmbeddedStore({ dataDir: join(tmp, 'data'), logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  // kim: its own number, so its registration (SIPp) does not change the other cases' answers
  await member('m_kim', 'kim', 's3cret', ['+82262006204']);
  await member('m_lee', 'lee', 'pw', [], 'lee@example.net');
  dns = await startDns();
  hole = dgram.createSocket('udp4'); // a resolver that never answers
  await new Promise<void>((r) => hole.bind(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
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
) {
  const csv = join(tmp, `rows-${++csvSeq}.csv`);
  writeFileSync(csv, `SEQUENTIAL\n${rows.map((r) => `${r.join(';')};`).join('\n')}\n`);
  // -timeout_error: a scenario that times out fails (e.g. an answer that never comes)
  const args = [
    `127.0.0.1:${port}`,
    ...['-sf', join(SCENARIOS, scenario), '-inf', csv, '-t', transport, '-i', '127.0.0.1', '-p', '0'],
    ...['-m', String(rows.length), '-r', '50', '-l', '1', '-nostdin', '-timeout', '20s', '-timeout_error'],
    ...[
      '-recv_timeout',
      '4000',
      '-max_recv_loops',
      '100',
      '-trace_err',
      '-error_file',
      join(tmp, `err-${csvSeq}.log`),
    ],
    ...extra,
  ];
  // a SIPp that could not start, or was killed, rejects here: it never passes for a verdict
  const r = await runPeer('sipp', args, { cwd: tmp, timeout: 60_000 });
  return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
}

/** Checks a received answer against the table's expectation. */
function check(msg: string | null, want: Answer, what: string): void {
  if (want.status === null) {
    expect(msg, `${what}: expected no answer`).toBeNull();
    return;
  }
  expect(msg, `${what}: no answer`).not.toBeNull();
  expect(status(msg), what).toBe(want.status);
  if (want.contacts) expect(headers(msg!, 'Contact'), what).toEqual(want.contacts);
  for (const [name, values] of Object.entries(want.headers ?? {}))
    expect(headers(msg!, name), `${what}: ${name}`).toEqual(values);
  // a To tag on every final answer, and no header line that is not Name: value
  expect(headers(msg!, 'To')[0], what).toMatch(/;tag=[^;\s]+/);
  for (const line of msg!.split('\r\n\r\n', 1)[0]!.split('\r\n').slice(1))
    expect(line, what).toMatch(/^[A-Za-z][A-Za-z0-9-]*: [^\r\n\x00]*$/);
}

describe.each(TRANSPORTS)('through the %s transport', (transport: TransportName) => {
  const sip = {} as Record<Target, SipUnderTest>;

  beforeAll(async () => {
    // SIPp 3.6 computes MD5 only and answers the first challenge: MD5 is offered first here
    const [main, dead] = await Promise.all([
      startUnderTest(
        transport,
        dns.port,
        { CALLX_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256' },
        { store, bindingCacheMs: 100 },
      ),
      startUnderTest(transport, hole.address().port, {
        CALLX_SIP_DNS_TIMEOUT_MS: '600',
        CALLX_SIP_DNS_TRIES: '2',
      }),
    ]);
    sip.main = main;
    sip.dead = dead;
  }, 60_000);
  afterAll(async () => {
    await sip.main?.stop();
    await sip.dead?.stop();
  });

  describe.each(['UDP', 'TCP'] as const)('over %s', (proto) => {
    it.each(SIPP_CASES.map((k) => [k.name, k] as const))('SIPp: %s', async (_name, k) => {
      const want = transport === 'drachtio' && k.drachtio ? k.drachtio.expect : k.expect;
      const r = await sipp(
        k.scenario,
        k.rows,
        sip[k.target ?? 'main'].port,
        proto === 'UDP' ? 'u1' : 't1',
        k.args,
      );
      if (want === 'pass') expect(r.code, r.out).toBe(0);
      else expect(r.code, r.out).not.toBe(0);
    });

    it.each(WIRE_CASES.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
      const want = transport === 'drachtio' && k.drachtio ? k.drachtio : k.expect;
      const c = await Client.open(proto, sip[k.target ?? 'main'].port);
      try {
        c.send(c.request(k.req));
        const got = await c.final(want.status === null ? 1500 : 5000);
        check(got, want, `${transport}/${proto}: ${k.name}`);
      } finally {
        c.close();
      }
    });

    it.each(FLOW_CASES.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
      const opened: Client[] = [];
      try {
        await k.run(
          { transport, proto, port: { main: sip.main.port, dead: sip.dead.port } },
          async (t = 'main') => {
            const c = await Client.open(proto, sip[t].port);
            opened.push(c);
            return c;
          },
        );
      } finally {
        for (const c of opened) c.close();
      }
    });
  });
});
