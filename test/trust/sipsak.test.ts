// Issue 9: digest authentication with sipsak 0.9.8.1 (Debian 12), which sends a message from a file
// (`-f`) and answers a 401 with credentials (`-u`, `-a`): MD5 only, from the first challenge only
// (like SIPp). It follows a 302 by sending the same request, credentials included, to the
// Contact's URI stripped of its parameters and headers: P-Asserted-Identity and Identity are lost.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer } from '../helpers/peer.ts';
import { type ClientStack, fields, requestUri, startClientStack } from './clients.ts';
import { KIM } from './stack.ts';

const DEST = '+12125551234';
const dir = mkdtempSync(join(tmpdir(), 'callx-sipsak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request as sipsak's message file holds it (sipsak adds its own Via on top). */
function message(method: 'REGISTER' | 'INVITE', target: string, from: string): string {
  const id = randomUUID();
  const lines = [
    `${method} ${target} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-${id}`,
    `From: <${from}>;tag=${id.slice(0, 8)}`,
    `To: <${method === 'REGISTER' ? from : target}>`,
    `Call-ID: ${id}@sipsak.test`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:kim@127.0.0.1:5999;ob=${id.slice(0, 8)}>`,
    ...(method === 'REGISTER' ? ['Expires: 600'] : []),
    'Max-Forwards: 70',
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** sipsak sends `text` to the redirector as Kim with `password`; its exit code and verbose output. */
async function sipsak(s: ClientStack, text: string, password: string) {
  const file = join(dir, `${randomUUID()}.sip`);
  writeFileSync(file, text);
  const r = await runPeer(
    'sipsak',
    ['-vvv', '-f', file, '-s', `sip:127.0.0.1:${s.trust.sipPort}`, '-u', KIM.username, '-a', password],
    { timeout: 20_000 },
  );
  return { code: r.code, out: `${r.stdout}\n${r.stderr}` };
}

const register = () => message('REGISTER', 'sip:callx.test', `sip:${KIM.username}@callx.test`);
const invite = () => message('INVITE', `sip:${DEST}@callx.test`, `sip:${KIM.e164}@callx.test`);

describe('sipsak 0.9.8.1 with the default challenges (MD5, then SHA-256)', () => {
  let s: ClientStack;
  beforeAll(async () => {
    s = await startClientStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('registers as the member with MD5, the Request-URI as digest uri: 200 and a binding', async () => {
    const text = register();
    const r = await sipsak(s, text, KIM.password);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(
      /Authorization: Digest username="kim", uri="sip:callx\.test", algorithm=MD5, realm="callx\.test", nonce="[^"]+", qop=auth, nc=00000001, cnonce="[^"]+", response="[0-9a-f]{32}"/,
    );
    expect(r.out).toMatch(/^SIP\/2\.0 200 OK$/m);
    const contact = /Contact: <([^>]+)>/.exec(text)![1]!;
    expect((await s.bindings()).filter((b) => b.contact === contact).map((b) => b.aor)).toEqual([
      'sip:kim@callx.test',
    ]);
  });

  it('calls a PSTN number: 401, INVITE with credentials, 302; it follows the redirect to the bare Contact URI', async () => {
    const r = await sipsak(s, invite(), KIM.password);
    expect(r.out).toMatch(/^SIP\/2\.0 401 Unauthorized$/m);
    expect(r.out).toMatch(
      new RegExp(`Authorization: Digest username="kim", uri="sip:\\${DEST}@callx\\.test"`),
    );
    expect(r.out).toMatch(/\*\* received redirect/);
    const at = await s.gateway.request(/^INVITE /);
    // the Contact was <sip:+1…@127.0.0.1:port;user=phone?P-Asserted-Identity=…&Identity=…>
    expect(requestUri(at)).toBe(`sip:${DEST}@127.0.0.1:${s.gateway.port}`);
    expect(fields(at, 'P-Asserted-Identity')).toEqual([]);
    expect(fields(at, 'Identity')).toEqual([]);
    // callx's credentials go along to the gateway
    expect(fields(at, 'Authorization')[0]).toMatch(/realm="callx\.test"/);
    // the gateway's 486 ends the run
    expect(r.out).toMatch(/^SIP\/2\.0 486 Busy Here$/m);
  });

  it('with a wrong password: 401 again, and it gives up (exit 2); nothing bound, nothing routed', async () => {
    const before = s.gateway.received.length;
    const bound = (await s.bindings()).length;
    for (const text of [register(), invite()]) {
      const r = await sipsak(s, text, 'wrong-password');
      expect(r.code, r.out).toBe(2);
      expect(r.out).toMatch(/Warning: 399 callx "wrong credentials"/);
      expect(r.out).toMatch(/error: authorization failed/);
    }
    expect((await s.bindings()).length).toBe(bound);
    expect(s.gateway.received.length).toBe(before);
  });
});

describe('sipsak 0.9.8.1 with SHA-256 offered first (CALLX_SIP_DIGEST_ALGORITHMS=SHA-256,MD5)', () => {
  let s: ClientStack;
  beforeAll(async () => {
    s = await startClientStack({ algorithms: 'SHA-256,MD5' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('gives up: it reads only the first challenge and computes only MD5', async () => {
    const r = await sipsak(s, register(), KIM.password);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/error: unsupported authentication algorithm/);
    expect(await s.bindings()).toEqual([]);
  });
});
