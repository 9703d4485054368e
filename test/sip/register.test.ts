// Mobility: REGISTER with digest (SHA-256 and MD5) against a member in a real registry store
// (the embedded store), then INVITEs reach the registered terminal first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claim, COLLECTIONS, ha1, type Member, type Store } from '#core';
import type { DnsServer } from '#dns';
import { createEmbeddedStore, PUBLISHED_COLLECTIONS, SCHEMA } from '#registry';
import type { SipService } from '#sip';
import { resolveCommand } from '../../src/cli/resolve.ts';
import { silentLogger } from '../../src/core/log.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { headers, request, sipConfig, startDns, startSip, status, UdpClient } from './env.ts';

let dns: DnsServer;
let sip: { service: SipService; port: number };
let store: Store;
let dir: string;
let udp: UdpClient;

const REALM = 'callx.test';
const AOR = 'sip:+82262006200@callx.test';
const TERMINAL = 'sip:kim@192.0.2.44:5062;transport=udp';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callx-sip-register-'));
  store = createEmbeddedStore({ dataDir: dir, logger: silentLogger });
  await store.ensureSchema(SCHEMA);
  const now = Date.now();
  const member: Member = {
    _id: 'm_kim',
    registrarId: 'r1',
    type: 'individual',
    displayName: 'Kim',
    email: 'kim@example.com',
    country: 'KR',
    numbers: [{ kind: 'pin', e164: '+82262006200' }],
    otherCarriers: [],
    sip: {
      username: 'kim',
      realm: REALM,
      ha1Md5: ha1('MD5', 'kim', REALM, 'secret'),
      ha1Sha256: ha1('SHA-256', 'kim', REALM, 'secret'),
    },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await store.collection<Member>(COLLECTIONS.members).insert(member);
  // usernames are unique through claims; the registry looks a username up by its claim
  await store
    .collection<Claim>(COLLECTIONS.claims)
    .insert({ _id: 'sip:kim', ownerId: 'm_kim', createdAt: now });
  dns = await startDns();
  sip = await startSip(dns.port, { CALLX_SIP_REALM: REALM }, { store, bindingCacheMs: 200 });
  udp = await new UdpClient().open();
});
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let cseq = 1;
function register(o: {
  contact?: string;
  expires?: number;
  auth?: string;
  aor?: string;
  callId?: string;
}): string {
  const aor = o.aor ?? AOR;
  return request({
    method: 'REGISTER',
    uri: 'sip:callx.test',
    localPort: udp.port,
    from: `<${aor}>`,
    callId: o.callId ?? 'reg-call-1',
    cseq: cseq++,
    extra: [
      ...(o.contact ? [`Contact: ${o.contact}`] : []),
      ...(o.expires !== undefined ? [`Expires: ${o.expires}`] : []),
      ...(o.auth ? [`Authorization: ${o.auth}`] : []),
    ],
  }).replace(/^To: .*$/m, `To: <${aor}>`);
}

function authorize(challengeValue: string, password = 'secret', username = 'kim'): string {
  const c = parseAuthorization(challengeValue)!;
  const alg = c.get('algorithm') as 'SHA-256' | 'MD5';
  const p = {
    nonce: c.get('nonce')!,
    nc: '00000001',
    cnonce: 'c0ffee',
    qop: 'auth',
    method: 'REGISTER',
    uri: 'sip:callx.test',
  };
  const response = digestResponse(alg, ha1(alg, username, REALM, password), p);
  return `Digest username="${username}", realm="${REALM}", nonce="${p.nonce}", uri="${p.uri}", response="${response}", algorithm=${alg}, qop=auth, nc=${p.nc}, cnonce="${p.cnonce}"`;
}

async function registered(
  contact: string,
  expires: number,
  algorithm: 'SHA-256' | 'MD5' = 'SHA-256',
): Promise<string> {
  const first = await udp.ask(sip.port, register({ contact, expires }));
  expect(status(first)).toBe(401);
  const ch = headers(first, 'WWW-Authenticate').find((h) => h.includes(`algorithm=${algorithm}`))!;
  return udp.ask(sip.port, register({ contact, expires, auth: authorize(ch) }));
}

