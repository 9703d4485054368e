// Issue 9: digest authentication with baresip 1.0.0 (Debian 12; its SIP stack is libre 1.1.0),
// headless: a config directory (`-f`), the console command `/dial` (`-e`), its SIP trace (`-s`)
// read back. libre 1.1 computes MD5 only and gives up on a 401 that holds any other challenge
// (ENOSYS, "Function not implemented"), so it needs CALLX_SIP_DIGEST_ALGORITHMS=MD5; with it,
// REGISTER and INVITE authenticate. It follows the 302 by putting the whole Contact URI, its
// `?P-Asserted-Identity=…&Identity=…` included, in the next INVITE's Request-URI (docs/trust.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type ClientStack, fields, requestUri, startClientStack } from './clients.ts';
import { embedded } from './sipp.ts';
import { KIM } from './stack.ts';

const DEST = '+12125551234';
const dirs: string[] = [];
const clients: Client[] = [];

afterAll(async () => {
  for (const c of clients) await c.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** baresip as Kim (`password`), resolving callx.test through the clients' DNS; `dial`: a number to call at start. */
function baresip(stack: ClientStack, opts: { password?: string; dial?: string } = {}): Client {
  const dir = mkdtempSync(join(tmpdir(), 'callx-baresip-'));
  dirs.push(dir);
  const dns = `127.0.0.1:${stack.clientDns.port}`;
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method poll',
      'sip_listen 127.0.0.1:0',
      'sip_trans_def udp',
      `dns_server ${dns}`,
      `dns_fallback ${dns}`,
      'call_local_timeout 10',
      // no sound card: a sine as microphone, /dev/null as speaker
      'audio_source ausine,440',
      'audio_player aufile,/dev/null',
      'audio_alert aufile,/dev/null',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module ausine.so',
      'module aufile.so',
      'module_tmp account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${KIM.username}@callx.test>;auth_pass=${opts.password ?? KIM.password};regint=600;audio_codecs=PCMU\n`,
  );
  const args = ['-f', dir, '-s', ...(opts.dial ? ['-e', `/dial sip:${opts.dial}@callx.test`] : [])];
  const c = new Client('baresip', args, { cwd: dir, timeoutMs: 30_000 });
  clients.push(c);
  return c;
}

/** The SIP messages of baresip's trace (`-s`), colours removed, in order, retransmissions once. */
function trace(output: string): string[] {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  return plain
    .split(/^#\r?\n(?:UDP|TCP) \S+ -> \S+\r?\n/m)
    .slice(1)
    .map((m) => m.replace(/\r?\n/g, '\r\n').split('\r\n\r\n')[0]!)
    .filter((m, i, all) => all.indexOf(m) === i);
}

const startLine = (m: string) => m.split('\r\n', 1)[0]!;

describe('baresip 1.0.0 with MD5 challenges only (CALLX_SIP_DIGEST_ALGORITHMS=MD5)', () => {
  let s: ClientStack;
  beforeAll(async () => {
    s = await startClientStack({ algorithms: 'MD5' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('registers as the member with MD5: 401, then 200 and a binding in the registry', async () => {
    const c = baresip(s);
    await c.until(
      (o) => /kim@callx\.test: \{0\/UDP\/v4\} 200 OK \(callx\) \[1 binding\]/.test(o),
      'registration',
    );
    const msgs = trace(c.output);
    const registers = msgs.filter((m) => startLine(m).startsWith('REGISTER '));
    expect(startLine(registers[0]!)).toBe('REGISTER sip:callx.test SIP/2.0');
    expect(fields(registers[0]!, 'Authorization')).toEqual([]);
    // libre names no algorithm (MD5 by default) and puts the Request-URI in the digest uri
    const [auth] = fields(registers[1]!, 'Authorization');
    expect(auth).toMatch(
      /^Digest username="kim", realm="callx\.test", nonce="[^"]+", uri="sip:callx\.test", response="[0-9a-f]{32}", cnonce="[^"]+", qop=auth, nc=00000001$/,
    );
    const contact = /<([^>]+)>/.exec(fields(registers[1]!, 'Contact')[0]!)![1]!;
    expect((await s.bindings()).map((b) => [b.aor, b.contact])).toEqual([[`sip:kim@callx.test`, contact]]);
    await c.stop();
  });

  it('calls a PSTN number: 401, INVITE with credentials, 302; it follows the redirect with the URI headers in the Request-URI', async () => {
    const c = baresip(s, { dial: DEST });
    // the gateway's 486 ends the call: by then the trace holds the whole exchange
    await c.until((o) => /session closed: 486 Busy Here/.test(o), 'the end of the call');
    const invite = await s.gateway.request(/^INVITE /);
    const msgs = trace(c.output);
    const answers = msgs.filter(
      (m) => / INVITE$/m.test(fields(m, 'CSeq')[0] ?? '') && m.startsWith('SIP/2.0 '),
    );
    const toCallx = msgs.filter((m) => startLine(m) === `INVITE sip:${DEST}@callx.test SIP/2.0`);
    expect(toCallx).toHaveLength(2);
    expect(fields(toCallx[0]!, 'Authorization')).toEqual([]);
    expect(fields(toCallx[1]!, 'Authorization')[0]).toMatch(
      new RegExp(`uri="sip:\\${DEST}@callx\\.test", response="[0-9a-f]{32}"`),
    );
    // callx's two answers, then the gateway's
    expect(answers.map((m) => startLine(m))).toEqual([
      'SIP/2.0 401 Unauthorized',
      'SIP/2.0 302 Moved Temporarily',
      'SIP/2.0 486 Busy Here',
    ]);
    const [contact] = fields(answers[1]!, 'Contact');
    expect(contact).toMatch(new RegExp(`^<sip:\\${DEST}@127\\.0\\.0\\.1:${s.gateway.port};user=phone\\?`));
    expect(embedded(contact!, 'P-Asserted-Identity')).toEqual(['"Kim" <tel:+82262006200>']);
    expect(embedded(contact!, 'Identity')[0]).toMatch(/;alg=ES256;ppt=shaken$/);
    // what reaches the gateway: the Contact's URI verbatim as Request-URI (headers and all),
    // no P-Asserted-Identity or Identity header field, and callx's credentials carried along
    expect(requestUri(invite)).toBe(/<([^>]+)>/.exec(contact!)![1]);
    expect(fields(invite, 'P-Asserted-Identity')).toEqual([]);
    expect(fields(invite, 'Identity')).toEqual([]);
    expect(fields(invite, 'Authorization')[0]).toMatch(/realm="callx\.test"/);
    await c.stop();
  });

  it('with a wrong password: refused with 401 each time, then it gives up; nothing bound, nothing routed', async () => {
    const before = s.gateway.received.length;
    const bound = (await s.bindings()).map((b) => b._id);
    const c = baresip(s, { password: 'wrong-password', dial: DEST });
    await c.until(
      (o) =>
        /reg: sip:kim@callx\.test: 401 Unauthorized \(callx\)/.test(o) &&
        /session closed: 401 Unauthorized/.test(o),
      'the refusals',
    );
    const msgs = trace(c.output);
    const of = (method: string) => msgs.filter((m) => (fields(m, 'CSeq')[0] ?? '').endsWith(` ${method}`));
    const wrong = (m: string) => fields(m, 'Warning')[0] === '399 callx "wrong credentials"';
    // INVITE: one try with credentials, its 401, and the call is over
    const invites = of('INVITE');
    expect(invites.map((m) => startLine(m).split(' ')[0]!)).toEqual([
      'INVITE',
      'SIP/2.0',
      'INVITE',
      'SIP/2.0',
    ]);
    expect(fields(invites[2]!, 'Authorization')).toHaveLength(1);
    expect(wrong(invites[3]!)).toBe(true);
    // REGISTER: libre answers each new challenge with new credentials until its loop detection
    // stops at 16 final answers of the same status; every one a 401 for wrong credentials
    const registers = of('REGISTER');
    const sent = registers.filter((m) => startLine(m).startsWith('REGISTER '));
    const answers = registers.filter((m) => startLine(m).startsWith('SIP/2.0 '));
    expect(sent.length).toBe(16);
    expect(answers.length).toBe(16);
    expect(answers.every((m) => startLine(m) === 'SIP/2.0 401 Unauthorized')).toBe(true);
    expect(answers.slice(1).every(wrong)).toBe(true);
    expect((await s.bindings()).map((b) => b._id)).toEqual(bound);
    expect(s.gateway.received.length).toBe(before);
    await c.stop();
  });
});

describe('baresip 1.0.0 with the default challenges (MD5, then SHA-256)', () => {
  let s: ClientStack;
  beforeAll(async () => {
    s = await startClientStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('gives up at the first 401: libre 1.1 refuses a challenge set that holds SHA-256 (ENOSYS)', async () => {
    const c = baresip(s);
    await c.until(
      (o) => /reg: sip:kim@callx\.test: Register: Function not implemented/.test(o),
      'its refusal',
    );
    const registers = trace(c.output).filter((m) => startLine(m).startsWith('REGISTER '));
    expect(registers).toHaveLength(1);
    expect(await s.bindings()).toEqual([]);
    await c.stop();
  });
});
