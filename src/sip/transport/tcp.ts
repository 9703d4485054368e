// SIP over TCP: Content-Length framing, several messages per connection, answers on the same
// connection; limits on connections, message size and idle time.
import net from 'node:net';
import type { Logger } from '#core';
import { salvageRequest } from '../malformed.ts';
import { spec } from '../redirector.ts';
import { buildResponse } from '../response.ts';
import { toTagFor } from '../transactions.ts';
import type { AnswerObserver, Redirector, RequestContext } from '../types.ts';
import { createFramer } from './framing.ts';
import { processMessage } from './process.ts';

export interface TcpOptions {
  addr: string;
  port: number;
  maxMessage: number;
  maxConnections: number;
  idleMs: number;
  /** A connection whose peer does not read its answers is closed past this many queued bytes. */
  maxQueuedBytes: number;
}

export interface TcpTransport {
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly connections: number;
}

export function createTcpTransport(
  opts: TcpOptions,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): TcpTransport {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (sock) => serve(sock));
  server.maxConnections = opts.maxConnections;

  function serve(sock: net.Socket): void {
    sockets.add(sock);
    const ctx: RequestContext = {
      transport: 'tcp',
      remoteAddress: sock.remoteAddress ?? '',
      remotePort: sock.remotePort ?? 0,
    };
    const framer = createFramer(opts.maxMessage);
    let closing = false;
    sock.setTimeout(opts.idleMs, () => sock.destroy());
    const send = (text: string) => {
      if (sock.destroyed || closing) return;
      sock.write(text);
      if (sock.writableLength > opts.maxQueuedBytes) sock.destroy();
    };
    sock.on('data', (chunk) => {
      if (closing) return;
      const t0 = performance.now();
      for (const frame of framer.push(chunk)) {
        if (frame.kind === 'ping') {
          send('\r\n');
        } else if (frame.kind === 'message') {
          processMessage(frame.data, ctx, redirector, log).then(
            (out) => {
              if (!out) return;
              send(out.text);
              observe(out.method, out.status, (performance.now() - t0) / 1000);
            },
            (err) => log.error({ err }, 'sip: tcp message failed'),
          );
        } else {
          // the stream cannot be framed any further: answer what can be addressed, then close
          const salvaged = salvageRequest(frame.head.toString('utf8'));
          if (salvaged) {
            const s = spec(frame.status, toTagFor(salvaged.msg.headers['call-id'] ?? ''), [
              ['Warning', `399 callx "${frame.reason}"`],
            ]);
            send(buildResponse(salvaged.msg, s, salvaged.via, ctx));
            observe(salvaged.msg.method ?? '', frame.status, (performance.now() - t0) / 1000);
          }
          closing = true;
          sock.end();
          break;
        }
      }
    });
    sock.on('error', () => {}); // resets are normal; 'close' follows
    sock.on('close', () => sockets.delete(sock));
  }

  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: opts.port, host: opts.addr, exclusive: true }, () => {
          server.off('error', reject);
          server.on('error', (err) => log.warn({ err: err.message }, 'sip: tcp server error'));
          resolve((server.address() as net.AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    get connections() {
      return sockets.size;
    },
  };
}
