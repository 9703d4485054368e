// The one table of SIP cases both transports must pass (test/sip/transports.test.ts runs it on
// the builtin transport and through a real drachtio-server). Where drachtio-server answers
// differently, the case says what it answers and why (docs/sip.md, "drachtio"): a difference that
// is not written here fails.
import { expect } from 'vitest';
import { ha1 } from '#core';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { headers, type RequestOptions, request, status, TcpClient, UdpClient } from './env.ts';
import type { TransportName } from './transports.ts';

const PAI = '?P-Asserted-Identity=%3Ctel:+821099990000%3E';

/** Every identifier kind: Request-URI, and the Contact header values of its 302, in order. */
export const REDIRECTS: [string, string, string[]][] = [
  [
    'E.164 member',
    'sip:+82262006200@callx.test',
    [
      `<sip:+82262006200@kr.center.callx.test${PAI}>;q=1.0`,
      `<sip:+821012345678@gw.kr.callx.test;user=phone${PAI}>;q=0.9`,
    ],
  ],
  [
    'PIN',
    'sip:02-6200-6200-082@callx.test',
    [
      `<sip:+82262006200@kr.center.callx.test${PAI}>;q=1.0`,
      `<sip:+821012345678@gw.kr.callx.test;user=phone${PAI}>;q=0.9`,
    ],
  ],
  [
    'tel URI',
    'tel:+82-2-6200-6200',
    [
      `<sip:+82262006200@kr.center.callx.test${PAI}>;q=1.0`,
      `<sip:+821012345678@gw.kr.callx.test;user=phone${PAI}>;q=0.9`,
    ],
  ],
  [
    'national number',
    'sip:0262006200@callx.test',
    [
      `<sip:+82262006200@kr.center.callx.test${PAI}>;q=1.0`,
      `<sip:+821012345678@gw.kr.callx.test;user=phone${PAI}>;q=0.9`,
    ],
  ],
  ['VNS', 'sip:62006200%2382@callx.test', [`<sip:62006200%2382@kr.center.callx.test${PAI}>;q=1.0`]],
  ['domain', 'sip:acme.example', [`<sip:62006200%2382@kr.center.callx.test${PAI}>;q=1.0`]],
  ['email', 'sip:alice@example.com', [`<sip:+82262006200@kr.center.callx.test${PAI}>;q=1.0`]],
  ['partner ENUM', 'sip:+33199001234@callx.test', [`<sip:+33199001234@sip.partner.test${PAI}>;q=1.0`]],
  [
    'partner carrier',
    'sip:+442079460123@callx.test',
    [`<sip:+442079460123@sip.partner.test;user=phone${PAI}>;q=1.0`],
  ],
  ['PSTN', 'sip:+12125550100@callx.test', [`<sip:+12125550100@gw.us.callx.test;user=phone${PAI}>;q=1.0`]],
];

/** The two redirectors a case may address: resolving through the test zones, or through a silent resolver. */
export type Target = 'main' | 'dead';

// ---------------------------------------------------------------------------------------------
// SIPp scenarios (test/sip/sipp), over UDP (u1) and TCP (t1)

export interface SippCase {
  name: string;
  scenario: string;
  rows: string[][];
  target?: Target;
  args?: string[];
  /** SIPp's exit code must be 0 (pass), or must not be (the scenario's own check can fail). */
  expect: 'pass' | 'fail';
  /** Over drachtio-server, when it differs. */
  drachtio?: { expect: 'pass' | 'fail'; why: string };
}

