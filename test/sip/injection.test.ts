// Header injection: CR, LF and NUL, raw or %-encoded, in every part of the Request-URI and in every
// header an answer echoes or builds from (To, From, Call-ID, Via, CSeq, Require, P-Asserted-
// Identity, the AOR of a REGISTER) never reach a header of a response: no header line of an
// answer holds one, and the text after one never becomes a header of its own. On both transports,
// the drachtio one through a real drachtio-server, over UDP and TCP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claim, COLLECTIONS, ha1, type Member, type Store } from '#core';
import type { DnsServer } from '#dns';
import { createEmbeddedStore, SCHEMA } from '#registry';
import { silentLogger } from '../../src/core/log.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { Client } from './cases.ts';
import { headers, startDns, status } from './env.ts';
import { type SipUnderTest, startUnderTest, TRANSPORTS } from './transports.ts';

const INJECTED = 'X-Inj: 1';
/** Inside a URI there is no space: what would follow a line break there. */
const IN_URI = 'X-Inj:1';
/** What may stand where a line could be broken: %-encoded, then raw. */
const BREAKS: [string, string][] = [
  ['%0D%0A', '%0D%0A'],
  ['%0d%0a', '%0d%0a'],
  ['%0A', '%0A'],
  ['%00', '%00'],
  ['CR LF', '\r\n'],
  ['LF', '\n'],
  ['CR', '\r'],
  ['NUL', '\u0000'],
];

/** Where the break goes: a function from the break to the request's parts. */
const PLACES: [
  string,
  (b: string) => {
    uri?: string;
    from?: string;
    pai?: string;
    extra?: string[];
    callId?: string;
    via?: (port: number, proto: string) => string;
  },
][] = [
  ['Request-URI user', (b) => ({ uri: `sip:+82262006200${b}${IN_URI}@callx.test` })],
  ['Request-URI host', (b) => ({ uri: `sip:alice@example.com${b}${IN_URI}` })],
  ['Request-URI parameter', (b) => ({ uri: `sip:+82262006200@callx.test;p=a${b}${IN_URI}` })],
  ['Request-URI header', (b) => ({ uri: `sip:+82262006200@callx.test?Subject=a${b}${IN_URI}` })],
  ['tel: URI', (b) => ({ uri: `tel:+82262006200;p=${b}${IN_URI}` })],
  ['From user (caller)', (b) => ({ from: `<sip:+8210${b}${IN_URI}@callx.test>` })],
  ['From display name', (b) => ({ from: `"Kim${b}${INJECTED}" <sip:+821099990000@callx.test>` })],
  ['P-Asserted-Identity (echoed in Contacts)', (b) => ({ pai: `<tel:+8210999${b}${IN_URI}>` })],
  ['Call-ID', (b) => ({ callId: `inj-${b}${INJECTED}` })],
  ['Require (echoed in Unsupported)', (b) => ({ extra: [`Require: a${b}${INJECTED}`] })],
  ['an unknown header', (b) => ({ extra: [`Subject: a${b}${INJECTED}`] })],
  [
    'Via branch',
    (b) => ({
      via: (port, proto) => `Via: SIP/2.0/${proto} 127.0.0.1:${port};branch=z9hG4bK-inj${b}${INJECTED};rport`,
    }),
  ],
];

const RAW = new Set(['CR LF', 'LF', 'CR', 'NUL']);

/**
 * Why a case gets no final answer at all, or undefined when it must get one. A request nothing can
 * be addressed to goes unanswered; so does one a header of which the answer would have to echo
 * with NUL in it; drachtio-server's SIP stack drops some itself.
 */
function silentBecause(transport: string, proto: string, place: string, b: string): string | undefined {
  if ((place.startsWith('Request-URI') || place.startsWith('tel:')) && RAW.has(b))
    return 'a raw break in the Request-URI breaks the request line: not a request any more';
  if (transport === 'builtin' && b === 'NUL' && /^(From|Call-ID|Via)/.test(place))
    return 'NUL in a header the answer copies: no answer can be addressed without echoing it';
  if (transport === 'drachtio' && place === 'Via branch' && b.startsWith('%'))
    return 'sofia-sip (drachtio-server) refuses a %-escape in a Via branch and drops the request';
  if (transport === 'drachtio' && proto === 'TCP' && b === 'NUL')
    return 'sofia-sip (drachtio-server) drops a message with NUL on a TCP stream';
  return undefined;
}

/** Every line of a response, split at any CR, LF or CRLF: none may be the injected header. */
function injectedLines(msg: string): string[] {
  return msg
    .split('\r\n\r\n', 1)[0]!
    .split(/\r\n|\r|\n/)
    .filter((l) => /^x-inj\s*:/i.test(l));
}

/** A header line of ours holding CR, LF or NUL (the CRLF-separated lines, each checked). */
function brokenLines(msg: string): string[] {
  return msg
    .split('\r\n\r\n', 1)[0]!
    .split('\r\n')
    .filter((l) => /[\r\n\u0000]/.test(l));
}

