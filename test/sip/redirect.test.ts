// Every identifier kind and every error code, through a real callx DNS server, over UDP and TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { headers, request, startDns, startSip, status, TcpClient, UdpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };
let udp: UdpClient;

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port);
  udp = await new UdpClient().open();
});
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
});

const contactUris = (msg: string) =>
  headers(msg, 'Contact').map((c) => {
    const m = /^<([^>]*)>;q=([0-9.]+)$/.exec(c);
    if (!m) throw new Error(`bad Contact ${c}`);
    return {
      uri: m[1]!.split('?')[0],
      q: m[2],
      pai: decodeURIComponent(/P-Asserted-Identity=([^&]*)/.exec(m[1]!)?.[1] ?? ''),
    };
  });

// [what, Request-URI, status, contact URIs in order]
const CASES: [string, string, number, string[]][] = [
  [
    'E.164 member: center, then the contactable number via the PSTN tree',
    'sip:+82262006200@callx.test;user=phone',
    302,
    ['sip:+82262006200@kr.center.callx.test', 'sip:+821012345678@gw.kr.callx.test;user=phone'],
  ],
  [
    'tel: URI of a member',
    'tel:+82-2-6200-6200',
    302,
    ['sip:+82262006200@kr.center.callx.test', 'sip:+821012345678@gw.kr.callx.test;user=phone'],
  ],
  [
    'PIN',
    'sip:02-6200-6200-082@callx.test',
    302,
    ['sip:+82262006200@kr.center.callx.test', 'sip:+821012345678@gw.kr.callx.test;user=phone'],
  ],
  [
    'national number in the caller country (KR)',
    'sip:0262006200@callx.test',
    302,
    ['sip:+82262006200@kr.center.callx.test', 'sip:+821012345678@gw.kr.callx.test;user=phone'],
  ],
  [
    'non-terminal NAPTR followed',
    'sip:+82262006201@callx.test',
    302,
    ['sip:0262006201@kr.center.callx.test'],
  ],
  ['only the lowest order is used', 'sip:+82262006202@callx.test', 302, ['sip:first@kr.center.callx.test']],
  [
    'a NAPTR loop ends, the PSTN route takes the call',
    'sip:+82262006203@callx.test',
    302,
    ['sip:+82262006203@gw.kr.callx.test;user=phone'],
  ],
  [
    'a tel record preferred over the center: its PSTN gateway comes first',
    'sip:+82262006205@callx.test',
    302,
    ['sip:+12125550100@gw.us.callx.test;user=phone', 'sip:+82262006205@kr.center.callx.test'],
  ],
  [
    'regexp with the i flag and back-references',
    'sip:+82262006204@callx.test',
    302,
    ['sip:62006204@seoul-2.kr.center.callx.test'],
  ],
  ['VNS', 'sip:62006200%2382@callx.test', 302, ['sip:62006200%2382@kr.center.callx.test']],
  ['VNS written with #', 'sip:6200-6200%23082@callx.test', 302, ['sip:62006200%2382@kr.center.callx.test']],
  [
    'domain, whose NAPTR names its VNS number in our name space',
    'sip:acme.example',
    302,
    ['sip:62006200%2382@kr.center.callx.test'],
  ],
  ['email', 'sip:alice@example.com', 302, ['sip:+82262006200@kr.center.callx.test']],
  ['partner ENUM suffix', 'sip:+33199001234@callx.test', 302, ['sip:+33199001234@sip.partner.test']],
  [
    'partner carrier range',
    'sip:+442079460123@callx.test',
    302,
    ['sip:+442079460123@sip.partner.test;user=phone'],
  ],
  ['PSTN route', 'sip:+12125550100@callx.test', 302, ['sip:+12125550100@gw.us.callx.test;user=phone']],
  ['404: no route anywhere', 'sip:+493012345678@callx.test', 404, []],
  ['404: VNS branch not in that country', 'sip:62006200%2301@callx.test', 404, []],
  ['404: unknown domain', 'sip:nobody.example', 404, []],
  ['404: unknown email', 'sip:bob@example.com', 404, []],
  ['604: unassigned number in a range we own', 'sip:+827012345678@callx.test', 604, []],
  ['484: too short', 'sip:+8226@callx.test', 484, []],
  ['400: not an identifier', 'sip:%zz@callx.test', 400, []],
];

