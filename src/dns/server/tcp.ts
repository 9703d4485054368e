// TCP transport (RFC 1035 §4.2.2, RFC 7766): length-prefixed messages, several per connection,
// answered in order; a zone transfer streams its messages and the queries behind it wait.
// Bounded: connections, bytes buffered per connection, an idle timer that only a complete query
// re-arms (a slow partial message cannot hold a connection open), a stalled transfer is cut.
import net from 'node:net';
import type { Logger } from '#core';
import { type HandlerResult, isJob, type XfrJob } from '../xfr/service.ts';
import type { Handler } from './handler.ts';

export interface TcpOptions {
  idleMs: number;
  maxConnections: number;
}

export interface TcpServer {
  server: net.Server;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

const MAX_BUFFERED = 2 + 65535;
/** A transfer whose client stops reading for this long is cut off. */
const XFR_STALL_MS = 30_000;

function frameOf(out: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(2 + out.length);
  frame.writeUInt16BE(out.length, 0);
  out.copy(frame, 2);
  return frame;
}

function serve(sock: net.Socket, handler: Handler, opts: TcpOptions, log: Logger): void {
  let buf: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout;
  /** A transfer is streaming: later queries wait in `buf` (answered in order afterwards). */
  let busy = false;
  const remote = sock.remoteAddress ?? '';
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => sock.destroy(), opts.idleMs);
  };
  arm();
  sock.setNoDelay(true);

  /** Resolves when the socket can take more, rejects when it closes or stalls. */
  const writable = () =>
    new Promise<void>((resolve, reject) => {
      const stall = setTimeout(() => done(new Error('client stopped reading')), XFR_STALL_MS);
      const done = (err?: Error) => {
        clearTimeout(stall);
        sock.off('drain', ok);
        sock.off('close', closed);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      const closed = () => done(new Error('connection closed'));
      sock.on('drain', ok);
      sock.on('close', closed);
    });

  async function stream(job: XfrJob): Promise<void> {
    busy = true;
    clearTimeout(timer);
    try {
      await job.run(async (m) => {
        if (sock.destroyed) throw new Error('connection closed');
        if (!sock.write(frameOf(m))) await writable();
        // let UDP queries and other connections in between the messages of a big zone
        else await new Promise<void>((r) => setImmediate(r));
      });
    } catch {
      sock.destroy();
      return;
    }
    busy = false;
    arm();
    pump();
  }

  function pump(): void {
    while (!busy && buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      arm();
      let out: HandlerResult = null;
      try {
        out = handler.handleTcp(msg, remote);
      } catch (err) {
        log.error({ err }, 'dns: tcp: query failed');
      }
      if (out && isJob(out)) {
        if (sock.destroyed) out.cancel();
        else void stream(out);
        return;
      }
      if (out) {
        // a client that does not read its answers stops being read (bounded memory)
        if (!sock.write(frameOf(out))) {
          sock.pause();
          sock.once('drain', () => sock.resume());
        }
      } else if (len < 12) {
        sock.destroy(); // garbage framing: nothing sensible can follow
        return;
      }
    }
    if (buf.length > MAX_BUFFERED) sock.destroy();
  }

  sock.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    if (busy) {
      if (buf.length > MAX_BUFFERED) sock.destroy();
      return;
    }
    pump();
  });
  sock.on('error', () => {});
  sock.on('close', () => clearTimeout(timer));
}

export function startTcp(
  addr: string,
  port: number,
  handler: Handler,
  opts: TcpOptions,
  log: Logger,
): Promise<TcpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    serve(sock, handler, opts, log);
  });
  server.maxConnections = opts.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: addr, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', (err) => log.warn({ err }, 'dns: tcp server error'));
      const a = server.address() as net.AddressInfo;
      resolve({
        server,
        port: a.port,
        connections: () => sockets.size,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
