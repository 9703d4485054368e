// UDP transport: one handler call per datagram, no per-packet closures.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { LogLimiter } from '#core';
import type { Handler } from './handler.ts';

export interface UdpServer {
  socket: dgram.Socket;
  port: number;
  close(): Promise<void>;
}

export function startUdp(addr: string, port: number, handler: Handler, logs: LogLimiter): Promise<UdpServer> {
  const family = isIPv6(addr) ? 6 : 4;
  const socket = dgram.createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    reuseAddr: false,
    // replies go to the address a query came from (always an IP): answering the lookup at once
    // spares dns.lookup's process.nextTick per datagram
    lookup: (
      address: string,
      _opts: unknown,
      cb: (err: Error | null, address: string, family: number) => void,
    ) => cb(null, address, family),
  });
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    let out: Buffer | null;
    try {
      out = handler.handle(msg, false, rinfo.address);
    } catch (err) {
      // never crash on a packet; the limiter writes one line per window and counts the rest
      logs.log('error', 'udp-query-failed', { err, from: rinfo.address }, 'dns: udp: query failed');
      return;
    }
    if (out) socket.send(out, rinfo.port, rinfo.address);
  };
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: addr, port, exclusive: true }, () => {
      socket.off('error', reject);
      socket.on('error', (err) => logs.log('warn', 'udp-socket-error', { err }, 'dns: udp socket error'));
      try {
        socket.setRecvBufferSize(8 * 1024 * 1024);
        socket.setSendBufferSize(4 * 1024 * 1024);
      } catch {
        // limited by net.core.rmem_max; the default still works
      }
      socket.on('message', onMessage);
      resolve({
        socket,
        port: socket.address().port,
        close: () => new Promise((r) => socket.close(() => r())),
      });
    });
  });
}
