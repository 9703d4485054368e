// Real SIP clients (baresip, sipsak, Linphone's linphonec) against the trust stack: the stack
// with the US PSTN gateway pointed at a UDP socket the test owns, a DNS server for the clients
// that leads `sip:callx.test` to the redirector (NAPTR, SRV), and the clients run as child
// processes whose output a test awaits. docs/trust.md, "Clients", says what each one does.
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Binding, COLLECTIONS } from '#core';
import type { DnsServer } from '#dns';
import { peer } from '../helpers/peer.ts';
import { startDns, ZONES_DIR } from '../sip/env.ts';
import { KIM, startTrustStack, type TrustStack } from './stack.ts';

/** The PSTN gateway of +1 numbers: records what reaches it, answers INVITEs 486 (no call is set up). */
export class Gateway {
  readonly socket = dgram.createSocket('udp4');
  port = 0;
  /** Requests received, in order (retransmissions included). */
  readonly received: string[] = [];
  private waiters: (() => void)[] = [];

  async open(): Promise<this> {
    this.socket.on('message', (buf, from) => {
      const text = buf.toString('utf8');
      this.received.push(text);
      for (const w of this.waiters.splice(0)) w();
      if (text.startsWith('INVITE ')) this.socket.send(busy(text), from.port, from.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    this.port = this.socket.address().port;
    return this;
  }

  /** The first request received whose start line matches `re`; rejects after `ms`. */
  async request(re: RegExp, ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find((m) => re.test(m.split('\r\n', 1)[0]!));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`gateway: no request matching ${re} within ${ms} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** A 486 to an INVITE: its Via, From, To (with a tag), Call-ID and CSeq. */
function busy(invite: string): string {
  const lines = invite.split('\r\n');
  const keep = lines.filter((l) => /^(via|v|from|f|call-id|i|cseq)\s*:/i.test(l));
  const to = lines.find((l) => /^(to|t)\s*:/i.test(l)) ?? 'To: <sip:unknown@invalid>';
  return [
    'SIP/2.0 486 Busy Here',
    ...keep,
    /;\s*tag=/i.test(to) ? to : `${to};tag=gw`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

export interface ClientStack {
  trust: TrustStack;
  gateway: Gateway;
  /** The DNS server the clients use: callx.test's NAPTR and SRV lead to the redirector. */
  clientDns: DnsServer;
  /** Kim's live bindings in the registry. */
  bindings(): Promise<Binding[]>;
  stop(): Promise<void>;
}

/**
 * The trust stack (CALLX_SIP_DIGEST_ALGORITHMS from `algorithms` when given) with +1 numbers
 * routed to `sip:+1…@127.0.0.1:<gateway port>`, and a DNS server for the clients.
 */
export async function startClientStack(opts: { algorithms?: string } = {}): Promise<ClientStack> {
  const gateway = await new Gateway().open();
  const zones = mkdtempSync(join(tmpdir(), 'callx-clients-zones-'));
  copyFileSync(join(ZONES_DIR, 'e164.partner.test.zone'), join(zones, 'e164.partner.test.zone'));
  const zone = readFileSync(join(ZONES_DIR, 'callx.test.zone'), 'utf8');
  const pointed = zone.replace('@gw.us.callx.test;', `@127.0.0.1:${gateway.port};`);
  if (pointed === zone) throw new Error('test: test/sip/zones no longer names gw.us.callx.test');
  writeFileSync(join(zones, 'callx.test.zone'), pointed);
  const trust = await startTrustStack({
    zonesDir: zones,
    env: opts.algorithms ? { CALLX_SIP_DIGEST_ALGORITHMS: opts.algorithms } : {},
  });
  const clientZones = mkdtempSync(join(tmpdir(), 'callx-clients-dns-'));
  writeFileSync(
    join(clientZones, 'callx.test.zone'),
    [
      '$ORIGIN callx.test.',
      '$TTL 60',
      '@ IN SOA ns1.callx.test. hostmaster.callx.test. 1 3600 600 604800 60',
      '  IN NS ns1',
      '  IN A 127.0.0.1',
      '  IN NAPTR 10 10 "s" "SIP+D2U" "" _sip._udp',
      'ns1 IN A 127.0.0.1',
      `_sip._udp IN SRV 0 0 ${trust.sipPort} ns1`,
      '',
    ].join('\n'),
  );
  const clientDns = await startDns(clientZones);
  return {
    trust,
    gateway,
    clientDns,
    bindings: () =>
      trust.store
        .collection<Binding>(COLLECTIONS.bindings)
        .find({ memberId: KIM.id, expiresAt: { $gt: Date.now() } }),
    async stop() {
      await clientDns.stop();
      await trust.stop();
      gateway.close();
      rmSync(zones, { recursive: true, force: true });
      rmSync(clientZones, { recursive: true, force: true });
    },
  };
}

/** A client program running as a child process: its output awaited, stopped and reaped. */
export class Client {
  private readonly child: ChildProcess;
  private text = '';
  private waiters: (() => void)[] = [];
  private readonly exited: Promise<number | null>;
  private readonly killer: NodeJS.Timeout;
  readonly binary: string;

  /** Starts `binary` (a peer of test/setup/peers.ts); it is killed after `timeoutMs` whatever happens. */
  constructor(
    binary: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ) {
    this.binary = binary;
    this.child = spawn(peer(binary), args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const take = (d: Buffer) => {
      this.text += d.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.text += `\n(spawn failed: ${err.message})`;
        resolve(null);
      });
      this.child.on('exit', (code) => {
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      });
    });
    this.killer = setTimeout(() => this.child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    void this.exited.then(() => clearTimeout(this.killer));
  }

  /** Everything the client wrote to stdout and stderr so far. */
  get output(): string {
    return this.text;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Writes a line to the client's stdin (a console command). */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /**
   * Resolves when `check` (given the output so far) returns a value, with that value; rejects after
   * `ms` or when the client exits first, showing the output.
   */
  async until<T>(
    check: (output: string) => T | null | undefined | false,
    what: string,
    ms = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = check(this.text);
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0 || !this.running)
        throw new Error(
          `test: ${this.binary}: ${left <= 0 ? `no ${what} within ${ms} ms` : `exited before ${what}`}; output:\n${this.text.slice(-4000)}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Resolves with the exit code (null: killed) once the client has exited on its own. */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** Asks the client to end (SIGTERM; SIGKILL after `graceMs`) and waits for it. */
  async stop(graceMs = 3000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(t);
    }
    return this.exited;
  }
}

/** The header lines named `name` of a SIP message (values; compact forms not included). */
export function fields(msg: string, name: string): string[] {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'gim');
  return [...msg.matchAll(re)].map((m) => m[1]!.replace(/\r$/, ''));
}

/** The Request-URI of a request. */
export const requestUri = (msg: string) => msg.split('\r\n', 1)[0]!.split(' ')[1] ?? '';
