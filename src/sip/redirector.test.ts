// The core without I/O: messages in, answers out, through the one pipeline both transports run.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { parseSipMessage } from './message.ts';
import { callerOf, createRedirector, type RedirectDecision, type ResolveFn } from './redirector.ts';
import { warning } from './warning.ts';

const ctx = { transport: 'udp' as const, remoteAddress: '192.0.2.1', remotePort: 5060 };

function req(
  method: string,
  uri = 'sip:+82262006200@callx.test',
  extra: string[] = [],
  branch = `z9hG4bK-${Math.random()}`,
) {
  return (
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
    ] as string[]
  ).join('\r\n');
}

const SERVER: [string, string] = ['Server', 'callx'];

const decide =
  (d: RedirectDecision, seen: { uri: string; caller?: string }[] = []): ResolveFn =>
  async (uri, caller) => {
    seen.push({ uri, caller: caller?.uri });
    // on-net Contacts (our own trees) unless the test says where they lead
    return { routes: d.contacts.map(() => ({ source: 'e164' })), ...d };
  };

describe('redirector core', () => {
  it('302 with one Contact header per destination, in order', async () => {
    const r = createRedirector({
      resolve: decide({ status: 302, contacts: ['<sip:a@x>;q=1.0', '<sip:b@x>;q=0.9'] }),
      log: silentLogger,
    });
    const res = (await r.process({ raw: req('INVITE'), ctx }))!.spec;
    expect(res).toMatchObject({ status: 302, reason: 'Moved Temporarily' });
    expect(res!.headers).toEqual([['Contact', '<sip:a@x>;q=1.0'], ['Contact', '<sip:b@x>;q=0.9'], SERVER]);
    expect(res!.toTag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('errors carry Warning and, for 503, Retry-After', async () => {
    const r = createRedirector({
      resolve: decide({ status: 503, contacts: [], warning: 'DNS "down"', retryAfter: 7 }),
      log: silentLogger,
    });
    const res = (await r.process({ raw: req('INVITE'), ctx }))!.spec;
    expect(res!.headers).toEqual([['Retry-After', '7'], ['Warning', '399 callx "DNS \\"down\\""'], SERVER]);
  });

  it('passes the Request-URI and the caller (P-Asserted-Identity first) to resolution', async () => {
    const seen: { uri: string; caller?: string }[] = [];
    const r = createRedirector({ resolve: decide({ status: 404, contacts: [] }, seen), log: silentLogger });
    await r.process({
      raw: req('MESSAGE', 'sip:alice@example.com', ['P-Asserted-Identity: <sip:+1@x>, <tel:+12125550100>']),
      ctx,
    });
    expect(seen).toEqual([{ uri: 'sip:alice@example.com', caller: 'tel:+12125550100' }]);
  });

  it('a resolution that throws is a 500, never a crash', async () => {
    const r = createRedirector({
      resolve: async () => {
        throw new Error('boom');
      },
      log: silentLogger,
    });
    expect((await r.process({ raw: req('INVITE'), ctx }))!.spec.status).toBe(500);
  });

  it.each([
    ['OPTIONS', 200],
    ['REGISTER', 405],
    ['BYE', 405],
    ['UPDATE', 405],
  ])('%s -> %i', async (method, status) => {
    const r = createRedirector({ resolve: decide({ status: 302, contacts: [] }), log: silentLogger });
    expect((await r.process({ raw: req(method), ctx }))!.spec.status).toBe(status);
  });

  it('a retransmission is resolved once', async () => {
    const seen: { uri: string }[] = [];
    const r = createRedirector({
      resolve: decide({ status: 302, contacts: ['<sip:a@x>'] }, seen),
      log: silentLogger,
    });
    const a = await r.process({ raw: req('INVITE', undefined, [], 'z9hG4bK-same'), ctx });
    const b = await r.process({ raw: req('INVITE', undefined, [], 'z9hG4bK-same'), ctx });
    expect(b!.spec).toEqual(a!.spec);
    expect(b!.spec.headers.filter(([n]) => n === 'Server')).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });

  it('the caller of a request', () => {
    expect(callerOf(parseSipMessage(req('INVITE')))).toEqual({
      uri: 'sip:+82262006200@callx.test',
      display: '"Kim"',
      header: 'From',
    });
  });
});

describe('the pipeline', () => {
  const r = createRedirector({
    resolve: decide({ status: 302, contacts: ['<sip:a@x>'] }),
    log: silentLogger,
  });

  it('is one ordered list of steps', () => {
    expect(r.steps).toEqual([
      'seal',
      'ack',
      'refused',
      'datagram',
      'text',
      'parse',
      'requests',
      'via',
      'dialog',
      'cancel',
      'transaction',
      'scheme',
      'require',
      'max-forwards',
      'method',
      'classify',
      'limits',
      'route',
      'policy',
      'authorize',
      'identity',
      'redirect',
    ]);
  });

  it('a bare LF inside a header line is a 400, never part of a value (found by fuzzing: it reached Unsupported)', async () => {
    const raw = req('INVITE', undefined, ['Require: a\nX-Inj: 1']);
    const out = (await r.process({ raw, ctx }))!;
    expect(out.spec.status).toBe(400);
    expect(out.spec.headers.map(([n]) => n)).toEqual(['Warning', 'Server']);
    // addressed from the headers read with the bare LF as a line break
    expect(out.request.headers['call-id']).toBe('core-1');
  });

  it.each([
    ['a bare CR', 'Require: a\rX-Inj: 1'],
    ['NUL', 'Subject: a\u0000b'],
    ['another control character', 'Subject: a\u001bb'],
  ])('%s in a header line: 400', async (_what, line) => {
    expect((await r.process({ raw: req('OPTIONS', undefined, [line]), ctx }))!.spec.status).toBe(400);
  });

  it('a bare LF in a header the response copies ends that line there (as drachtio-server reads it)', async () => {
    const raw = req('INVITE').replace('Call-ID: core-1', 'Call-ID: core-1\nX-Inj: 1');
    const out = (await r.process({ raw, ctx }))!;
    expect(out.spec.status).toBe(400);
    expect(out.request.headers['call-id']).toBe('core-1');
    expect(out.request.headers['x-inj']).toBeUndefined();
  });

  it('NUL in a header the response copies: nothing sent (the builtin transport could only echo it)', async () => {
    const raw = req('INVITE').replace('Call-ID: core-1', 'Call-ID: core-1\u0000x');
    expect(await r.process({ raw, ctx })).toBeNull();
  });

  it('folded lines are joined, and the request is answered', async () => {
    const raw = req('OPTIONS', undefined, ['Subject: one\r\n two']);
    expect((await r.process({ raw, ctx }))!.spec.status).toBe(200);
  });

  it('Require with option tags that are not tokens: 400, not echoed', async () => {
    const out = (await r.process({ raw: req('OPTIONS', undefined, ['Require: 100rel, a"b']), ctx }))!;
    expect(out.spec.status).toBe(400);
    expect(out.spec.headers.some(([n]) => n === 'Unsupported')).toBe(false);
  });

  it('an ACK is dropped before it is parsed, also after leading CRLFs', async () => {
    expect(await r.process({ raw: `\r\n${req('ACK')}`, ctx })).toBeNull();
    expect(await r.process({ raw: Buffer.from(req('ACK')), ctx })).toBeNull();
  });

  it('a decision holding a control character leaves without it', async () => {
    const bad = createRedirector({
      resolve: decide({ status: 302, contacts: ['<sip:a@x>\r\nX-Inj: 1'] }),
      log: silentLogger,
    });
    const out = (await bad.process({ raw: req('INVITE'), ctx }))!;
    expect(out.spec.headers[0]).toEqual(['Contact', '<sip:a@x>  X-Inj: 1']);
  });
});

describe('warning()', () => {
  it('escapes quotes and backslashes and turns control characters into spaces', () => {
    expect(warning('a "b" \\ c\r\nX-Inj: 1\u0000')).toEqual([
      'Warning',
      '399 callx "a \\"b\\" \\\\ c  X-Inj: 1 "',
    ]);
  });

  it('is at most 200 characters, never half a surrogate pair', () => {
    const text = `${'x'.repeat(199)}😀`;
    expect(warning(text)[1]).toBe(`399 callx "${'x'.repeat(199)}"`);
  });
});
