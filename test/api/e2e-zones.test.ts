// Zones and record sets over HTTP reach the real DNS node through the change journal: a new
// zone answers its SOA and NS, a PATCH with a structured NAPTR is answered exactly, a DELETE
// removes it, and a PSTN gateway added over HTTP routes a prefix (longest-prefix fillers
// included) so the redirector sends calls there.
import { describe, expect } from 'vitest';
import { headers, request, status, UdpClient } from '../sip/env.ts';
import { remove, replaceSipNaptr, rrsets } from './helpers/records.ts';
import { E2E_ADMIN, e2eIt as it, SOFTSWITCH, until } from './helpers/stack.ts';

describe('e2e: zones, record sets and routes over HTTP, answered by the DNS node', () => {
  it('serves a zone created over HTTP and follows its record set changes', async ({ stack: s }) => {
    const z = await s.http('POST', '/v1/zones', E2E_ADMIN, {
      apex: 'partner.example',
      soa: { mname: 'ns1.partner.example', rname: 'hostmaster.partner.example', minimum: 60 },
      ns: ['ns1.partner.example'],
    });
    expect(z.status).toBe(201);
    const soa = await until('the new zone', 5000, async () => {
      const a = await s.dig('partner.example', 'SOA');
      return a.length ? a : null;
    });
    expect(soa[0]).toMatch(
      /^ns1\.partner\.example\. hostmaster\.partner\.example\. \d+ 3600 600 1209600 60$/,
    );
    const patch = await s.http(
      'PATCH',
      '/v1/zones/partner.example/rrsets',
      E2E_ADMIN,
      rrsets(replaceSipNaptr('*.4.4.partner.example.', 60, '!^\\+(.*)$!sip:+\\1@sbc.partner.example!')),
    );
    expect(patch.status).toBe(204);
    const naptr = await until('the NAPTR', 5000, async () => {
      const a = await s.dig('1.2.4.4.partner.example', 'NAPTR');
      return a.length ? a : null;
    });
    expect(naptr).toEqual(['100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@sbc.partner.example!" .']);
    await s.http(
      'PATCH',
      '/v1/zones/partner.example/rrsets',
      E2E_ADMIN,
      rrsets(remove('*.4.4.partner.example.', 'NAPTR')),
    );
    await until('the deletion', 5000, async () =>
      (await s.dig('1.2.4.4.partner.example', 'NAPTR')).length === 0 ? true : null,
    );
    expect((await s.http('DELETE', '/v1/zones/partner.example', E2E_ADMIN)).status).toBe(204);
    await until('the zone to go', 5000, async () =>
      (await s.dig('partner.example', 'SOA')).length === 0 ? true : null,
    );
  });

  it('routes a prefix to a PSTN gateway added over HTTP', async ({ stack: s }) => {
    const gw = await s.http('POST', '/v1/gateways', E2E_ADMIN, {
      id: 'gw-fr',
      name: 'France',
      host: 'gw.fr.example',
      prefixes: ['33'],
    });
    expect(gw.status).toBe(201);
    await until('the pstn route', 5000, async () =>
      (await s.dig('1.2.3.4.5.6.7.8.9.1.3.3.pstn.callx.test', 'NAPTR')).length ? true : null,
    );
    // a paid route: our softswitch (a trusted peer) gets it; an anonymous caller is challenged
    const ua = await new UdpClient().open(SOFTSWITCH);
    const anonymous = await new UdpClient().open();
    try {
      const invite = (c: UdpClient) =>
        c.ask(s.sipPort, request({ uri: 'sip:+33198765432@callx.test;user=phone', localPort: c.port }));
      const answer = await invite(ua);
      expect(status(answer)).toBe(302);
      expect(headers(answer, 'Contact').join()).toContain('sip:+33198765432@gw.fr.example;user=phone');
      const refused = await invite(anonymous);
      expect(status(refused)).toBe(401);
      expect(headers(refused, 'WWW-Authenticate').length).toBeGreaterThan(0);
    } finally {
      ua.close();
      anonymous.close();
    }
  });
});
