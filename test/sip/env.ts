// Test environment for the SIP redirector: a real callx DNS server serving test/sip/zones, a
// redirector resolving through it, and small SIP clients over real sockets.
import dgram from 'node:dgram';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDnsServer, type DnsServer } from '#dns';
import { createSipService, type SipService, type SipServiceDeps } from '#sip';
import { loadConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/log.ts';

export const ZONES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'zones');

export async function startDns(zonesDir = ZONES_DIR, cacheEntries?: number): Promise<DnsServer> {
  const dns = createDnsServer({
    config: { addr: '127.0.0.1', port: 0, tcpIdleMs: 5000 },
    logger: silentLogger,
    zonesDir,
    ...(cacheEntries !== undefined ? { cacheEntries } : {}),
  });
  await dns.start();
  return dns;
}

/**
 * A config as `callx serve` would read it, pointing at the test DNS server. The test clients on
 * loopback are a trusted peer (a softswitch of ours, CALLX_SIP_TRUSTED), so suites about routing
 * reach every destination; the trust suites (test/trust) set CALLX_SIP_TRUSTED themselves ('' for
 * nobody).
 */
export function sipConfig(dnsPort: number, env: Record<string, string> = {}) {
  return loadConfig({
    CALLX_SIP_TRUSTED: '127.0.0.0/8,::1',
    CALLX_APEX: 'callx.test',
    CALLX_SIP_ADDR: '127.0.0.1',
    CALLX_SIP_PORT: '0',
    CALLX_SIP_RESOLVERS: `127.0.0.1:${dnsPort}`,
    CALLX_ENUM_SUFFIXES: 'e164.partner.test',
    CALLX_SIP_OWNED_RANGES: '8270',
    CALLX_DEFAULT_COUNTRY: 'KR',
    CALLX_SIP_DNS_TIMEOUT_MS: '300',
    CALLX_SIP_DNS_TRIES: '2',
    ...env,
  });
}

export async function startSip(
  dnsPort: number,
  env: Record<string, string> = {},
  extra: Partial<SipServiceDeps> = {},
): Promise<{ service: SipService; port: number }> {
  const service = createSipService({ config: sipConfig(dnsPort, env), logger: silentLogger, ...extra });
  const port = await service.start();
  return { service, port };
}

let seq = 0;

export interface RequestOptions {
  method?: string;
  uri: string;
  from?: string;
  pai?: string;
  via?: string;
  branch?: string;
  callId?: string;
  cseq?: number;
  maxForwards?: number | string;
  extra?: string[];
  localPort: number;
  transport?: 'UDP' | 'TCP';
}

/** A request as a UA would send it. */
export function request(o: RequestOptions): string {
  const method = o.method ?? 'INVITE';
  const n = ++seq;
  const branch = o.branch ?? `z9hG4bK-test-${process.pid}-${n}`;
  const lines = [
    `${method} ${o.uri} SIP/2.0`,
    o.via ?? `Via: SIP/2.0/${o.transport ?? 'UDP'} 127.0.0.1:${o.localPort};branch=${branch}`,
    `From: ${o.from ?? '<sip:+821099990000@callx.test>'};tag=from-${n}`,
    `To: <${o.uri.replace(/^<|>$/g, '')}>`,
    `Call-ID: ${o.callId ?? `call-${process.pid}-${n}@test`}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    `Max-Forwards: ${o.maxForwards ?? 70}`,
    ...(o.pai ? [`P-Asserted-Identity: ${o.pai}`] : []),
    ...(o.extra ?? []),
    'Content-Length: 0',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A UDP SIP client bound to an ephemeral port. */
export class UdpClient {
  readonly socket = dgram.createSocket('udp4');
  address = '127.0.0.1';
  private readonly queue: string[] = [];
  private waiters: ((m: string) => void)[] = [];
  port = 0;

  /** Binds to `address` (any 127.x.y.z: another source address), 127.0.0.1 by default. */
  async open(address = '127.0.0.1'): Promise<this> {
    this.address = address;
    this.socket.on('message', (buf) => {
      const w = this.waiters.shift();
      if (w) w(buf.toString('utf8'));
      else this.queue.push(buf.toString('utf8'));
    });
    await new Promise<void>((r) => this.socket.bind(0, address, () => r()));
    this.port = this.socket.address().port;
    return this;
  }

  send(port: number, text: string | Buffer): void {
    this.socket.send(text, port, '127.0.0.1');
  }

  /** The next message received, or null after `ms`. */
  next(ms = 5000): Promise<string | null> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    return new Promise((resolve) => {
      const w = (m: string) => {
        clearTimeout(t);
        resolve(m);
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(null);
      }, ms);
      this.waiters.push(w);
    });
  }

  async ask(port: number, text: string, ms = 5000): Promise<string> {
    this.send(port, text);
    const r = await this.next(ms);
    if (r === null) throw new Error(`no answer within ${ms} ms to:\n${text}`);
    return r;
  }

  close(): void {
    this.socket.close();
  }
}

/** A TCP SIP client: writes bytes, reads whole responses (Content-Length framing). */
export class TcpClient {
  socket!: net.Socket;
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;
  /** CRLF pongs skipped by `next()` between messages. */
  pongs = 0;

  /** Connects to 127.0.0.1:port, from `localAddress` when given (any 127.x.y.z: another source address). */
  async open(port: number, localAddress?: string): Promise<this> {
    this.socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('error', () => {});
    await new Promise<void>((r, j) => {
      this.socket.once('connect', () => r());
      this.socket.once('error', j);
    });
    return this;
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The next complete message (or raw data such as a CRLF pong when `raw`), or null after `ms`. */
  async next(ms = 5000, raw = false): Promise<string | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (raw && this.buf.length > 0) {
        const b = this.buf;
        this.buf = '';
        return b;
      }
      // CRLF pongs (RFC 5626 §4.4.1) come between messages: counted, never part of one
      const lead = /^(?:\r\n)+/.exec(this.buf)?.[0].length ?? 0;
      if (lead > 0) {
        this.pongs += lead / 2;
        this.buf = this.buf.slice(lead);
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const cl = Number(/\r\nContent-Length:\s*(\d+)/i.exec(this.buf.slice(0, end))?.[1] ?? 0);
        if (this.buf.length >= end + 4 + cl) {
          const m = this.buf.slice(0, end + 4 + cl);
          this.buf = this.buf.slice(end + 4 + cl);
          return m;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return null;
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
    this.socket.destroy();
  }
}

/** Status code of a response text. */
export const status = (msg: string | null): number => Number(/^SIP\/2\.0 (\d{3})/.exec(msg ?? '')?.[1] ?? 0);

/** All values of a header (each line; comma lists left as written). */
export function headers(msg: string, name: string): string[] {
  const head = msg.split('\r\n\r\n', 1)[0]!;
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}
