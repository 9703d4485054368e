// TCP transport (RFC 1035 §4.2.2, RFC 7766): length-prefixed messages, several per connection,
// answered in order; a zone transfer streams its messages and the queries behind it wait.
//
// Bounded against clients that hold connections or do not read (docs/dns.md, "Limits"):
// - backpressure: an answer the socket cannot take stops the connection (no further query of
//   it is answered, none is read) until the client has read it; a transfer waits the same way;
// - bytes held for all connections (queries read and not answered, answers not yet taken):
//   past `maxHeldBytes`, the connections that hold bytes and have been quiet the longest are
//   closed first;
// - connections: at most `maxPerSource` per client address (IPv6: per /56), and when all
//   `maxConnections` are taken a new one closes the connection idle the longest (a transfer in
//   progress is never idle), so a new client always gets in;
// - idle timeout: only a complete query counts as activity (a slowly dribbled message does
//   not), and it shrinks as the connections fill up (the full `idleMs` up to half the slots,
//   a tenth of it when all are taken), so a trickle of queries cannot hold a slot under load;
// - a transfer whose client stops reading for 30 s is cut off.
import net, { isIPv4 } from 'node:net';
import type { LogLimiter } from '#core';
import { plainAddress } from '../xfr/acl.ts';
import { type HandlerResult, isJob, type XfrJob } from '../xfr/service.ts';
import type { Handler } from './handler.ts';

export interface TcpOptions {
  idleMs: number;
  maxConnections: number;
  /** Connections per client address (IPv4) or /56 prefix (IPv6). */
  maxPerSource: number;
  /** Bytes held for all connections together. */
  maxHeldBytes: number;
}

export interface TcpStats {
  connections: number;
  /** Bytes held now (as last measured): queries not yet answered, answers not yet taken. */
  heldBytes: number;
  /** Connections refused because their source had its share. */
  refusedPerSource: number;
  /** Idle connections closed to let a new one in. */
  evicted: number;
  /** Connections closed by the idle timeout. */
  idleClosed: number;
  /** Connections closed because all together held too many bytes. */
  overBudget: number;
}

export interface TcpServer {
  server: net.Server;
  port: number;
  connections(): number;
  stats(): TcpStats;
  close(): Promise<void>;
}

/** The largest DNS message plus its length prefix: a longer partial message is garbage. */
const MAX_MESSAGE = 2 + 65535;
/** A transfer whose client stops reading for this long is cut off. */
const XFR_STALL_MS = 30_000;

/**
 * Writes one length-prefixed message; false when the socket's buffer is full. A small message
 * is copied behind its prefix (one write); a big one is written with its prefix in one writev,
 * not copied (a transfer's messages and big answers would otherwise double their garbage).
 */
function writeFrame(sock: net.Socket, out: Buffer): boolean {
  if (out.length <= 4096) {
    const frame = Buffer.allocUnsafe(2 + out.length);
    frame.writeUInt16BE(out.length, 0);
    frame.set(out, 2);
    return sock.write(frame);
  }
  const prefix = Buffer.allocUnsafe(2);
  prefix.writeUInt16BE(out.length, 0);
  sock.cork();
  sock.write(prefix);
  const ok = sock.write(out);
  sock.uncork();
  return ok;
}

/** Whom a connection counts against: the IPv4 address, or the IPv6 /56 (as BIND's rate limits group clients). */
export function sourceOf(address: string): string {
  const a = plainAddress(address);
  if (isIPv4(a)) return a;
  const bare = a.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const g = groups.slice(0, 4).map((x) => Number.parseInt(x || '0', 16) || 0);
  return `${g[0]!.toString(16)}:${g[1]!.toString(16)}:${g[2]!.toString(16)}:${(g[3]! & 0xff00).toString(16)}::/56`;
}

interface Conn {
  sock: net.Socket;
  remote: string;
  source: string;
  /** Input read and not yet answered (complete queries behind a blocked answer, a partial one). */
  buf: Buffer;
  /** Last complete query or transfer end (monotonic ms). */
  last: number;
  /** A transfer is streaming: later queries wait in `buf` (answered in order afterwards). */
  busy: boolean;
  /** An answer waits for the client to read: nothing more is answered or read until 'drain'. */
  blocked: boolean;
  /** Bytes held as last measured. */
  held: number;
  gone: boolean;
}

