// issue 11, item 4 (and 7: callx resolve, sip:<user>@<realm>, one Contact under two AORs):
// mobility as the "flash card" promises — a member logs in on any terminal and receives all its
// calls there: every PIN (also one bought after the REGISTER), every VNS branch, its domain, its
// address, its SIP user at our realm. Members, numbers and credentials come from the real sales
// and members services on the embedded store; REGISTER and INVITE over real UDP sockets, DNS
// from a real callx DNS server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ha1 } from '#core';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { ADMIN, embeddedServices, REG_A, type Services } from '#test/helpers/sales';
import { resolveCommand } from '../../src/cli/resolve.ts';
import { digestResponse, parseAuthorization } from '../../src/sip/register/digest.ts';
import { headers, request, sipConfig, startDns, startSip, status, UdpClient } from './env.ts';

const REALM = 'callx.test';
const PHONE = 'sip:minji@192.0.2.50:5062';
const LAPTOP = 'sip:minji@198.51.100.8:5070';
const DESK = 'sip:acme-desk@192.0.2.60:5060';

let s: Services & { close(): Promise<void> };
let dns: DnsServer;
let sip: { service: SipService; port: number };
let udp: UdpClient;
let minji: string;
let acme: string;

/** Reserve, pay and (a PIN) prove ownership with a letter: the number is the member's. */
async function buy(number: string, memberId: string, ref: string) {
  const r = await s.sales.reserve(REG_A, { number, memberId });
  if (!r.approved) throw new Error(r.message);
  const paid = await s.sales.pay(REG_A, { orderId: r.order.id, reference: ref, amount: r.price });
  if (paid.order.status !== 'pending-verification') return paid;
  await s.sales.recordEvidence(REG_A, { orderId: r.order.id, method: 'loa', reference: `LOA-${ref}` });
  return s.sales.approve(REG_A, { orderId: r.order.id });
}

beforeAll(async () => {
  s = await embeddedServices({ verifyPins: true });
  await s.sales.stock(ADMIN, {
    registrarId: 'reg-a',
    country: 'KR',
    kind: 'pin',
    numbers: ['+82262006200', '+82262006201'],
  });
  await s.sales.stock(ADMIN, { registrarId: 'reg-a', country: 'KR', kind: 'vns', numbers: ['6200-6200'] });
  minji = (
    await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'Minji',
      email: 'minji@example.kr',
      country: 'KR',
    })
  ).id;
  await s.members.setSipCredentials(REG_A, { memberId: minji, username: 'minji', password: 'secret-minji' });
  await buy('+82262006200', minji, 'p-minji-1');
  acme = (
    await s.members.register(REG_A, {
      type: 'company',
      displayName: 'Acme',
      domain: 'acme.example',
      country: 'KR',
    })
  ).id;
  await s.members.setSipCredentials(REG_A, { memberId: acme, username: 'acme', password: 'secret-acme' });
  await buy('vns:62006200', acme, 'p-acme-1');
  await s.members.setBranches(REG_A, { memberId: acme, base: '6200-6200', branches: [{ country: 'KR' }] });
  dns = await startDns();
  sip = await startSip(dns.port, { CALLX_SIP_REALM: REALM }, { store: s.store, bindingCacheMs: 200 });
  udp = await new UdpClient().open();
});
afterAll(async () => {
  udp?.close();
  await sip?.service.stop();
  await dns?.stop();
  await s?.close();
});

let cseq = 1;
function register(aor: string, user: string, o: { contact?: string; auth?: string }): string {
  return request({
    method: 'REGISTER',
    uri: 'sip:callx.test',
    localPort: udp.port,
    from: `<${aor}>`,
    callId: `reg-${user}-${aor}`,
    cseq: cseq++,
    extra: [
      ...(o.contact ? [`Contact: ${o.contact}`, 'Expires: 600'] : []),
      ...(o.auth ? [`Authorization: ${o.auth}`] : []),
    ],
  }).replace(/^To: .*$/m, `To: <${aor}>`);
}