describe.each(['UDP', 'TCP'] as const)('INVITE over %s', (transport) => {
  let tcp: TcpClient | undefined;
  beforeAll(async () => {
    if (transport === 'TCP') tcp = await new TcpClient().open(sip.port);
  });
  afterAll(() => tcp?.close());

  const ask = async (text: string) => {
    if (!tcp) return udp.ask(sip.port, text);
    tcp.write(text);
    const r = await tcp.next();
    if (!r) throw new Error('no TCP answer');
    return r;
  };

  it.each(CASES)('%s', async (_what, uri, code, contacts) => {
    const localPort = tcp ? tcp.localPort : udp.port;
    const res = await ask(request({ uri, localPort, transport }));
    expect(status(res), res).toBe(code);
    const got = contactUris(res);
    expect(got.map((c) => c.uri)).toEqual(contacts);
    // q-values strictly decreasing from 1.0
    expect(got.map((c) => Number(c.q))).toEqual([...got.map((c) => Number(c.q))].sort((a, b) => b - a));
    if (got.length > 0) expect(got[0]!.q).toBe('1.0');
    if (code >= 400) expect(headers(res, 'Warning')[0]).toMatch(/^399 callx ".+"$/);
  });
});

describe('call switching: the caller identity in each Contact', () => {
  it('E.164 towards a PSTN gateway, from a national caller id', async () => {
    const res = await udp.ask(
      sip.port,
      request({
        uri: 'sip:+12125550100@callx.test',
        localPort: udp.port,
        from: '"Kim" <sip:0262006200@callx.test>',
      }),
    );
    expect(contactUris(res)[0]!.pai).toBe('"Kim" <tel:+82262006200>');
  });

  it('P-Asserted-Identity wins over From', async () => {
    const res = await udp.ask(
      sip.port,
      request({
        uri: 'sip:+12125550100@callx.test',
        localPort: udp.port,
        from: '<sip:anonymous@anonymous.invalid>',
        pai: '<sip:+82262006200@callx.test;user=phone>',
      }),
    );
    expect(contactUris(res)[0]!.pai).toBe('<tel:+82262006200>');
  });

  it("the partner's national format for a caller in the partner's country", async () => {
    const res = await udp.ask(
      sip.port,
      request({ uri: 'sip:+442079460123@callx.test', localPort: udp.port, pai: '<tel:+442079460999>' }),
    );
    const c = contactUris(res)[0]!;
    expect(c.pai).toBe('<tel:02079460999;phone-context=+44>');
    expect(c.uri).not.toContain('callx-cid'); // our routing hint never leaves
    // the embedded header is escaped as RFC 3261 §19.1.5 says: no raw < > ; = in the hvalue
    expect(headers(res, 'Contact')[0]).toMatch(
      /\?P-Asserted-Identity=%3Ctel:02079460999%3Bphone-context%3D\+44%3E>/,
    );
  });

  it('E.164 for a caller from another country, even towards a national-format partner', async () => {
    const res = await udp.ask(
      sip.port,
      request({ uri: 'sip:+442079460123@callx.test', localPort: udp.port, pai: '<tel:+82262006200>' }),
    );
    expect(contactUris(res)[0]!.pai).toBe('<tel:+82262006200>');
  });

  it('an anonymous caller gets no asserted identity', async () => {
    const res = await udp.ask(
      sip.port,
      request({
        uri: 'sip:+12125550100@callx.test',
        localPort: udp.port,
        from: '<sip:anonymous@anonymous.invalid>',
      }),
    );
    expect(headers(res, 'Contact')[0]).not.toContain('P-Asserted-Identity');
  });
});

describe('MESSAGE', () => {
  it('is redirected like INVITE', async () => {
    const res = await udp.ask(
      sip.port,
      request({ method: 'MESSAGE', uri: 'sip:alice@example.com', localPort: udp.port }),
    );
    expect(status(res)).toBe(302);
    expect(contactUris(res).map((c) => c.uri)).toEqual(['sip:+82262006200@kr.center.callx.test']);
  });
});