export function startTcp(
  addr: string,
  port: number,
  handler: Handler,
  opts: TcpOptions,
  logs: LogLimiter,
): Promise<TcpServer> {
  /** Every connection, least recently active first (a query moves it to the end). */
  const conns = new Map<net.Socket, Conn>();
  const perSource = new Map<string, number>();
  const stats = { refusedPerSource: 0, evicted: 0, idleClosed: 0, overBudget: 0 };
  let held = 0;
  const now = () => performance.now();

  function touch(c: Conn): void {
    c.last = now();
    conns.delete(c.sock);
    conns.set(c.sock, c);
  }

  /**
   * Forgets a connection (once) and closes its socket: with a reset when answers are stuck in
   * it (a client that does not read would never take the FIN behind them, and the kernel would
   * keep the socket and its buffers for minutes).
   */
  function drop(c: Conn): void {
    if (c.gone) return;
    c.gone = true;
    conns.delete(c.sock);
    held -= c.held;
    c.held = 0;
    c.buf = Buffer.alloc(0);
    const n = (perSource.get(c.source) ?? 1) - 1;
    if (n <= 0) perSource.delete(c.source);
    else perSource.set(c.source, n);
    if ((c.blocked || c.sock.writableLength > 0) && !c.sock.destroyed) c.sock.resetAndDestroy();
    else c.sock.destroy();
  }

  function measure(c: Conn): number {
    return c.buf.length + c.sock.readableLength + c.sock.writableLength;
  }

  /** Re-measures one connection; past the budget, sheds the quietest holders. */
  function account(c: Conn): void {
    if (c.gone) return;
    const h = measure(c);
    held += h - c.held;
    c.held = h;
    if (held > opts.maxHeldBytes) shed();
  }

  function shed(): void {
    // counts go stale as the kernel takes queued answers: measure everyone before closing anyone
    held = 0;
    for (const c of conns.values()) {
      c.held = measure(c);
      held += c.held;
    }
    for (const c of conns.values()) {
      if (held <= opts.maxHeldBytes) break;
      // a transfer holds at most one message beyond the socket's own buffer (it waits for drain)
      if (c.busy || c.held === 0) continue;
      stats.overBudget++;
      logs.log(
        'warn',
        'tcp-over-budget',
        { from: plainAddress(c.remote), held: c.held },
        `dns: tcp: connections hold more than ${opts.maxHeldBytes} bytes; closed the quietest, from ${plainAddress(c.remote)}`,
      );
      drop(c);
    }
  }

  /** The idle timeout for the current load: full up to half the slots, a tenth when all are taken. */
  function idleNow(): number {
    const load = conns.size / opts.maxConnections;
    if (load <= 0.5) return opts.idleMs;
    return opts.idleMs * Math.max(0.1, 1 - (load - 0.5) * 1.8);
  }

  function sweep(): void {
    const limit = idleNow();
    const t = now();
    for (const c of conns.values()) {
      if (c.busy) continue;
      if (t - c.last < limit) break; // the rest were active more recently
      stats.idleClosed++;
      drop(c);
    }
    // fresh measures now and then, so the total does not drift with answers the kernel took
    held = 0;
    for (const c of conns.values()) {
      c.held = measure(c);
      held += c.held;
    }
  }

  function serve(c: Conn): void {
    const sock = c.sock;

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
      c.busy = true;
      sock.pause();
      try {
        await job.run(async (m) => {
          if (c.gone) throw new Error('connection closed');
          if (!writeFrame(sock, m)) await writable();
          // let UDP queries and other connections in between the messages of a big zone
          else await new Promise<void>((r) => setImmediate(r));
        });
      } catch {
        drop(c);
        return;
      }
      c.busy = false;
      touch(c);
      sock.resume();
      pump();
    }

    function pump(): void {
      while (!c.busy && !c.blocked && !c.gone && c.buf.length >= 2) {
        const len = c.buf.readUInt16BE(0);
        if (c.buf.length < 2 + len) break;
        const msg = c.buf.subarray(2, 2 + len);
        c.buf = c.buf.subarray(2 + len);
        touch(c);
        let out: HandlerResult = null;
        try {
          out = handler.handleTcp(msg, c.remote);
        } catch (err) {
          logs.log(
            'error',
            'tcp-query-failed',
            { err, from: plainAddress(c.remote) },
            'dns: tcp: query failed',
          );
        }
        if (out && isJob(out)) {
          if (c.gone) out.cancel();
          else void stream(out);
          break;
        }
        if (out) {
          // the client must read this answer before the next query is answered (or read)
          if (!writeFrame(sock, out)) {
            c.blocked = true;
            sock.pause();
            sock.once('drain', () => {
              c.blocked = false;
              if (c.gone) return;
              sock.resume();
              pump();
            });
          }
        } else if (len < 12) {
          drop(c); // garbage framing: nothing sensible can follow
          return;
        }
      }
      if (c.buf.length === 0) c.buf = EMPTY;
      // what is left is a partial message, or queries waiting behind an answer or a transfer
      else if (!c.busy && !c.blocked && c.buf.length > MAX_MESSAGE) {
        drop(c);
        return;
      }
      account(c);
    }

    sock.on('data', (chunk: Buffer) => {
      c.buf = c.buf.length === 0 ? chunk : Buffer.concat([c.buf, chunk]);
      if (c.busy || c.blocked) {
        // paused: at most what was already on its way arrives; more than a few messages is abuse
        if (c.buf.length > 4 * MAX_MESSAGE) drop(c);
        else account(c);
        return;
      }
      pump();
    });
    sock.on('error', () => {});
    sock.on('close', () => drop(c));
  }

  const server = net.createServer({ noDelay: true }, (sock) => {
    const remote = sock.remoteAddress;
    if (remote === undefined) {
      sock.destroy();
      return;
    }
    const source = sourceOf(remote);
    const mine = perSource.get(source) ?? 0;
    if (mine >= opts.maxPerSource) {
      stats.refusedPerSource++;
      logs.log(
        'warn',
        'tcp-per-source',
        { from: plainAddress(remote), source },
        `dns: tcp: ${source} already has ${mine} connections (the most one source may hold); refused another`,
      );
      sock.destroy();
      return;
    }
    if (conns.size >= opts.maxConnections) {
      // all slots taken: the connection idle the longest makes room (RFC 7766 §6.2.3)
      for (const c of conns.values()) {
        if (c.busy) continue;
        stats.evicted++;
        logs.log(
          'info',
          'tcp-evicted',
          { from: plainAddress(c.remote) },
          `dns: tcp: all ${opts.maxConnections} connections taken; closed the one idle the longest, from ${plainAddress(c.remote)}`,
        );
        drop(c);
        break;
      }
      if (conns.size >= opts.maxConnections) {
        sock.destroy(); // every slot streams a transfer (cannot happen with maxTransfers below it)
        return;
      }
    }
    perSource.set(source, mine + 1);
    sock.setNoDelay(true);
    const c: Conn = {
      sock,
      remote,
      source,
      buf: EMPTY,
      last: now(),
      busy: false,
      blocked: false,
      held: 0,
      gone: false,
    };
    conns.set(sock, c);
    serve(c);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: addr, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', (err) => logs.log('warn', 'tcp-server-error', { err }, 'dns: tcp server error'));
      const sweeper = setInterval(sweep, Math.max(20, Math.min(1000, Math.floor(opts.idleMs / 10))));
      sweeper.unref();
      const a = server.address() as net.AddressInfo;
      resolve({
        server,
        port: a.port,
        connections: () => conns.size,
        stats: () => ({ connections: conns.size, heldBytes: held, ...stats }),
        close: () =>
          new Promise((r) => {
            clearInterval(sweeper);
            for (const c of [...conns.values()]) drop(c);
            server.close(() => r());
          }),
      });
    });
  });
}

const EMPTY = Buffer.alloc(0);