export const SIPP_CASES: SippCase[] = [
  ...REDIRECTS.map(
    ([what, uri, contacts]): SippCase => ({
      name: `302 for ${what}`,
      scenario: 'uac_302.xml',
      rows: [[uri, /^<([^?>;]*)/.exec(contacts[0]!)![1]!]],
      expect: 'pass',
    }),
  ),
  {
    name: '302 for every kind in one run, several calls per connection',
    scenario: 'uac_302.xml',
    rows: REDIRECTS.map(([, uri, contacts]) => [uri, /^<([^?>;]*)/.exec(contacts[0]!)![1]!]),
    expect: 'pass',
  },
  {
    name: '404 for an unknown number',
    scenario: 'uac_404.xml',
    rows: [['sip:+493012345678@callx.test']],
    expect: 'pass',
  },
  {
    name: '404 for an unknown domain',
    scenario: 'uac_404.xml',
    rows: [['sip:nobody.example']],
    expect: 'pass',
  },
  {
    name: '604 in a range of ours',
    scenario: 'uac_604.xml',
    rows: [['sip:+827012345678@callx.test']],
    expect: 'pass',
  },
  {
    name: '484 for a number too short',
    scenario: 'uac_484.xml',
    rows: [['sip:+8226@callx.test']],
    expect: 'pass',
  },
  {
    name: '400 for a Request-URI with a malformed %-escape',
    scenario: 'uac_400.xml',
    rows: [['sip:%zz@callx.test']],
    expect: 'pass',
    drachtio: {
      expect: 'fail',
      why: "drachtio-server's SIP stack (sofia-sip) cannot parse the URI and drops the message unanswered; callx never sees it",
    },
  },
  {
    name: '483 for Max-Forwards 0',
    scenario: 'uac_483.xml',
    rows: [['sip:+82262006200@callx.test']],
    expect: 'pass',
  },
  {
    name: 'OPTIONS 200 and SUBSCRIBE 405',
    scenario: 'uac_options_405.xml',
    rows: [['sip:callx.test']],
    expect: 'pass',
  },
  {
    name: '503 when DNS does not answer',
    scenario: 'uac_503.xml',
    rows: [['sip:+82262006200@callx.test']],
    target: 'dead',
    expect: 'pass',
  },
  {
    name: 'a wrong Contact fails the scenario (the check can fail)',
    scenario: 'uac_302.xml',
    rows: [['sip:+82262006200@callx.test', 'sip:someone@else.test']],
    expect: 'fail',
  },
  {
    name: 'REGISTER with digest (MD5), then the INVITE reaches the terminal first',
    scenario: 'register_invite.xml',
    rows: [['sip:+82262006204@callx.test']],
    // SIPp's digest uri is sip:<remote address> unless -auth_uri names the Request-URI (sip:callx.test)
    args: ['-au', 'kim', '-ap', 's3cret', '-auth_uri', 'callx.test'],
    expect: 'pass',
  },
];

// ---------------------------------------------------------------------------------------------
// Requests over raw sockets, UDP and TCP: the whole answer checked

export interface Answer {
  /** The final status, or null: no answer at all. */
  status: number | null;
  /** Contact header values in order (byte for byte). */
  contacts?: string[];
  /** Headers that must be present with exactly these values (one entry per header line). */
  headers?: Record<string, string[]>;
}

export interface WireCase {
  name: string;
  req: Omit<RequestOptions, 'localPort' | 'transport'>;
  target?: Target;
  expect: Answer;
  drachtio?: Answer & { why: string };
}

const SERVER = { Server: ['callx'] };
const ALLOW = { Allow: ['INVITE, ACK, CANCEL, OPTIONS, MESSAGE, REGISTER'], ...SERVER };
const DROPPED =
  'drachtio-server hands applications only INVITE, REGISTER, MESSAGE, OPTIONS, INFO, NOTIFY, SUBSCRIBE and PUBLISH; it drops any other method unanswered (controller.cpp, processMessageStatelessly)';