let tmp: string;
let store: Store;
let dns: DnsServer;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'callx-injection-'));
  store = createEmbeddedStore({ dataDir: join(tmp, 'data'), logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  await store.collection<Member>(COLLECTIONS.members).insert({
    _id: 'm_lee',
    registrarId: 'r1',
    type: 'individual',
    displayName: 'Lee',
    country: 'KR',
    numbers: [],
    otherCarriers: [],
    sip: {
      username: 'lee',
      realm: 'callx.test',
      ha1Md5: ha1('MD5', 'lee', 'callx.test', 'pw'),
      ha1Sha256: ha1('SHA-256', 'lee', 'callx.test', 'pw'),
    },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  await store
    .collection<Claim>(COLLECTIONS.claims)
    .insert({ _id: 'sip:lee', ownerId: 'm_lee', createdAt: 0 });
  dns = await startDns();
});
afterAll(async () => {
  await dns?.stop();
  await store?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.each(TRANSPORTS)('through the %s transport', (transport) => {
  let sip: SipUnderTest;
  beforeAll(async () => {
    sip = await startUnderTest(transport, dns.port, {}, { store });
  }, 60_000);
  afterAll(async () => {
    await sip?.stop();
  });

  describe.each(['UDP', 'TCP'] as const)('over %s', (proto) => {
    const CASES = PLACES.flatMap(([place, make]) =>
      BREAKS.map(
        ([b, raw]) => [`${place} with ${b}`, make(raw), silentBecause(transport, proto, place, b)] as const,
      ),
    );
    // every case's exchange runs first, side by side (a few at a time over TCP: one address may
    // hold 64 connections); each test below then checks what its request got
    const got = new Map<string, string[]>();
    beforeAll(async () => {
      const batch = proto === 'TCP' ? 24 : CASES.length;
      for (let i = 0; i < CASES.length; i += batch) {
        await Promise.all(
          CASES.slice(i, i + batch).map(async ([name, parts]) => {
            const c = await Client.open(proto, sip.port);
            try {
              c.send(
                c.request({
                  uri: parts.uri ?? 'sip:+82262006200@callx.test',
                  ...(parts.from ? { from: parts.from } : {}),
                  ...(parts.pai ? { pai: parts.pai } : {}),
                  ...(parts.callId ? { callId: parts.callId } : {}),
                  ...(parts.via ? { via: parts.via(c.localPort, proto) } : {}),
                  extra: parts.extra ?? [],
                }),
              );
              // everything that comes back within 2 s (drachtio-server's 100 Trying, answers, retransmissions)
              const msgs: string[] = [];
              const end = Date.now() + 2000;
              for (let m = await c.next(2000); m !== null; m = await c.next(Math.max(1, end - Date.now())))
                msgs.push(m);
              got.set(name, msgs);
            } finally {
              c.close();
            }
          }),
        );
      }
    }, 60_000);

    it.each(CASES.map(([name, , silent]) => [name, silent] as const))('%s', (name, silent) => {
      const msgs = got.get(name);
      expect(msgs).toBeDefined();
      // answered (so the checks below see an answer), or silent for the reason silentBecause() gives
      const answered = msgs!.some((m) => status(m) >= 200);
      expect(answered, silent ? `expected no answer: ${silent}` : 'expected an answer').toBe(!silent);
      for (const m of msgs!) {
        expect(injectedLines(m), m).toEqual([]);
        expect(brokenLines(m), m).toEqual([]);
      }
    });

    it.each(BREAKS.map(([b, raw]) => [b, raw] as const))(
      "REGISTER for an AOR with %s: the 403 naming it stays one header line (the registrar's percent-decoded To)",
      async (b, raw) => {
        const c = await Client.open(proto, sip.port);
        try {
          const aor = `sip:x${raw}${INJECTED}@callx.test`;
          const reg = (cseq: number, auth?: string) =>
            c
              .request({
                method: 'REGISTER',
                uri: 'sip:callx.test',
                from: '<sip:lee@callx.test>',
                callId: `reg-inj-${b}-${c.localPort}`,
                cseq,
                extra: ['Contact: <sip:lee@192.0.2.9:5062>', ...(auth ? [`Authorization: ${auth}`] : [])],
              })
              .replace(/^To: .*$/m, `To: <${aor}>`);
          c.send(reg(1));
          const ch = await c.final();
          for (const m of [ch ?? '']) expect(injectedLines(m), m).toEqual([]);
          if (status(ch) !== 401) return; // refused before any digest (400): nothing echoed, checked above
          const p = parseAuthorization(headers(ch!, 'WWW-Authenticate')[0]!)!;
          const alg = p.get('algorithm') as 'SHA-256' | 'MD5';
          const r = digestResponse(alg, ha1(alg, 'lee', 'callx.test', 'pw'), {
            nonce: p.get('nonce')!,
            nc: '00000001',
            cnonce: 'abc',
            qop: 'auth',
            method: 'REGISTER',
            uri: 'sip:callx.test',
          });
          c.send(
            reg(
              2,
              `Digest username="lee", realm="callx.test", nonce="${p.get('nonce')}", uri="sip:callx.test", response="${r}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="abc"`,
            ),
          );
          const res = (await c.final())!;
          expect(status(res)).toBe(403);
          expect(injectedLines(res), res).toEqual([]);
          expect(brokenLines(res), res).toEqual([]);
          // the decoded AOR did reach the Warning, as inert text on its one line
          expect(headers(res, 'Warning')).toEqual([
            expect.stringMatching(/^399 callx "lee may not register sip:x.*X-Inj: 1@callx\.test"$/),
          ]);
        } finally {
          c.close();
        }
      },
    );
  });
});
