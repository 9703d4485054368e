// The flagship flow over real sockets: through the HTTP API the operator adds a country and its
// call center, a registrar stocks numbers, registers a member, reserves and pays a number; then the real
// callx DNS node (fed by the change journal) answers the number's NAPTR to dig, a SIP INVITE to
// the number gets the 302 from the real redirector pointing at the new center, and GET
// /v1/resolve shows the same decision. Releasing the number takes it out of DNS again.
import { describe, expect } from 'vitest';
import { headers, request, status, UdpClient } from '../sip/env.ts';
import { E2E_ADMIN, e2eIt as it, until } from './helpers/stack.ts';

describe('e2e: sell a number over HTTP, then it answers in DNS and SIP redirects calls to it', () => {
  it('runs the whole flow', async ({ stack: s }) => {
    expect((await fetch(`${s.base}/readyz`)).status).toBe(200);
    // the admin makes a registrar and its token
    expect(
      (await s.http('POST', '/v1/registrars', E2E_ADMIN, { id: 'acme', name: 'ACME Telecom' })).status,
    ).toBe(201);
    const token = (await s.http('POST', '/v1/registrars/acme/tokens', E2E_ADMIN, { label: 'e2e' })).body
      .token as string;

    // the operator adds a country and its call center (routing data is the admin's: docs/api.md)
    const jp = await s.http('POST', '/v1/countries', E2E_ADMIN, {
      code: 'JP',
      name: 'Japan',
      center: {
        targets: [
          { host: 'sip1.jp.center.callx.test', port: 5060, transport: 'udp', addresses: ['127.0.20.1'] },
        ],
      },
    });
    expect(jp.status).toBe(201);

    // stock, register, reserve, pay
    const stocked = await s.http('POST', '/v1/inventory', token, {
      country: 'JP',
      kind: 'pin',
      range: { first: '03-1234-5670', count: 10 },
    });
    expect(stocked.status).toBe(201);
    const found = await s.http(
      'GET',
      '/v1/numbers/available?country=JP&kind=pin&pattern=%2B8131234567*',
      token,
    );
    expect(found.body.items.map((o: { id: string }) => o.id)).toContain('pin:+81312345678');
    const member = await s.http('POST', '/v1/members', token, {
      type: 'individual',
      displayName: 'Sato',
      email: 'sato@example.jp',
      country: 'JP',
    });
    expect(member.status).toBe(201);
    const order = await s.http('POST', '/v1/orders', token, {
      number: '03-1234-5678-081',
      memberId: member.body.id,
    });
    expect(order.status).toBe(201);
    const paid = await s.http('POST', `/v1/orders/${order.body.order.id}/payments`, token, {
      reference: 'psp-e2e-1',
      amount: order.body.price,
    });
    expect(paid.status).toBe(201);
    // a PIN is someone's existing line: it waits for proof that the buyer holds it, unpublished
    expect(paid.body).toMatchObject({ assigned: false, order: { status: 'pending-verification' } });
    // the registrar asks for a code, the member calls the Japanese center from that line and
    // enters it, the center confirms it (the operator's token), the registrar approves
    const code = await s.http('POST', `/v1/orders/${order.body.order.id}/verification`, token, {
      method: 'code',
    });
    expect(code.status).toBe(200);
    const confirmed = await s.http('POST', '/v1/verifications/confirm', E2E_ADMIN, {
      line: '+81312345678',
      code: code.body.code,
    });
    expect(confirmed.status).toBe(200);
    const approved = await s.http('POST', `/v1/orders/${order.body.order.id}/approve`, token, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ assigned: true, number: { status: 'assigned' } });

    // DNS: the member's number and the center, from the journal
    const owner = '8.7.6.5.4.3.2.1.3.1.8.e164.callx.test';
    const naptr = await until('the NAPTR of the sold number', 5000, async () => {
      const a = await s.dig(owner, 'NAPTR');
      return a.length ? a : null;
    });
    expect(naptr).toEqual(['100 10 "u" "E2U+sip" "!^.*$!sip:+81312345678@jp.center.callx.test!" .']);
    expect(await s.dig('_sip._udp.jp.center.callx.test', 'SRV')).toEqual([
      '10 10 5060 sip1.jp.center.callx.test.',
    ]);
    expect(await s.dig('sip1.jp.center.callx.test', 'A')).toEqual(['127.0.20.1']);

    // the zone export over HTTP shows what DNS serves, as a master file
    const exported = await s.http('GET', '/v1/zones/e164.callx.test/export', E2E_ADMIN);
    expect(exported.status).toBe(200);
    expect(exported.body).toContain(`${owner}.`);

    // SIP: an INVITE to the number gets a 302 to the member at the Japanese center
    const ua = await new UdpClient().open();
    try {
      const answer = await ua.ask(
        s.sipPort,
        request({ uri: 'sip:+81312345678@callx.test;user=phone', localPort: ua.port }),
      );
      expect(status(answer)).toBe(302);
      expect(headers(answer, 'Contact')[0]).toContain('sip:+81312345678@jp.center.callx.test');
    } finally {
      ua.close();
    }

    // GET /v1/resolve gives the redirector's decision; /metrics counted the API requests
    const decision = await s.http('GET', '/v1/resolve?identifier=03-1234-5678-081', token);
    expect(decision.body).toMatchObject({
      status: 302,
      classification: { kind: 'pin', e164: '+81312345678' },
    });
    expect(decision.body.contacts[0].target).toBe('sip:+81312345678@jp.center.callx.test');
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toContain(
      'callx_http_requests_total{method="POST",route="/v1/orders/{id}/payments",status="201"} 1',
    );

    // releasing the number takes it out of DNS
    const released = await s.http(
      'POST',
      `/v1/numbers/${encodeURIComponent('pin:+81312345678')}/release`,
      token,
    );
    expect(released.status).toBe(200);
    await until('the released number to leave DNS', 5000, async () =>
      (await s.dig(owner, 'NAPTR')).length === 0 ? true : null,
    );
  });
});
