// A number whose rent is unpaid, over real sockets: sold through the HTTP API (a PIN: paid, then
// approved with a letter of authorisation), its rent unpaid past the grace period, it is
// suspended — within a second the real DNS node serves its
// suspension marker instead of its NAPTR (asked with dig), and an INVITE to it gets 480 with a
// Warning from the real redirector — then a top-up over HTTP pays the rent and the NAPTR is back
// within a second, and resolution routes the number again.
import { describe, expect } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { derivationFor } from '../../src/publish/index.ts';
import { createBilling } from '../../src/registry/billing/index.ts';
import { createJournal } from '../../src/registry/journal.ts';
import { createPublisher } from '../../src/registry/publisher.ts';
import { E2E_ADMIN, e2eIt as it, until } from '../api/helpers/stack.ts';
import { headers, request, status, UdpClient } from '../sip/env.ts';

describe('e2e: unpaid rent takes a number out of DNS; a top-up brings it back', () => {
  it('suspends, answers 480, restores', async ({ stack: s }) => {
    expect((await s.http('POST', '/v1/registrars', E2E_ADMIN, { id: 'acme', name: 'ACME' })).status).toBe(
      201,
    );
    const token = (await s.http('POST', '/v1/registrars/acme/tokens', E2E_ADMIN, {})).body.token as string;
    await s.http('POST', '/v1/countries', E2E_ADMIN, {
      code: 'JP',
      name: 'Japan',
      center: {
        targets: [
          { host: 'sip1.jp.center.callx.test', port: 5060, transport: 'udp', addresses: ['127.0.20.1'] },
        ],
      },
    });
    await s.http('POST', '/v1/inventory', token, { country: 'JP', kind: 'pin', numbers: ['03-1234-5678'] });
    const m = (
      await s.http('POST', '/v1/members', token, {
        type: 'individual',
        displayName: 'Sato',
        email: 'sato@example.jp',
        country: 'JP',
      })
    ).body;
    const order = (await s.http('POST', '/v1/orders', token, { number: '03-1234-5678-081', memberId: m.id }))
      .body;
    expect(
      (
        await s.http('POST', `/v1/orders/${order.order.id}/payments`, token, {
          reference: 'p1',
          amount: order.price,
        })
      ).status,
    ).toBe(201);
    // a PIN is its buyer's once the registrar has the proof (a letter of authorisation) and approves
    expect(
      (
        await s.http('POST', `/v1/orders/${order.order.id}/verification`, token, {
          method: 'loa',
          reference: 'LOA-1',
        })
      ).status,
    ).toBe(200);
    expect((await s.http('POST', `/v1/orders/${order.order.id}/approve`, token)).body).toMatchObject({
      order: { status: 'paid' },
      assigned: true,
    });
    expect(
      (
        await s.http('PUT', '/v1/billing/rental-rules', token, {
          rules: { currency: 'USD', amounts: { pin: '1.00', vns: '0' }, graceHours: 1 },
        })
      ).status,
    ).toBe(200);
    expect((await s.http('PUT', `/v1/members/${m.id}/account`, token, { currency: 'USD' })).status).toBe(201);
    const owner = '8.7.6.5.4.3.2.1.3.1.8.e164.callx.test';
    await until('the NAPTR of the sold number', 5000, async () =>
      (await s.dig(owner, 'NAPTR')).length ? true : null,
    );

    // the billing sweep of a writer whose clock we move: unpaid, grace, then suspended
    let now = Date.now();
    const journal = createJournal({ store: s.store, logger: silentLogger });
    const publisher = createPublisher({
      store: s.store,
      journal,
      derivation: derivationFor({ apex: 'callx.test' }),
      logger: silentLogger,
    });
    const billing = createBilling({
      store: s.store,
      publisher,
      logger: silentLogger,
      clock: { now: () => now },
      apex: 'callx.test',
    });
    await billing.sweep();
    expect((await s.http('GET', '/v1/billing/rentals', token)).body.items).toEqual([
      expect.objectContaining({ state: 'grace' }),
    ]);
    now += 2 * 3_600_000;
    await billing.sweep();
    const suspendedAt = Date.now();
    await until('the suspension in DNS', 1000, async () =>
      (await s.dig(owner, 'NAPTR')).length === 0 ? true : null,
    );
    expect(Date.now() - suspendedAt).toBeLessThan(1000);
    expect(await s.dig(owner, 'TXT')).toEqual(['"callx-suspended"']);

    // a call to it: 480 with a Warning that says why
    const ua = await new UdpClient().open();
    try {
      const answer = await ua.ask(
        s.sipPort,
        request({ uri: 'sip:+81312345678@callx.test;user=phone', localPort: ua.port }),
      );
      expect(status(answer)).toBe(480);
      expect(headers(answer, 'Warning')[0]).toMatch(
        /399 callx ".*\+81312345678 is suspended: its rent is unpaid"/,
      );
    } finally {
      ua.close();
    }

    // a top-up over HTTP pays the rent: the number is back in DNS within a second
    const topped = await s.http('POST', `/v1/members/${m.id}/ledger`, token, {
      kind: 'topup',
      amount: '5.00',
      currency: 'USD',
    });
    expect(topped.status, JSON.stringify(topped.body)).toBe(400); // no Idempotency-Key
    const res = await fetch(`${s.base}/v1/members/${m.id}/ledger`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'top-1',
      },
      body: JSON.stringify({ kind: 'topup', amount: '5.00', currency: 'USD' }),
    });
    expect(res.status).toBe(201);
    const paidAt = Date.now();
    await until('the number back in DNS', 1000, async () =>
      (await s.dig(owner, 'NAPTR')).length ? true : null,
    );
    expect(Date.now() - paidAt).toBeLessThan(1000);
    expect(await s.dig(owner, 'TXT')).toEqual([]);
    expect((await s.http('GET', `/v1/members/${m.id}/account`, token)).body).toMatchObject({
      balance: '4.00',
    });
    // a redirector whose cached answers expired routes it again
    s.sip.resolver.cache.clear();
    expect(await s.sip.resolver.resolve('+81312345678')).toMatchObject({ status: 302 });
  });
});
