// SIP over TCP: Content-Length framing, several messages per connection, answers on the same
// connection; limits on message size, connections per source address and in all, and idle time.
//
// Idle means "no complete message": bytes of an unfinished message and keep-alive pings do not
// count, so a peer that trickles a byte now and then cannot hold a connection longer than idleMs.
// When every connection is taken, a new client is not refused: the connection idle the longest
// is closed for it. With the per-source limit, a few addresses can no longer shut everyone out.
import net from 'node:net';
import { createLogLimiter, type Logger } from '#core';
import { buildResponse } from '../response.ts';
import type { AnswerObserver, Redirector, RequestContext } from '../types.ts';
import { createFramer } from './framing.ts';

export interface TcpOptions {
  addr: string;
  port: number;
  maxMessage: number;
  maxConnections: number;
  /** Connections from one source address at once; more are refused. */
  maxPerSource: number;
  /** A connection without a complete message for this long is closed. */
  idleMs: number;
  /** A connection whose peer does not read its answers is closed past this many queued bytes. */
  maxQueuedBytes: number;
}

export interface TcpTransport {
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly connections: number;
  /** Connections refused (per-source limit) and closed for a new client or for idleness. */
  readonly stats: { refused: number; evicted: number; idleClosed: number };
}

interface Conn {
  sock: net.Socket;
  source: string;
  /** performance.now() of the last complete message (or of the connection). */
  lastMessage: number;
}

export function createTcpTransport(
  opts: TcpOptions,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): TcpTransport {
  const conns = new Set<Conn>();
  const perSource = new Map<string, number>();
  const stats = { refused: 0, evicted: 0, idleClosed: 0 };
  const limiter = createLogLimiter(log);
  const server = net.createServer({ noDelay: true }, (sock) => accept(sock));
  let idleTimer: NodeJS.Timeout | undefined;

  function accept(sock: net.Socket): void {
    const source = sock.remoteAddress ?? '';
    const mine = perSource.get(source) ?? 0;
    if (mine >= opts.maxPerSource) {
      stats.refused++;
      limiter.log(
        'warn',
        `per-source:${source}`,
        { source },
        'sip: tcp: too many connections from one address',
      );
      sock.destroy();
      return;
    }
    if (conns.size >= opts.maxConnections) evictIdlest();
    perSource.set(source, mine + 1);
    const conn: Conn = { sock, source, lastMessage: performance.now() };
    conns.add(conn);
    serve(conn);
  }

  /** Makes room for a new client: the connection without a message for the longest goes. */
  function evictIdlest(): void {
    let idlest: Conn | undefined;
    for (const c of conns) if (!idlest || c.lastMessage < idlest.lastMessage) idlest = c;
    if (!idlest) return;
    stats.evicted++;
    drop(idlest);
  }

  function drop(c: Conn): void {
    if (!conns.delete(c)) return;
    const n = (perSource.get(c.source) ?? 1) - 1;
    if (n > 0) perSource.set(c.source, n);
    else perSource.delete(c.source);
    c.sock.destroy();
  }

  function closeIdle(): void {
    const t = performance.now();
    for (const c of conns) {
      if (t - c.lastMessage >= opts.idleMs) {
        stats.idleClosed++;
        drop(c);
      }
    }
  }

  function serve(conn: Conn): void {
    const sock = conn.sock;
    const ctx: RequestContext = {
      transport: 'tcp',
      remoteAddress: sock.remoteAddress ?? '',
      remotePort: sock.remotePort ?? 0,
    };
    const framer = createFramer(opts.maxMessage);
    let ended = false; // the stream could not be framed: nothing more is read
    const send = (text: string) => {
      if (sock.destroyed || sock.writableEnded) return;
      sock.write(text);
      if (sock.writableLength > opts.maxQueuedBytes) drop(conn);
    };
    const answer = (input: Parameters<Redirector['process']>[0], t0: number, then?: () => void) => {
      redirector.process(input).then(
        (out) => {
          if (out) {
            send(buildResponse(out.request, out.spec, out.via, ctx));
            observe(out.method, out.spec.status, (performance.now() - t0) / 1000);
          }
          then?.();
        },
        (err) => {
          limiter.log('error', 'tcp-failed', { err }, 'sip: tcp message failed');
          then?.();
        },
      );
    };
    sock.on('data', (chunk) => {
      if (ended) return;
      const t0 = performance.now();
      for (const frame of framer.push(chunk)) {
        if (frame.kind === 'ping') {
          send('\r\n');
        } else if (frame.kind === 'message') {
          conn.lastMessage = t0;
          answer({ raw: frame.data, ctx }, t0);
        } else {
          // the stream cannot be framed any further: answer what can be addressed, then close
          ended = true;
          answer({ raw: frame.head, ctx, refused: { status: frame.status, reason: frame.reason } }, t0, () =>
            sock.end(),
          );
          break;
        }
      }
    });
    sock.on('error', () => {}); // resets are normal; 'close' follows
    sock.on('close', () => drop(conn));
  }

  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: opts.port, host: opts.addr, exclusive: true }, () => {
          server.off('error', reject);
          server.on('error', (err) =>
            limiter.log('warn', 'server', { err: err.message }, 'sip: tcp server error'),
          );
          idleTimer = setInterval(closeIdle, Math.max(50, Math.min(1000, opts.idleMs / 4)));
          idleTimer.unref();
          resolve((server.address() as net.AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        clearInterval(idleTimer);
        limiter.flush();
        for (const c of [...conns]) drop(c);
        server.close(() => resolve());
      }),
    get connections() {
      return conns.size;
    },
    stats,
  };
}