export const WIRE_CASES: WireCase[] = [
  ...REDIRECTS.map(
    ([what, uri, contacts]): WireCase => ({
      name: `INVITE ${what}: the same 302, byte for byte in the Contacts`,
      req: { uri },
      expect: { status: 302, contacts, headers: SERVER },
    }),
  ),
  {
    name: 'MESSAGE is redirected like INVITE',
    req: { method: 'MESSAGE', uri: 'sip:alice@example.com' },
    expect: { status: 302, contacts: REDIRECTS[6]![2], headers: SERVER },
  },
  {
    name: '404 with a Warning saying why',
    req: { uri: 'sip:+493012345678@callx.test' },
    expect: {
      status: 404,
      headers: {
        Warning: ['399 callx "no member, partner, carrier or PSTN route has +493012345678"'],
        ...SERVER,
      },
    },
  },
  { name: '604 in a range of ours', req: { uri: 'sip:+827012345678@callx.test' }, expect: { status: 604 } },
  { name: '484 for a number too short', req: { uri: 'sip:+8226@callx.test' }, expect: { status: 484 } },
  {
    name: '503 with Retry-After when DNS does not answer',
    req: { uri: 'sip:+82262006200@callx.test' },
    target: 'dead',
    expect: { status: 503, headers: { 'Retry-After': ['5'], ...SERVER } },
  },
  {
    name: 'Max-Forwards 0: 483',
    req: { uri: 'sip:+82262006200@callx.test', maxForwards: 0 },
    expect: { status: 483 },
  },
  {
    name: 'a malformed Max-Forwards: 400',
    req: { uri: 'sip:+82262006200@callx.test', maxForwards: 'x' },
    expect: { status: 400 },
    drachtio: { status: 400, why: 'drachtio-server refuses it itself (its parser rejects the header)' },
  },
  {
    name: 'an unsupported Require: 420 with Unsupported',
    req: { uri: 'sip:+82262006200@callx.test', extra: ['Require: 100rel, foo'] },
    expect: { status: 420, headers: { Unsupported: ['100rel, foo'], ...SERVER } },
  },
  {
    name: 'a Request-URI that is not sip, sips or tel: 416',
    req: { uri: 'http://example.com/' },
    expect: { status: 416, headers: SERVER },
  },
  {
    name: 'a Request-URI with a malformed %-escape: 400',
    req: { uri: 'sip:%zz@callx.test' },
    expect: { status: 400, headers: SERVER },
    drachtio: {
      status: null,
      why: "drachtio-server's SIP stack (sofia-sip) cannot parse the URI and drops the message unanswered",
    },
  },
  {
    name: 'OPTIONS: 200 with Allow and Accept',
    req: { method: 'OPTIONS', uri: 'sip:callx.test' },
    expect: { status: 200, headers: { ...ALLOW, Accept: ['application/sdp'] } },
  },
  ...['INFO', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH'].map(
    (method): WireCase => ({
      name: `${method}: 405 with Allow`,
      req: {
        method,
        uri: 'sip:+82262006200@callx.test',
        extra: method === 'SUBSCRIBE' || method === 'NOTIFY' ? ['Event: presence'] : [],
      },
      expect: { status: 405, headers: ALLOW },
    }),
  ),
  ...['BYE', 'UPDATE'].map(
    (method): WireCase => ({
      name: `${method} outside any dialog: 405`,
      req: { method, uri: 'sip:+82262006200@callx.test' },
      expect: { status: 405, headers: ALLOW },
      drachtio: {
        status: 481,
        why: 'drachtio-server answers BYE and UPDATE for no dialog it knows 481 itself (RFC 3261 §15.1.2: a redirector has no dialogs, so 481 is right too)',
      },
    }),
  ),
  ...['REFER', 'PRACK', 'FOO', 'invite'].map(
    (method): WireCase => ({
      name: `${method}: 405 (methods are case-sensitive)`,
      req: { method, uri: 'sip:+82262006200@callx.test' },
      expect: { status: 405, headers: ALLOW },
      drachtio: { status: null, why: DROPPED },
    }),
  ),
  {
    name: 'an empty Call-ID: 400',
    req: { uri: 'sip:+82262006200@callx.test', callId: '' },
    expect: { status: 400 },
  },
];

// ---------------------------------------------------------------------------------------------
// Exchanges of several messages: retransmissions, ACK, CANCEL, REGISTER with digest, Via

export interface Peer {
  transport: TransportName;
  proto: 'UDP' | 'TCP';
  /** The redirectors' SIP ports. */
  port: Record<Target, number>;
}

/** A client of either protocol that skips provisional responses (drachtio-server sends 100 Trying). */
export class Client {
  readonly proto: 'UDP' | 'TCP';
  private readonly port: number;
  private readonly udp: UdpClient | undefined;
  private readonly tcp: TcpClient | undefined;

  private constructor(proto: 'UDP' | 'TCP', port: number, udp?: UdpClient, tcp?: TcpClient) {
    this.proto = proto;
    this.port = port;
    this.udp = udp;
    this.tcp = tcp;
  }

  static async open(proto: 'UDP' | 'TCP', port: number): Promise<Client> {
    return proto === 'UDP'
      ? new Client(proto, port, await new UdpClient().open())
      : new Client(proto, port, undefined, await new TcpClient().open(port));
  }

  get localPort(): number {
    return this.udp ? this.udp.port : this.tcp!.localPort;
  }

