// What the operator writes over HTTP reaches the redirector (it reads trusted peers and policies
// from the registry every few seconds; 100 ms here): a new trusted peer's calls reach the PSTN,
// a policy keeps a member off it, and /readyz tells which countries lack an emergency route.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSipService } from '#sip';
import { until } from '../helpers/until.ts';
import { headers, request, sipConfig, startDns, status, UdpClient } from '../sip/env.ts';
import { ADMIN, startTrustStack, type TrustStack } from './stack.ts';

let s: TrustStack;
beforeAll(async () => {
  s = await startTrustStack();
});
afterAll(async () => {
  await s?.stop();
});

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json().catch(() => null) };
};

describe('from the API to the redirector', () => {
  it('a gateway made a trusted peer over HTTP: calls from its address reach the PSTN', async () => {
    const ua = await new UdpClient().open('127.0.0.9');
    try {
      const call = async () =>
        status(
          await ua.ask(
            s.sipPort,
            request({ uri: 'sip:+12125551234@callx.test', localPort: ua.port }).replace(
              '127.0.0.1:',
              '127.0.0.9:',
            ),
          ),
        );
      expect(await call()).toBe(401);
      const r = await api('POST', '/v1/gateways', {
        id: 'gw-us',
        name: 'US',
        host: 'gw.us.callx.test',
        prefixes: ['1'],
        trust: { sources: ['127.0.0.9'] },
      });
      expect(r.status).toBe(201);
      await until('the redirector to trust the new peer', async () => (await call()) === 302, 5000, 50);
    } finally {
      ua.close();
    }
  });

  it('a default policy written over HTTP applies to the next calls', async () => {
    const ua = await new UdpClient().open('127.0.0.10');
    try {
      const call = async () =>
        ua.ask(
          s.sipPort,
          request({ uri: 'sip:+82262006200@callx.test', localPort: ua.port }).replace(
            '127.0.0.1:',
            '127.0.0.10:',
          ),
        );
      expect(status(await call())).toBe(302);
      expect((await api('PUT', '/v1/policies/default', { blockedSources: ['127.0.0.10'] })).status).toBe(201);
      await until('the redirector to read the policy', async () => status(await call()) === 403, 5000, 50);
      expect(headers(await call(), 'Warning')).toEqual(['399 callx "calls from this address are blocked"']);
      expect((await api('DELETE', '/v1/policies/default')).status).toBe(204);
      await until(
        'the redirector to read the policy gone',
        async () => status(await call()) === 302,
        5000,
        50,
      );
    } finally {
      ua.close();
    }
  });

  it('/readyz names the countries served (a center in DNS) that have no emergency route; the log says it at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callx-emergency-'));
    writeFileSync(
      join(dir, 'callx.test.zone'),
      [
        '$ORIGIN callx.test.',
        '$TTL 300',
        '@ SOA ns1 hostmaster 1 3600 600 604800 60',
        '  NS ns1',
        'ns1 A 127.0.0.1',
        'kr.center NAPTR 10 10 "s" "SIP+D2U" "" _sip._udp.kr.center.callx.test.',
        'sip1.us.center A 127.0.11.1', // a center by its server alone: the name exists
        'kr.emergency NAPTR 100 10 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@sos.kr.callx.test!" .',
        '',
      ].join('\n'),
    );
    const dns = await startDns(dir);
    const logged: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(c, _e, done) {
          logged.push(String(c));
          done();
        },
      }),
    );
    const sip = createSipService({ config: sipConfig(dns.port, { CALLX_STIR: 'off' }), logger });
    try {
      await sip.start();
      await until('the emergency check', () => Object.keys(sip.readinessDetail()).length > 0, 10_000);
      expect(sip.readinessDetail()).toEqual({
        sip_emergency: { missing: ['US'], why: 'countries with a center and no <cc>.emergency route' },
      });
      expect(logged.join('')).toMatch(
        /sip: emergency: no emergency route for US \(us\.emergency\.callx\.test\)/,
      );
    } finally {
      await sip.stop();
      await dns.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
