// The same redirector as a drachtio-srf application: drachtio-server owns the sockets and the
// transaction layer (Via, To tag, retransmissions, CANCEL, ACK), we answer each request.
import Srf from 'drachtio-srf';
import type { Logger } from '#core';
import type { SipMessage } from '../message.ts';
import type { AnswerObserver, Redirector, RequestContext, SipResponseSpec } from '../types.ts';

/** The parts of drachtio's Request and Response the adapter uses. */
export interface DrachtioRequest {
  msg: SipMessage;
  method: string;
  source_address: string;
  source_port: number;
  protocol: string;
  on(event: 'cancel', listener: () => void): void;
}
export interface DrachtioResponse {
  send(status: number, reason: string, opts: { headers: Record<string, string> }): void;
  readonly finalResponseSent: boolean;
}

/**
 * The decision's headers as drachtio's `res.send` takes them: an object, so repeated names are
 * comma-joined (Contact lists are fine that way; two WWW-Authenticate challenges become one
 * comma-separated value, which drachtio-server passes on as it parses it).
 */
export function drachtioHeaders(s: SipResponseSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of s.headers)
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  out.To = `${'tag='}${s.toTag}`; // drachtio-srf takes the To tag from a `To` option carrying tag=
  return out;
}

/** Answers one request that drachtio-server handed to the application. */
export async function handleDrachtioRequest(
  req: DrachtioRequest,
  res: DrachtioResponse,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): Promise<void> {
  const t0 = performance.now();
  const proto = String(req.protocol ?? 'udp').toLowerCase();
  const ctx: RequestContext = {
    transport: proto === 'tcp' || proto === 'tls' || proto === 'ws' ? proto : 'udp',
    remoteAddress: req.source_address,
    remotePort: Number(req.source_port),
  };
  let cancelled = false;
  req.on('cancel', () => {
    cancelled = true; // drachtio-server has answered the CANCEL and the INVITE (487) itself
  });
  let out: SipResponseSpec | null;
  try {
    out = await redirector.handle(req.msg, ctx);
  } catch (err) {
    log.error({ err }, 'sip: drachtio request failed');
    out = { status: 500, reason: 'Server Internal Error', headers: [], toTag: '' };
  }
  if (!out || cancelled || res.finalResponseSent) return;
  res.send(out.status, out.reason, { headers: drachtioHeaders(out) });
  observe(req.method, out.status, (performance.now() - t0) / 1000);
}

export interface DrachtioOptions {
  host: string;
  port: number;
  secret: string;
  /** Longest wait between reconnection attempts, ms. */
  retryMaxDelayMs: number;
}

interface WireProtocolInternals {
  closing: boolean;
  reconnectVars?: { retryTimer: NodeJS.Timeout | null };
  socket?: { destroy(): void };
}

export interface DrachtioTransport {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly connected: boolean;
}

/** Connects to drachtio-server as an inbound application; drachtio-srf reconnects when it restarts. */
export function createDrachtioTransport(
  opts: DrachtioOptions,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): DrachtioTransport {
  const srf = new Srf();
  let connected = false;
  srf.use((req, res) => {
    void handleDrachtioRequest(
      req as unknown as DrachtioRequest,
      res as unknown as DrachtioResponse,
      redirector,
      log,
      observe,
    );
  });
  srf.on('connect', (err: Error | null, hostport: string) => {
    if (err) {
      log.error({ err: err.message }, 'sip: drachtio: connection refused');
      return;
    }
    connected = true;
    log.info({ hostport }, 'sip: drachtio: connected');
  });
  srf.on('error', (err: Error) => {
    connected = false;
    log.warn({ err: err.message }, 'sip: drachtio: connection error');
  });
  (srf as unknown as { on(e: string, l: (x: unknown) => void): void }).on('reconnecting', (x) => {
    connected = false;
    log.info({ retry: x }, 'sip: drachtio: reconnecting');
  });
  return {
    async start() {
      (srf as unknown as { connect(o: object): void }).connect({
        host: opts.host,
        port: opts.port,
        secret: opts.secret,
        reconnect: { retryMaxDelay: opts.retryMaxDelayMs },
      });
    },
    async stop() {
      connected = false;
      // drachtio-srf's disconnect() throws when no socket is up and leaves a pending retry timer:
      // stop the wire protocol's reconnection ourselves.
      const wp = (srf as unknown as { app?: { client?: { wp?: WireProtocolInternals } } }).app?.client?.wp;
      if (wp) {
        wp.closing = true;
        if (wp.reconnectVars?.retryTimer) clearTimeout(wp.reconnectVars.retryTimer);
        wp.socket?.destroy();
      }
      try {
        srf.disconnect();
      } catch {
        // not connected: nothing to close
      }
    },
    get connected() {
      return connected;
    },
  };
}
