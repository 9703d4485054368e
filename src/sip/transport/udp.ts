// SIP over UDP (RFC 3261 §18): answers go to the top Via's address as §18.2.2 and RFC 3581 say.
import dgram from 'node:dgram';
import net from 'node:net';
import { createLogLimiter, type Logger } from '#core';
import { buildResponse, udpDestination } from '../response.ts';
import type { AnswerObserver, Redirector } from '../types.ts';

export interface UdpOptions {
  addr: string;
  port: number;
  maxMessage: number;
  /** Socket receive buffer, bytes: a burst of requests must not overflow it. */
  recvBufferSize: number;
}

export interface UdpTransport {
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly stats: { received: number; unanswered: number; sent: number };
}

export function createUdpTransport(
  opts: UdpOptions,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): UdpTransport {
  const socket = dgram.createSocket({ type: net.isIPv6(opts.addr) ? 'udp6' : 'udp4', reuseAddr: false });
  const stats = { received: 0, unanswered: 0, sent: 0 };
  const limiter = createLogLimiter(log);

  socket.on('message', (buf, rinfo) => {
    const t0 = performance.now();
    stats.received++;
    if (buf.length > opts.maxMessage) {
      stats.unanswered++;
      return;
    }
    const ctx = { transport: 'udp' as const, remoteAddress: rinfo.address, remotePort: rinfo.port };
    redirector.process({ raw: buf, ctx, datagram: true }).then(
      (out) => {
        if (!out) {
          stats.unanswered++;
          return;
        }
        const dest = udpDestination(out.via, ctx);
        // no callback: a send error surfaces as the socket's 'error' event (logged below)
        socket.send(buildResponse(out.request, out.spec, out.via, ctx), dest.port, dest.address);
        stats.sent++;
        observe(out.method, out.spec.status, (performance.now() - t0) / 1000);
      },
      (err) => {
        stats.unanswered++;
        limiter.log('error', 'failed', { err }, 'sip: udp message failed');
      },
    );
  });
  // a send to an unreachable address fails per datagram: one line per kind and window
  socket.on('error', (err) =>
    limiter.log(
      'warn',
      `socket:${(err as NodeJS.ErrnoException).code ?? ''}`,
      { err: err.message },
      'sip: udp socket error',
    ),
  );

  return {
    start: () =>
      new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(opts.port, opts.addr, () => {
          socket.off('error', reject);
          try {
            socket.setRecvBufferSize(opts.recvBufferSize);
            socket.setSendBufferSize(opts.recvBufferSize);
          } catch (err) {
            log.warn({ err: (err as Error).message }, 'sip: udp buffer size not applied');
          }
          resolve(socket.address().port);
        });
      }),
    stop: () =>
      new Promise((resolve) =>
        socket.close(() => {
          limiter.flush();
          resolve();
        }),
      ),
    stats,
  };
}