  request(o: Omit<RequestOptions, 'localPort' | 'transport'>): string {
    return request({ ...o, localPort: this.localPort, transport: this.proto });
  }

  send(text: string): void {
    if (this.udp) this.udp.send(this.port, text);
    else this.tcp!.write(text);
  }

  /** The next message, provisional ones included, or null after `ms`. */
  next(ms = 3000): Promise<string | null> {
    return this.udp ? this.udp.next(ms) : this.tcp!.next(ms);
  }

  /** The next final response (1xx skipped), or null after `ms`. */
  async final(ms = 3000): Promise<string | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = await this.next(Math.max(1, deadline - Date.now()));
      if (m === null || status(m) >= 200) return m;
    }
  }

  private closed = false;

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.udp?.close();
    this.tcp?.close();
  }
}

export interface FlowCase {
  name: string;
  run(peer: Peer, c: (target?: Target) => Promise<Client>): Promise<void>;
}

const MEMBER = 'sip:+82262006200@callx.test';

export const FLOW_CASES: FlowCase[] = [
  {
    name: 'a retransmitted INVITE gets the same answer, byte for byte',
    async run(_p, c) {
      const cl = await c();
      const text = cl.request({ uri: MEMBER });
      cl.send(text);
      const first = await cl.final();
      cl.send(text);
      const again = await cl.final();
      expect(status(first)).toBe(302);
      expect(again).toBe(first);
    },
  },
  {
    name: "an ACK with the INVITE's branch ends the exchange: no retransmitted 302 (RFC 3261 §17.1.1.3)",
    async run(p, c) {
      const cl = await c();
      const invite = cl.request({
        uri: MEMBER,
        branch: `z9hG4bK-ack-${cl.localPort}`,
        callId: `ack-${cl.localPort}`,
      });
      cl.send(invite);
      const res = await cl.final();
      expect(status(res)).toBe(302);
      const tag = /;tag=([^;\s]+)/.exec(headers(res!, 'To')[0]!)![1];
      const ack = (branch: string) =>
        cl
          .request({ method: 'ACK', uri: MEMBER, branch, callId: `ack-${cl.localPort}` })
          .replace(/^To: (.*)$/m, `To: $1;tag=${tag}`)
          .replace(/^From: (.*);tag=from-\d+$/m, `From: ${/^From: (.*)$/m.exec(invite)![1]}`);
      cl.send(ack(`z9hG4bK-ack-${cl.localPort}`));
      // drachtio-server retransmits a final answer to an INVITE every 500 ms (T1) until its ACK
      expect(await cl.next(1500)).toBeNull();
      if (p.transport === 'drachtio' && p.proto === 'UDP') {
        // and an ACK with another branch (what the SIPp scenarios used to send) does not stop it
        const other = await c();
        const inv2 = other.request({
          uri: MEMBER,
          branch: 'z9hG4bK-ack2-x',
          callId: `ack2-${other.localPort}`,
        });
        other.send(inv2);
        const r2 = await other.final();
        const tag2 = /;tag=([^;\s]+)/.exec(headers(r2!, 'To')[0]!)![1];
        other.send(
          other
            .request({
              method: 'ACK',
              uri: MEMBER,
              branch: 'z9hG4bK-ack2-y',
              callId: `ack2-${other.localPort}`,
            })
            .replace(/^To: (.*)$/m, `To: $1;tag=${tag2}`)
            .replace(/^From: (.*);tag=from-\d+$/m, `From: ${/^From: (.*)$/m.exec(inv2)![1]}`),
        );
        expect(status(await other.next(1500))).toBe(302);
        other.close();
      }
      cl.close();
    },
  },
  {
    name: 'CANCEL of a pending INVITE: 200, then 487 for the INVITE; a CANCEL for nothing known: 481',
    async run(_p, c) {
      const cl = await c('dead');
      const branch = `z9hG4bK-pending-${cl.localPort}`;
      const callId = `pending-${cl.localPort}`;
      cl.send(cl.request({ uri: 'sip:+82262006201@callx.test', branch, callId }));
      await new Promise((r) => setTimeout(r, 200)); // the INVITE is being resolved (the resolver is silent)
      cl.send(cl.request({ method: 'CANCEL', uri: 'sip:+82262006201@callx.test', branch, callId }));
      const got = [await cl.final(), await cl.final()];
      const byCSeq = new Map(got.map((m) => [headers(m ?? '', 'CSeq')[0], status(m)]));
      expect(byCSeq).toEqual(
        new Map([
          ['1 CANCEL', 200],
          ['1 INVITE', 487],
        ]),
      );
      const none = await c();
      none.send(
        none.request({ method: 'CANCEL', uri: MEMBER, branch: 'z9hG4bK-nothing', callId: 'nothing' }),
      );
      expect(status(await none.final())).toBe(481);
      cl.close();
      none.close();
    },
  },
  {
    name: 'Via: received and rport as RFC 3581 §4 says',
    async run(p, c) {
      const cl = await c();
      cl.send(
        cl.request({
          uri: MEMBER,
          via: `Via: SIP/2.0/${p.proto} 127.0.0.1:${cl.localPort};branch=z9hG4bK-rport-${cl.localPort};rport`,
        }),
      );
      const asked = headers((await cl.final())!, 'Via')[0];
      cl.send(
        cl.request({
          uri: MEMBER,
          via: `Via: SIP/2.0/${p.proto} 127.0.0.1:${cl.localPort};branch=z9hG4bK-norport-${cl.localPort}`,
        }),
      );
      const notAsked = headers((await cl.final())!, 'Via')[0];
      const base = `SIP/2.0/${p.proto} 127.0.0.1:${cl.localPort}`;
      if (p.transport === 'builtin') {
        expect(asked).toBe(
          `${base};branch=z9hG4bK-rport-${cl.localPort};rport=${cl.localPort};received=127.0.0.1`,
        );
        expect(notAsked).toBe(`${base};branch=z9hG4bK-norport-${cl.localPort}`);
      } else {
        // drachtio-server (sofia-sip with NTATAG_SERVER_RPORT(2), fixed in its controller.cpp) adds
        // received= only when the address differs from sent-by, and rport= whether asked or not:
        // the answer still goes to the source address and port (docs/sip.md, "drachtio").
        expect(asked).toBe(`${base};branch=z9hG4bK-rport-${cl.localPort};rport=${cl.localPort}`);
        expect(notAsked).toBe(`${base};branch=z9hG4bK-norport-${cl.localPort};rport=${cl.localPort}`);
      }
      cl.close();
    },
  },
  {
    name: 'REGISTER: two challenges on two header lines (never comma-joined, RFC 3261 §7.3.1), then 200 with the binding',
    async run(p, c) {
      const cl = await c();
      const aor = 'sip:lee@callx.test';
      const contact = `<sip:lee@192.0.2.9:5062;transport=${p.proto.toLowerCase()}>`;
      const reg = (cseq: number, auth?: string) =>
        cl
          .request({
            method: 'REGISTER',
            uri: 'sip:callx.test',
            from: `<${aor}>`,
            callId: `reg-${p.transport}-${cl.localPort}`,
            cseq,
            extra: [`Contact: ${contact}`, 'Expires: 600', ...(auth ? [`Authorization: ${auth}`] : [])],
          })
          .replace(/^To: .*$/m, `To: <${aor}>`);
      cl.send(reg(1));
      const ch = (await cl.final())!;
      expect(status(ch)).toBe(401);
      const challenges = headers(ch, 'WWW-Authenticate');
      expect(challenges).toHaveLength(2);
      expect(challenges[0]).toMatch(/^Digest realm="callx\.test", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
      expect(challenges[1]).toMatch(/algorithm=SHA-256/);
      // answered with the second: both are offered for real
      const c2 = parseAuthorization(challenges[1]!)!;
      const r = digestResponse('SHA-256', ha1('SHA-256', 'lee', 'callx.test', 'pw'), {
        nonce: c2.get('nonce')!,
        nc: '00000001',
        cnonce: 'c0ffee',
        qop: 'auth',
        method: 'REGISTER',
        uri: 'sip:callx.test',
      });
      cl.send(
        reg(
          2,
          `Digest username="lee", realm="callx.test", nonce="${c2.get('nonce')}", uri="sip:callx.test", response="${r}", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c0ffee"`,
        ),
      );
      const ok = (await cl.final())!;
      expect(status(ok)).toBe(200);
      expect(headers(ok, 'Contact')).toContain(`${contact};expires=600;q=1`);
      expect(headers(ok, 'Server')).toEqual(['callx']);
      cl.close();
    },
  },
];