async function registerAs(user: string, password: string, aor: string, contact?: string): Promise<string> {
  const first = await udp.ask(sip.port, register(aor, user, { ...(contact ? { contact } : {}) }));
  expect(status(first)).toBe(401);
  const c = parseAuthorization(headers(first, 'WWW-Authenticate')[0]!)!;
  const p = {
    nonce: c.get('nonce')!,
    nc: '00000001',
    cnonce: 'c0ffee',
    qop: 'auth',
    method: 'REGISTER',
    uri: 'sip:callx.test',
  };
  const response = digestResponse('SHA-256', ha1('SHA-256', user, REALM, password), p);
  const auth = `Digest username="${user}", realm="${REALM}", nonce="${p.nonce}", uri="${p.uri}", response="${response}", algorithm=SHA-256, qop=auth, nc=${p.nc}, cnonce="${p.cnonce}"`;
  const res = await udp.ask(sip.port, register(aor, user, { ...(contact ? { contact } : {}), auth }));
  expect(status(res)).toBe(200);
  return res;
}

const contactsOf = (res: string) => headers(res, 'Contact').map((c) => /^<([^?>]*)/.exec(c)![1]);
const invite = (uri: string) => udp.ask(sip.port, request({ uri, localPort: udp.port }));
const settle = () => new Promise((r) => setTimeout(r, 300)); // past the redirector's 200 ms binding cache

describe('mobility: a registered terminal takes all of the member’s calls', () => {
  it('INVITE sip:<user>@<our realm> reaches the terminal its REGISTER bound', async () => {
    await registerAs('minji', 'secret-minji', 'sip:minji@callx.test', `<${PHONE}>`);
    const res = await invite('sip:minji@callx.test');
    expect(status(res)).toBe(302);
    expect(contactsOf(res)).toEqual([PHONE]);
    // and her PIN: the terminal first, then what DNS says
    expect(contactsOf(await invite('sip:+82262006200@callx.test'))[0]).toBe(PHONE);
  });

  it('a number bought after the REGISTER reaches the terminal without registering again', async () => {
    expect(contactsOf(await invite('sip:+82262006201@callx.test'))).not.toContain(PHONE);
    await buy('+82262006201', minji, 'p-minji-2');
    await settle();
    expect(contactsOf(await invite('sip:+82262006201@callx.test'))[0]).toBe(PHONE);
  });

  it('a number released no longer reaches the old holder’s terminal', async () => {
    await s.sales.release(REG_A, { number: '+82262006201' });
    await settle();
    expect(contactsOf(await invite('sip:+82262006201@callx.test'))).not.toContain(PHONE);
  });

  it('the same Contact under a second AOR of the member is bound under both, not moved', async () => {
    await registerAs('minji', 'secret-minji', 'sip:+82262006200@callx.test', `<${PHONE}>`);
    await registerAs('minji', 'secret-minji', 'sip:minji@callx.test', `<${LAPTOP}>`);
    // a REGISTER without Contact lists the AOR's bindings
    expect(contactsOf(await registerAs('minji', 'secret-minji', 'sip:minji@callx.test')).sort()).toEqual(
      [LAPTOP, PHONE].sort(),
    );
    expect(contactsOf(await registerAs('minji', 'secret-minji', 'sip:+82262006200@callx.test'))).toEqual([
      PHONE,
    ]);
  });

  it("a company's terminal takes its VNS branches and its domain", async () => {
    await registerAs('acme', 'secret-acme', 'sip:acme@callx.test', `<${DESK}>`);
    for (const uri of ['sip:62006200%23082@callx.test', 'sip:acme.example', 'sip:acme@callx.test']) {
      const res = await invite(uri);
      expect([uri, status(res)]).toEqual([uri, 302]);
      expect([uri, contactsOf(res)[0]]).toEqual([uri, DESK]);
    }
    // a branch the company does not have is not its terminal's
    expect(status(await invite('sip:62006200%23001@callx.test'))).toBe(404);
  });

  it('callx resolve reads the registry and agrees with the INVITE', async () => {
    const config = sipConfig(dns.port, { CALLX_SIP_REALM: REALM });
    for (const id of ['sip:minji@callx.test', '02-6200-6200-082', '6200-6200#082']) {
      const { json } = await resolveCommand(id, {}, config, { store: s.store });
      const inv = await invite(
        id.startsWith('sip:')
          ? id
          : id === '6200-6200#082'
            ? 'sip:62006200%23082@callx.test'
            : 'sip:+82262006200@callx.test',
      );
      expect([id, json.contacts.map((c) => c.target)]).toEqual([id, contactsOf(inv)]);
      expect(json.contacts[0]!.source).toBe('registered');
      expect(json.notes.join('\n')).toContain('registered: ');
    }
  });
});
