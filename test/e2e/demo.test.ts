// issue 11, item 7, tried as a new user would: the demo zones in zones/ on a whole callx (DNS
// node, redirector, API on real sockets). Every route the demo ships can be dialled — the
// partner range too (+1 202 555 0xxx, valid numbers) — the +82 route reaches below the +8210
// one, and the demo member's number has a home page. Paid routes are dialled from a softswitch
// of ours (a trusted peer, issue 9); an anonymous caller reaches the demo member, not the PSTN.
import { describe, expect } from 'vitest';
import { e2eIt as it, SOFTSWITCH } from '../api/helpers/stack.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';

describe('the demo deployment', () => {
  it('dials every demo route and serves the demo number’s page', async ({ stack: s }) => {
    const ua = await new UdpClient().open(SOFTSWITCH);
    const anonymous = await new UdpClient().open();
    try {
      const routes: [string, string][] = [
        ['sip:+12025550123@callx.test', 'sip:+12025550123@sip.partner.example'],
        ['sip:+821123456789@callx.test', 'sip:+821123456789@gw.kr.callx.test;user=phone'],
        ['sip:+821012345678@callx.test', 'sip:+821012345678@gw-mobile.kr.callx.test;user=phone'],
        ['sip:+14155550123@callx.test', 'sip:+14155550123@gw.us.callx.test;user=phone'],
        ['sip:02-6200-6200-082@callx.test', 'sip:+82262006200@kr.center.callx.test'],
        ['sip:62006200%2382@callx.test', 'sip:62006200%2382@kr.center.callx.test'],
      ];
      for (const [uri, contact] of routes) {
        const res = await ua.ask(s.sipPort, request({ uri, localPort: ua.port }));
        expect([uri, status(res), /^<([^?>]*)/.exec(headers(res, 'Contact')[0] ?? '')?.[1]]).toEqual([
          uri,
          302,
          contact,
        ]);
      }
      // an anonymous caller: the member's number on-net, a partner's number only with credentials
      const member = await anonymous.ask(
        s.sipPort,
        request({ uri: 'sip:02-6200-6200-082@callx.test', localPort: anonymous.port }),
      );
      expect([status(member), headers(member, 'Contact')[0]]).toEqual([
        302,
        '<sip:+82262006200@kr.center.callx.test>;q=1.0',
      ]);
      const partner = await anonymous.ask(
        s.sipPort,
        request({ uri: 'sip:+12025550123@callx.test', localPort: anonymous.port }),
      );
      expect(status(partner)).toBe(401);
    } finally {
      ua.close();
      anonymous.close();
    }
    const page = await fetch(`${s.base}/n/02-6200-6200-082`, { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([302, 'https://acme.example/']);
  });
});
