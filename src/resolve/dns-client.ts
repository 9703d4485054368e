// A small stub-resolver client: one question per query, UDP with a TCP retry when the answer is
// truncated (RFC 1035 §4.2, RFC 7766), bounded timeouts and tries. node:dns cannot be used: its
// resolveNaptr gives neither TTLs nor the SOA of a negative answer, and the cache needs both.
// Messages are built and read with callx's own wire code (wire.ts explains why not dns2's).
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { type DecodedResponse, decodeResponse, encodeQuery } from './wire.ts';

export interface Resolver {
  host: string;
  port: number;
}

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  [field: string]: unknown;
}

export interface DnsResponse {
  rcode: number;
  aa: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  /** Which resolver answered, host:port, and over which transport. */
  server: string;
  transport: 'udp' | 'tcp';
}

export class DnsError extends Error {
  override name = 'DnsError';
}
/** No answer from any resolver within the tries. */
export class DnsTimeoutError extends DnsError {
  override name = 'DnsTimeoutError';
}
/** Too many queries already waiting for an answer: refused at once instead of queued. */
export class DnsOverloadError extends DnsError {
  override name = 'DnsOverloadError';
}

export interface DnsClientOptions {
  resolvers: Resolver[];
  timeoutMs: number;
  tries: number;
  /**
   * Most queries waiting for an answer at once (default 10,000). When DNS is slow or down and
   * calls keep coming, each would otherwise hold its pending state for tries x timeout: past
   * this bound a query fails at once (the call gets 503), so memory stays bounded.
   */
  maxInflight?: number;
}

interface Pending {
  name: string;
  type: number;
  server: Resolver;
  resolve: (r: DnsResponse) => void;
  timer: NodeJS.Timeout;
}

function queryMessage(id: number, name: string, type: number): Buffer {
  return encodeQuery(id, name, type, 1232); // RFC 9715: a payload size that avoids fragmentation
}

