// TCP transport (RFC 1035 §4.2.2, RFC 7766): length-prefixed messages, several per connection,
// answered in order. Bounded: connections, bytes buffered per connection, and an idle timer
// that only a complete query re-arms (a slow partial message cannot hold a connection open).
import net from 'node:net';
import type { Logger } from '../../log.ts';
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

function serve(sock: net.Socket, handler: Handler, opts: TcpOptions, log: Logger): void {
  let buf: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => sock.destroy(), opts.idleMs);
  };
  arm();
  sock.setNoDelay(true);
  sock.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      arm();
      let out: Buffer | null = null;
      try {
        out = handler.handle(msg, true);
      } catch (err) {
        log.error({ err }, 'dns: tcp: query failed');
      }
      if (out) {
        const frame = Buffer.allocUnsafe(2 + out.length);
        frame.writeUInt16BE(out.length, 0);
        out.copy(frame, 2);
        // a client that does not read its answers stops being read (bounded memory)
        if (!sock.write(frame)) {
          sock.pause();
          sock.once('drain', () => sock.resume());
        }
      } else if (len < 12) {
        sock.destroy(); // garbage framing: nothing sensible can follow
        return;
      }
    }
    if (buf.length > MAX_BUFFERED) sock.destroy();
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