describe('REGISTER', () => {
  it('challenges with MD5 first (SIPp and other clients read only the first), then SHA-256, each on its own header line', async () => {
    const res = await udp.ask(sip.port, register({ contact: `<${TERMINAL}>` }));
    expect(status(res)).toBe(401);
    const ch = headers(res, 'WWW-Authenticate');
    expect(ch).toHaveLength(2);
    expect(ch[0]).toMatch(/^Digest realm="callx\.test", nonce="[A-Za-z0-9_-]+", algorithm=MD5, qop="auth"$/);
    expect(ch[1]).toMatch(/algorithm=SHA-256/);
  });

  it.each(['SHA-256', 'MD5'] as const)(
    'accepts the right password with %s and lists the binding',
    async (alg) => {
      const res = await registered(`<${TERMINAL}>;q=0.7`, 600, alg);
      expect(status(res)).toBe(200);
      expect(headers(res, 'Contact')).toEqual([
        expect.stringMatching(/^<sip:kim@192\.0\.2\.44:5062;transport=udp>;expires=(600|599);q=0\.7$/),
      ]);
    },
  );

  it('a wrong password gets a new challenge, not a binding', async () => {
    const first = await udp.ask(sip.port, register({ contact: '<sip:evil@203.0.113.9>' }));
    const res = await udp.ask(
      sip.port,
      register({
        contact: '<sip:evil@203.0.113.9>',
        auth: authorize(headers(first, 'WWW-Authenticate')[0]!, 'guess'),
      }),
    );
    expect(status(res)).toBe(401);
    expect(headers(res, 'Warning')[0]).toContain('wrong credentials');
  });

  it('an AOR that is not the member’s: 403', async () => {
    const first = await udp.ask(
      sip.port,
      register({ contact: '<sip:kim@192.0.2.44>', aor: 'sip:+12125550100@callx.test' }),
    );
    const res = await udp.ask(
      sip.port,
      register({
        contact: '<sip:kim@192.0.2.44>',
        aor: 'sip:+12125550100@callx.test',
        auth: authorize(headers(first, 'WWW-Authenticate')[0]!),
      }),
    );
    expect(status(res)).toBe(403);
  });

  it('too short an expiry: 423 with Min-Expires', async () => {
    const res = await registered(`<${TERMINAL}>`, 5);
    expect(status(res)).toBe(423);
    expect(headers(res, 'Min-Expires')).toEqual(['60']);
  });

  it('a registered member is reached at the terminal first, then the center, then the PSTN number', async () => {
    await registered(`<${TERMINAL}>`, 600);
    const res = await udp.ask(sip.port, request({ uri: 'sip:+82262006200@callx.test', localPort: udp.port }));
    expect(status(res)).toBe(302);
    const contacts = headers(res, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1]);
    expect(contacts).toEqual([
      TERMINAL,
      'sip:+82262006200@kr.center.callx.test',
      'sip:+821012345678@gw.kr.callx.test;user=phone',
    ]);
    expect(headers(res, 'Contact')[0]).toMatch(/;q=1\.0$/);
    // and through the member's email too: the terminal takes all the member's calls, even where
    // DNS has nothing yet (the test zone has no email record for kim)
    const byMail = await udp.ask(sip.port, request({ uri: 'sip:kim@example.com', localPort: udp.port }));
    expect(status(byMail)).toBe(302);
    expect(headers(byMail, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1])).toEqual([TERMINAL]);
  });

  it('Contact: * with Expires: 0 removes the bindings; calls go to the center again', async () => {
    const first = await udp.ask(sip.port, register({ contact: '*', expires: 0 }));
    const res = await udp.ask(
      sip.port,
      register({ contact: '*', expires: 0, auth: authorize(headers(first, 'WWW-Authenticate')[0]!) }),
    );
    expect(status(res)).toBe(200);
    const inv = await udp.ask(sip.port, request({ uri: 'sip:+82262006200@callx.test', localPort: udp.port }));
    expect(headers(inv, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1])).toEqual([
      'sip:+82262006200@kr.center.callx.test',
      'sip:+821012345678@gw.kr.callx.test;user=phone',
    ]);
  });

  it('terminal addresses never reach DNS: bindings are not a published collection, and DNS answers lack them', async () => {
    await registered(`<${TERMINAL}>`, 600);
    expect(PUBLISHED_COLLECTIONS as readonly string[]).not.toContain(COLLECTIONS.bindings);
    const { json } = await resolveCommand('+82262006200', {}, sipConfig(dns.port), { store: null }); // DNS only
    expect(json.queries[0]!.answer.join('\n')).not.toContain('192.0.2.44');
    expect(json.contacts.map((c) => c.target)).not.toContain(TERMINAL);
  });

  it('a REGISTER challenged by one redirector is answered to another: nonces hold across the deployment', async () => {
    const other = await startSip(dns.port, { CALLX_SIP_REALM: REALM }, { store, bindingCacheMs: 200 });
    try {
      const laptop = 'sip:kim@198.51.100.7:5070';
      const first = await udp.ask(sip.port, register({ contact: `<${laptop}>;q=0.9`, expires: 600 }));
      expect(status(first)).toBe(401);
      const ch = headers(first, 'WWW-Authenticate')[0]!;
      const res = await udp.ask(
        other.port,
        register({ contact: `<${laptop}>;q=0.9`, expires: 600, auth: authorize(ch) }),
      );
      expect(status(res)).toBe(200);
      expect(headers(res, 'Contact').join('\n')).toContain(laptop);
      // the redirector that took it reaches the new terminal at once
      const inv = await udp.ask(
        other.port,
        request({ uri: 'sip:+82262006200@callx.test', localPort: udp.port }),
      );
      expect(headers(inv, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1])).toContain(laptop);
      // and the answer to a nonce neither redirector issued is challenged again
      const forged = authorize(ch.replace(/nonce="[^"]+"/, 'nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"'));
      const again = await udp.ask(
        other.port,
        register({ contact: `<${laptop}>`, expires: 600, auth: forged }),
      );
      expect(status(again)).toBe(401);
      expect(headers(again, 'Warning')[0]).toContain('unknown nonce');
    } finally {
      await other.service.stop();
    }
  });
});
