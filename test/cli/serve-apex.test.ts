// issue 11, item 7: a deployment whose zones do not cover CALLX_APEX answers REFUSED for every
// name under it and every INVITE gets 503 — so it is not ready: `callx serve` says at start what
// is missing, /readyz is not-ready (checks.apex), and once the apex zone exists (over the API
// here, as README "Your own deployment" says) it is ready and DNS answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { type Callx, startCallx } from '../../src/main.ts';
import { dig } from '../dns/helpers/dig.ts';

const ADMIN = 'serve-apex-admin-token-0123456789';
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'callx-apex-'));
  dirs.push(d);
  return d;
};
let callx: Callx | undefined;
afterAll(async () => {
  await callx?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('callx serve without a zone for CALLX_APEX', () => {
  it('says what is missing, is not ready, and becomes ready once the apex zone exists', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const config = loadConfig({
      CALLX_APEX: 'callx.test',
      CALLX_DATA_DIR: temp(),
      CALLX_ZONES_DIR: temp(), // empty
      CALLX_DNS_PORT: '0',
      CALLX_SIP_PORT: '0',
      CALLX_HTTP_PORT: '0',
      CALLX_DNS_JOURNAL_POLL_MS: '50',
      CALLX_ADMIN_TOKEN: ADMIN,
    });
    callx = await startCallx(config, logger, ['dns', 'api']);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => /no zone covers/.test(l.msg));
    expect(warning?.msg).toMatch(
      /no zone covers CALLX_APEX callx\.test: DNS refuses every name under it .*callx\.test\.zone in CALLX_ZONES_DIR .*POST \/v1\/zones/,
    );
    const base = `http://127.0.0.1:${callx.listening.api}`;
    const ready = async (): Promise<{ status: string }> =>
      (await fetch(`${base}/readyz`)).json() as Promise<{ status: string }>;
    expect(await ready()).toEqual({ status: 'not-ready', checks: { store: true, zones: true, apex: false } });
    expect((await dig(callx.listening.dns!, 'callx.test', 'SOA')).status).toBe('REFUSED');

    const created = await fetch(`${base}/v1/zones`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        apex: 'callx.test',
        soa: { mname: 'ns1.callx.test', rname: 'hostmaster.callx.test' },
        ns: ['ns1.callx.test'],
      }),
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 100 && (await ready()).status !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await ready()).toEqual({ status: 'ready', checks: { store: true, zones: true, apex: true } });
    expect((await dig(callx.listening.dns!, 'callx.test', 'SOA')).status).toBe('NOERROR');
  });
});
