// The drachtio adapter without a drachtio-server: drachtio-srf's own Request and Response built
// from raw messages (as its agent builds them from the wire), the response run through the
// agent's own serializer, and reconnection against a plain TCP listener that drops us.
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsServer } from '#dns';
import type { SipService } from '#sip';
import { silentLogger } from '../../src/core/log.ts';
import {
  createDrachtioTransport,
  type DrachtioRequest,
  type DrachtioResponse,
  handleDrachtioRequest,
} from '../../src/sip/transport/drachtio.ts';
import { until } from '../helpers/until.ts';
import { startDns, startSip } from './env.ts';

const require = createRequire(import.meta.url);
const SipMessage = require('drachtio-srf/lib/sip-parser/message.js');
const Request = require('drachtio-srf/lib/request.js');
const Response = require('drachtio-srf/lib/response.js');
const Agent = require('drachtio-srf/lib/drachtio-agent.js');

let dns: DnsServer;
let sip: { service: SipService; port: number };

beforeAll(async () => {
  dns = await startDns();
  sip = await startSip(dns.port);
});
afterAll(async () => {
  await sip?.service.stop();
  await dns?.stop();
});

const INVITE = [
  'INVITE sip:+82262006200@callx.test SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK-drachtio-1;rport=5060',
  'From: <sip:+442079460999@partner.test>;tag=abc',
  'To: <sip:+82262006200@callx.test>',
  'Call-ID: drachtio-1@192.0.2.20',
  'CSeq: 1 INVITE',
  'Max-Forwards: 70',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** A request and response as drachtio-srf's agent makes them for a message from drachtio-server. */
function fromWire(raw: string) {
  const meta = {
    source: 'network',
    address: '192.0.2.20',
    port: '5060',
    protocol: 'udp',
    time: '0',
    transactionId: 't1',
    dialogId: '',
  };
  const req = new Request(new SipMessage(raw), meta);
  const sent: {
    status?: number;
    reason?: string;
    opts?: { headers: Record<string, string> };
    wire?: string;
  } = {};
  const agent = {
    sendResponse(
      res: { msg: unknown; req: { stackTxnId: string } },
      opts: { headers: Record<string, string> },
    ) {
      sent.opts = opts;
      // the agent's own serializer, as it would write to drachtio-server
      Agent.prototype.sendMessage.call(
        { wp: { send: (_s: unknown, text: string) => (sent.wire = text) } },
        new net.Socket(),
        res.msg,
        { stackTxnId: res.req.stackTxnId, ...opts },
      );
    },
  };
  const res = new Response(agent);
  req.res = res;
  res.req = req;
  const origSend = res.send.bind(res);
  res.send = (status: number, reason: string, opts: { headers: Record<string, string> }) => {
    sent.status = status;
    sent.reason = reason;
    origSend(status, reason, opts);
  };
  return { req: req as DrachtioRequest, res: res as DrachtioResponse, sent };
}

describe('drachtio adapter', () => {
  it('answers an INVITE with the same decision as the builtin transport', async () => {
    const { req, res, sent } = fromWire(INVITE);
    const counted: [string, number, number][] = [];
    await handleDrachtioRequest(req, res, sip.service.redirector, silentLogger, (m, st, sec) =>
      counted.push([m, st, sec]),
    );
    expect(sent.status).toBe(302);
    expect(sent.reason).toBe('Moved Temporarily');
    expect(counted).toEqual([['INVITE', 302, expect.any(Number)]]); // metrics see drachtio's requests too
    const wire = sent.wire!;
    expect(wire).toMatch(/^sip\|t1\|\r\nSIP\/2\.0 302 Moved Temporarily\r\n/);
    expect(wire).toContain(
      'contact: <sip:+82262006200@kr.center.callx.test?P-Asserted-Identity=%3Ctel:+442079460999%3E>;q=1.0, <sip:+821012345678@gw.kr.callx.test;user=phone?P-Asserted-Identity=%3Ctel:+442079460999%3E>;q=0.9',
    );
    expect(wire).toMatch(/\r\nto: <sip:\+82262006200@callx\.test>;tag=[0-9a-f]{16}\r\n/);
    expect(wire).toContain('\r\nCall-ID: drachtio-1@192.0.2.20\r\n');
  });

  it('error answers carry their headers (Retry-After, Warning)', async () => {
    const { req, res, sent } = fromWire(
      INVITE.replace('sip:+82262006200@callx.test SIP', 'sip:+8226@callx.test SIP').replace(
        'drachtio-1',
        'drachtio-3',
      ),
    );
    await handleDrachtioRequest(req, res, sip.service.redirector, silentLogger);
    expect(sent.status).toBe(484);
    expect(sent.opts!.headers.Warning).toMatch(/^399 callx "numbering: .*too short/);
  });

  it('sends nothing for an ACK, nor after drachtio-server reported a CANCEL', async () => {
    const ack = fromWire(INVITE.replace(/INVITE/g, 'ACK'));
    await handleDrachtioRequest(ack.req, ack.res, sip.service.redirector, silentLogger);
    expect(ack.sent.status).toBeUndefined();

    const slow = fromWire(INVITE.replace(/drachtio-1/g, 'drachtio-2'));
    const p = handleDrachtioRequest(slow.req, slow.res, sip.service.redirector, silentLogger);
    (slow.req as unknown as { emit(e: string): void }).emit('cancel');
    await p;
    expect(slow.sent.status).toBeUndefined();
  });

  it('reconnects when the server side goes away, and stops when told', async () => {
    const accepted: net.Socket[] = [];
    const server = net.createServer((s) => {
      accepted.push(s);
      s.on('error', () => {});
      if (accepted.length === 1) setTimeout(() => s.destroy(), 50); // "drachtio-server restarts"
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const t = createDrachtioTransport(
      { host: '127.0.0.1', port, secret: 'cymru', retryMaxDelayMs: 200 },
      sip.service.redirector,
      silentLogger,
    );
    await t.start();
    await until('the transport to connect again', () => accepted.length >= 2);
    // each connection opened by authenticating, as drachtio-server expects
    const first = await new Promise<string>((r) => {
      const s = accepted[1]!;
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('authenticate|')) r(buf);
      });
    });
    expect(first).toMatch(/^\d+#[0-9a-f-]+\|authenticate\|cymru\|/);
    await t.stop();
    const n = accepted.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(accepted.length).toBe(n);
    for (const s of accepted) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
