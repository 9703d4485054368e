// The core without I/O: parsed requests in, response decisions out.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { parseSipMessage } from './message.ts';
import { callerOf, createRedirector, type RedirectDecision, type ResolveFn } from './redirector.ts';

const ctx = { transport: 'udp' as const, remoteAddress: '192.0.2.1', remotePort: 5060 };

function req(
  method: string,
  uri = 'sip:+82262006200@callx.test',
  extra: string[] = [],
  branch = `z9hG4bK-${Math.random()}`,
) {
  return parseSipMessage(
    [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`,
      'From: "Kim" <sip:+82262006200@callx.test>;tag=f1',
      `To: <${uri}>`,
      'Call-ID: core-1',
      `CSeq: 7 ${method}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

const decide =
  (d: RedirectDecision, seen: { uri: string; caller?: string }[] = []): ResolveFn =>
  async (uri, caller) => {
    seen.push({ uri, caller: caller?.uri });
    return d;
  };

describe('redirector core', () => {
  it('302 with one Contact header per destination, in order', async () => {
    const r = createRedirector({
      resolve: decide({ status: 302, contacts: ['<sip:a@x>;q=1.0', '<sip:b@x>;q=0.9'] }),
      log: silentLogger,
    });
    const res = await r.handle(req('INVITE'), ctx);
    expect(res).toMatchObject({ status: 302, reason: 'Moved Temporarily' });
    expect(res!.headers).toEqual([
      ['Contact', '<sip:a@x>;q=1.0'],
      ['Contact', '<sip:b@x>;q=0.9'],
    ]);
    expect(res!.toTag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('errors carry Warning and, for 503, Retry-After', async () => {
    const r = createRedirector({
      resolve: decide({ status: 503, contacts: [], warning: 'DNS "down"', retryAfter: 7 }),
      log: silentLogger,
    });
    const res = await r.handle(req('INVITE'), ctx);
    expect(res!.headers).toEqual([
      ['Retry-After', '7'],
      ['Warning', '399 callx "DNS \\"down\\""'],
    ]);
  });

  it('passes the Request-URI and the caller (P-Asserted-Identity first) to resolution', async () => {
    const seen: { uri: string; caller?: string }[] = [];
    const r = createRedirector({ resolve: decide({ status: 404, contacts: [] }, seen), log: silentLogger });
    await r.handle(
      req('MESSAGE', 'sip:alice@example.com', ['P-Asserted-Identity: <sip:+1@x>, <tel:+12125550100>']),
      ctx,
    );
    expect(seen).toEqual([{ uri: 'sip:alice@example.com', caller: 'tel:+12125550100' }]);
  });

  it('a resolution that throws is a 500, never a crash', async () => {
    const r = createRedirector({
      resolve: async () => {
        throw new Error('boom');
      },
      log: silentLogger,
    });
    expect((await r.handle(req('INVITE'), ctx))!.status).toBe(500);
  });

  it.each([
    ['OPTIONS', 200],
    ['REGISTER', 405],
    ['BYE', 405],
    ['UPDATE', 405],
  ])('%s -> %i', async (method, status) => {
    const r = createRedirector({ resolve: decide({ status: 302, contacts: [] }), log: silentLogger });
    expect((await r.handle(req(method), ctx))!.status).toBe(status);
  });

  it('a retransmission is resolved once', async () => {
    const seen: { uri: string }[] = [];
    const r = createRedirector({
      resolve: decide({ status: 302, contacts: ['<sip:a@x>'] }, seen),
      log: silentLogger,
    });
    const a = await r.handle(req('INVITE', undefined, [], 'z9hG4bK-same'), ctx);
    const b = await r.handle(req('INVITE', undefined, [], 'z9hG4bK-same'), ctx);
    expect(b).toEqual(a);
    expect(seen).toHaveLength(1);
  });

  it('the caller of a request', () => {
    expect(callerOf(req('INVITE'))).toEqual({
      uri: 'sip:+82262006200@callx.test',
      display: '"Kim"',
      header: 'From',
    });
  });
});
