// Issue 9: digest authentication with Linphone: linphonec 5.1.65 (Debian 12's linphone-cli;
// liblinphone 5.1.65, belle-sip 5.1.64), driven over stdin, its log (-d 6) read back. The
// redirector is its proxy and outbound proxy (reg_route). MD5 by default; SHA-256 when its auth
// info says `algorithm=SHA-256`, answering the second challenge. It does not complete a call
// through callx's 302: belle-sip copies the Contact URI, headers included, into the new
// request's To header, finds that To malformed and drops the request (docs/trust.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type ClientStack, fields, startClientStack } from './clients.ts';
import { KIM } from './stack.ts';

const DEST = '+12125551234';
const dirs: string[] = [];
const clients: Client[] = [];

afterAll(async () => {
  for (const c of clients) await c.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** linphonec as Kim, registering at the redirector; `algorithm` of its auth info when given. */
function linphonec(s: ClientStack, opts: { password?: string; algorithm?: 'SHA-256' } = {}): Client {
  const home = mkdtempSync(join(tmpdir(), 'callx-linphone-'));
  dirs.push(home);
  // liblinphone stays in its start-up state without a directory for its database
  mkdirSync(join(home, '.local', 'share', 'linphone'), { recursive: true });
  const proxy = `sip:127.0.0.1:${s.trust.sipPort}`;
  const rc = join(home, 'linphonerc');
  writeFileSync(
    rc,
    [
      '[sip]',
      'sip_port=-1',
      'sip_tcp_port=0',
      'sip_tls_port=0',
      'default_proxy=0',
      '[rtp]',
      'audio_rtp_port=-1',
      'video_rtp_port=-1',
      '[auth_info_0]',
      `username=${KIM.username}`,
      'realm=callx.test',
      `passwd=${opts.password ?? KIM.password}`,
      ...(opts.algorithm ? [`algorithm=${opts.algorithm}`] : []),
      '[proxy_0]',
      `reg_proxy=<${proxy}>`,
      `reg_route=<${proxy};lr>`,
      `reg_identity=sip:${KIM.username}@callx.test`,
      'reg_expires=600',
      'reg_sendregister=1',
      '',
    ].join('\n'),
  );
  const c = new Client('linphonec', ['-c', rc, '-d', '6'], {
    cwd: home,
    env: { ...process.env, HOME: home },
    timeoutMs: 40_000,
  });
  clients.push(c);
  return c;
}

/** The SIP messages in linphonec's log (belle-sip prints each one sent and received). */
function messages(output: string): string[] {
  return [
    ...output.matchAll(/^((?:[A-Z]+ \S+ SIP\/2\.0|SIP\/2\.0 \d{3} [^\n]*)\r?\n(?:[^\n]+\r?\n)*)/gm),
  ].map((m) => m[1]!.replace(/\r?\n/g, '\r\n'));
}

const registered = (o: string) =>
  /for identity \[sip:kim@callx\.test\] moving from state \[LinphoneRegistrationProgress\] to \[LinphoneRegistrationOk\]/.test(
    o,
  );
const startLine = (m: string) => m.split('\r\n', 1)[0]!;

describe('linphonec 5.1.65 with the default challenges (MD5, then SHA-256)', () => {
  let s: ClientStack;
  beforeAll(async () => {
    s = await startClientStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each([
    ['MD5', undefined, /^[0-9a-f]{32}$/],
    ['SHA-256', 'SHA-256', /^[0-9a-f]{64}$/],
  ] as const)('registers as the member with %s: 401, then 200 and a binding', async (alg, algorithm, hex) => {
    const c = linphonec(s, algorithm ? { algorithm } : {});
    await c.until(registered, 'registration', 20_000);
    const registers = messages(c.output).filter((m) => startLine(m).startsWith('REGISTER '));
    const auth = registers.flatMap((m) => fields(m, 'Authorization'))[0]!;
    expect(auth).toMatch(new RegExp(`algorithm=${alg},`));
    expect(auth).toMatch(/uri="sip:callx\.test"/);
    expect(/response="([^"]+)"/.exec(auth)![1]).toMatch(hex);
    expect(startLine(registers[0]!)).toBe('REGISTER sip:callx.test SIP/2.0');
    const contact = /<([^>]+)>/.exec(fields(registers.at(-1)!, 'Contact')[0]!)![1]!;
    expect((await s.bindings()).filter((b) => b.contact === contact).map((b) => b.aor)).toEqual([
      'sip:kim@callx.test',
    ]);
    c.send('quit');
    await c.exit();
  });

  it("calls a PSTN number: 401, INVITE with credentials, 302; belle-sip drops the redirected INVITE (the Contact's headers in its To)", async () => {
    const before = s.gateway.received.length;
    const c = linphonec(s);
    await c.until(registered, 'registration', 20_000);
    c.send(`call sip:${DEST}@callx.test`);
    await c.until(
      (o) =>
        /Malformed header \[To: <sip:\+12125551234@127\.0\.0\.1;user=phone\?P-Asserted-Identity=/.test(o),
      'the redirect',
    );
    const msgs = messages(c.output);
    const invites = msgs.filter((m) => startLine(m) === `INVITE sip:${DEST}@callx.test SIP/2.0`);
    expect(invites.map((m) => fields(m, 'Authorization').length)).toEqual([0, 1]);
    expect(fields(invites[1]!, 'Authorization')[0]).toMatch(new RegExp(`uri="sip:\\${DEST}@callx\\.test"`));
    const answers = msgs.filter(
      (m) => (fields(m, 'CSeq')[0] ?? '').endsWith(' INVITE') && m.startsWith('SIP/2.0 '),
    );
    expect(answers.map(startLine)).toEqual(['SIP/2.0 401 Unauthorized', 'SIP/2.0 302 Moved Temporarily']);
    expect(fields(answers[1]!, 'Contact')[0]).toMatch(/\?P-Asserted-Identity=.*&Identity=/);
    expect(c.output).toMatch(
      /Uri component \[headers\] does not follow reqs \[not allowed\] for context \[Header To\]/,
    );
    // no INVITE after the 302: not to the redirector, not to the gateway
    expect(msgs.filter((m) => startLine(m).startsWith('INVITE '))).toHaveLength(2);
    expect(s.gateway.received.length).toBe(before);
    c.send('quit');
    await c.exit();
  });

  it('with a wrong password: 401 again, the registration fails and it asks its user; nothing bound', async () => {
    const bound = (await s.bindings()).length;
    const c = linphonec(s, { password: 'wrong-password' });
    await c.until(
      (o) =>
        /for identity \[sip:kim@callx\.test\] moving from state \[LinphoneRegistrationProgress\] to \[LinphoneRegistrationFailed\]/.test(
          o,
        ) && /Password for kim on callx\.test:/.test(o),
      'the refusal',
      20_000,
    );
    const answers = messages(c.output).filter(
      (m) => (fields(m, 'CSeq')[0] ?? '').endsWith(' REGISTER') && m.startsWith('SIP/2.0 '),
    );
    expect(answers.map(startLine)).toEqual(['SIP/2.0 401 Unauthorized', 'SIP/2.0 401 Unauthorized']);
    expect(fields(answers[1]!, 'Warning')).toEqual(['399 callx "wrong credentials"']);
    expect((await s.bindings()).length).toBe(bound);
    // it waits at the password prompt: ended by signal
    await c.stop();
  });
});