function toResponse(p: DecodedResponse, server: Resolver, transport: 'udp' | 'tcp'): DnsResponse {
  return {
    rcode: p.rcode,
    aa: p.aa,
    answers: p.answers,
    authorities: p.authorities,
    server: `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
    transport,
  };
}

const sameName = (a: string, b: string) =>
  a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');

export interface DnsClient {
  query(name: string, type: number): Promise<DnsResponse>;
  /** Queries waiting for an answer now (UDP and TCP). */
  readonly inflight: number;
  close(): void;
}

export function createDnsClient(opts: DnsClientOptions): DnsClient {
  if (opts.resolvers.length === 0) throw new DnsError('sip: resolve: no DNS resolvers configured');
  const pending = new Map<number, Pending>();
  const sockets = new Map<4 | 6, dgram.Socket>();
  const maxInflight = Math.min(opts.maxInflight ?? 10_000, 0xffff); // ids are 16 bits
  let tcpInflight = 0;
  let closed = false;

  function socketFor(family: 4 | 6): dgram.Socket {
    let s = sockets.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    s.on('message', (buf, rinfo) => onMessage(buf, rinfo));
    s.on('error', () => {}); // ICMP errors surface as timeouts; the socket stays usable
    s.unref();
    sockets.set(family, s);
    return s;
  }

  function onMessage(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (buf.length < 12) return;
    const p = pending.get(buf.readUInt16BE(0));
    if (!p || rinfo.port !== p.server.port) return;
    let packet: DecodedResponse;
    try {
      packet = decodeResponse(buf);
    } catch {
      return; // garbage: keep waiting for the real answer
    }
    const q = packet.question;
    if (!packet.qr || !q || q.type !== p.type || !sameName(q.name, p.name)) return;
    pending.delete(packet.id);
    clearTimeout(p.timer);
    if (packet.tc) {
      tcpInflight++;
      queryTcp(p.name, p.type, p.server, opts.timeoutMs)
        .then(p.resolve, () => p.resolve(timeoutResponse))
        .finally(() => tcpInflight--);
      return;
    }
    p.resolve(toResponse(packet, p.server, 'udp'));
  }

  function newId(): number {
    for (;;) {
      const id = randomInt(0x10000);
      if (!pending.has(id)) return id;
    }
  }

  /** One UDP try; resolves to the response or to `timeoutResponse`. */
  function tryUdp(name: string, type: number, server: Resolver): Promise<DnsResponse> {
    return new Promise((resolve) => {
      const id = newId();
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(timeoutResponse);
      }, opts.timeoutMs);
      pending.set(id, { name, type, server, resolve, timer });
      const sock = socketFor(net.isIPv6(server.host) ? 6 : 4);
      sock.send(queryMessage(id, name, type), server.port, server.host, (err) => {
        if (err && pending.get(id)?.timer === timer) {
          pending.delete(id);
          clearTimeout(timer);
          resolve(timeoutResponse);
        }
      });
    });
  }

  async function query(name: string, type: number): Promise<DnsResponse> {
    if (closed) throw new DnsError('sip: resolve: DNS client closed');
    if (pending.size + tcpInflight >= maxInflight) {
      throw new DnsOverloadError(
        `sip: resolve: ${name} type ${type}: ${maxInflight} queries already waiting`,
      );
    }
    const n = opts.resolvers.length;
    let lastFailure = '';
    let answered = false;
    for (let attempt = 0; attempt < opts.tries * n; attempt++) {
      const server = opts.resolvers[attempt % n]!;
      const r = await tryUdp(name, type, server);
      if (r === timeoutResponse) {
        lastFailure = `no answer from ${server.host}:${server.port} within ${opts.timeoutMs} ms`;
        continue;
      }
      // SERVFAIL, REFUSED, NOTIMP, FORMERR: this server cannot answer; another may.
      if (r.rcode !== 0 && r.rcode !== 3) {
        lastFailure = `${server.host}:${server.port} answered rcode ${r.rcode}`;
        answered = true;
        continue;
      }
      return r;
    }
    const why = `sip: resolve: ${name} type ${type}: ${lastFailure}`;
    // silence everywhere is a timeout; a server that said it cannot answer is an error
    throw answered ? new DnsError(why) : new DnsTimeoutError(why);
  }

  return {
    query,
    get inflight() {
      return pending.size + tcpInflight;
    },
    close() {
      closed = true;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.resolve(timeoutResponse);
      }
      pending.clear();
      for (const s of sockets.values()) s.close();
      sockets.clear();
    },
  };
}

const timeoutResponse: DnsResponse = {
  rcode: -1,
  aa: false,
  answers: [],
  authorities: [],
  server: '',
  transport: 'udp',
};

/** One query over TCP (RFC 7766), used when a UDP answer came back truncated. */
export function queryTcp(
  name: string,
  type: number,
  server: Resolver,
  timeoutMs: number,
): Promise<DnsResponse> {
  return new Promise((resolve, reject) => {
    const id = randomInt(0x10000);
    const msg = queryMessage(id, name, type);
    const sock = net.connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, r?: DnsResponse) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(r!);
    };
    const timer = setTimeout(
      () =>
        done(new DnsTimeoutError(`sip: resolve: ${name}: no TCP answer from ${server.host}:${server.port}`)),
      timeoutMs,
    );
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([len, msg]));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      try {
        const p = decodeResponse(buf.subarray(2, 2 + len));
        if (p.id !== id) throw new DnsError('answer with another id');
        done(null, toResponse(p, server, 'tcp'));
      } catch (err) {
        done(
          new DnsError(
            `sip: resolve: ${name}: bad TCP answer from ${server.host}: ${(err as Error).message}`,
          ),
        );
      }
    });
    sock.on('error', (err) =>
      done(new DnsError(`sip: resolve: ${name}: TCP ${server.host}:${server.port}: ${err.message}`)),
    );
  });
}
