// The same redirector as a drachtio-srf application: drachtio-server owns the sockets and the
// transaction layer (Via, To tag placement, retransmissions, CANCEL, ACK); every request it hands
// over goes through the same pipeline as the builtin transport's (pipeline.ts), and the answer is
// written back with res.send. What drachtio-server answers by itself is listed in docs/sip.md.
import Srf from 'drachtio-srf';
import { createLogLimiter, type Logger } from '#core';
import type { SipMessage } from '../message.ts';
import { type Reply, SERVER } from '../pipeline.ts';
import { spec } from '../spec.ts';
import type { AnswerObserver, Redirector, RequestContext, SipResponseSpec } from '../types.ts';
import { warning } from '../warning.ts';

/**
 * The methods drachtio-server hands to an application that asks for them (its controller.cpp,
 * processMessageStatelessly). Without a route for a method it answers that method 503 itself
 * ("No providers available"), so each one is registered. It answers CANCEL (200, and 487 to
 * the INVITE), BYE and UPDATE (481) itself and drops every other method.
 */
export const DRACHTIO_ROUTED_METHODS = [
  'invite',
  'register',
  'message',
  'options',
  'info',
  'notify',
  'subscribe',
  'publish',
] as const;

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
  msg: { headers: Record<string, string> };
  send(status: number, reason: string, opts: { headers: Record<string, string> }): void;
  readonly finalResponseSent: boolean;
}

/**
 * The decision's headers as drachtio-srf's `res.send` takes them: an object, one entry per name.
 * drachtio-server reads its application's headers line by line, so a repeated header goes on
 * lines of its own (`a\r\nName: b`): two WWW-Authenticate challenges must never be comma-joined
 * (RFC 3261 §7.3.1). No value of ours holds a CR or LF (pipeline.ts, seal). The To tag travels in
 * a `To` option carrying `tag=`, as drachtio-srf expects (without one drachtio-server picks its own).
 */
export function drachtioHeaders(s: SipResponseSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of s.headers)
    out[name] = out[name] === undefined ? value : `${out[name]}\r\n${name}: ${value}`;
  if (s.toTag) out.To = `tag=${s.toTag}`;
  return out;
}

// drachtio-srf's Response starts as a copy of the request's Call-ID, CSeq, From and To and writes
// them into the message it sends drachtio-server. drachtio-server ignores their values (it copies
// its own parse of the request) but splits lines at any CR or LF, so a bare LF in a request's From
// would put the rest of that line into our answer as a header of its own: cut them there.
const COPIED = ['call-id', 'cseq', 'from', 'to'];
const LINE_BREAK = /[\r\n]/;

/**
 * Requests no answer may be given to through drachtio-server, and why (null: answer it).
 *
 * - 'crash': drachtio-server 9c2dd4cb6a crashes (SIGSEGV, found by fuzzing) when an application
 *   answers an INVITE or SUBSCRIBE received over UDP whose Contact URI has no host (`Contact: *`,
 *   `<tel:+1...>`): its UDP NAT check (sip-dialog.cpp) compares the source address with that
 *   missing host. Such a request is malformed (RFC 3261 §8.1.1.8), and unanswered it crashes
 *   nothing: drachtio-server drops it after 64 s. (drachtio-server started with
 *   --disable-nat-detection, as docker/compose.yaml does, does not crash either.)
 * - 'echo': drachtio-server copies the request's Via into the answer as its SIP stack read it,
 *   CR, LF or NUL included; callx never answers such a request (the builtin transport answers
 *   400 with the Via cut at the line break, which drachtio-server cannot be told to do).
 */
export function unanswerable(msg: SipMessage, ctx: RequestContext): 'crash' | 'echo' | null {
  // the headers as drachtio-server's SIP stack reads them: any CR or LF ends a line there
  const raw = msg.raw ?? '';
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  if (ODD_VIA.test(head)) return 'echo';
  if (ctx.transport !== 'udp' || (msg.method !== 'INVITE' && msg.method !== 'SUBSCRIBE')) return null;
  const m = CONTACT_LINE.exec(head);
  if (!m) return null;
  const uri = /^(?:[^<]*<)?\s*([^>;\s,]*)/.exec(m[1]!.trim())?.[1] ?? '';
  return /^sips?:(?:[^@]*@)?[^@;?:>\s]+/i.test(uri) ? null : 'crash';
}

const CONTACT_LINE = /(?:^|[\r\n])(?:contact|m)[ \t]*:[ \t]*([^\r\n]*)/i;
// a Via line (CRLF-delimited) holding a bare CR, a bare LF or NUL
const ODD_VIA = /(?:^|\r\n)(?:via|v)[ \t]*:[^\n]*?(?:\r(?!\n)|[\x00]|(?<!\r)\n)/i;

/** Answers one request that drachtio-server handed to the application. */
export async function handleDrachtioRequest(
  req: DrachtioRequest,
  res: DrachtioResponse,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
  onUnanswerable: (req: DrachtioRequest, why: 'crash' | 'echo') => void = () => {},
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
    // drachtio-server has answered the CANCEL (200) and the INVITE (487) itself: count them
    cancelled = true;
    const seconds = (performance.now() - t0) / 1000;
    observe('CANCEL', 200, 0);
    observe('INVITE', 487, seconds);
  });
  const why = unanswerable(req.msg, ctx);
  if (why) {
    onUnanswerable(req, why);
    return;
  }
  let out: Reply | null;
  try {
    out = await redirector.process({ raw: req.msg.raw ?? '', ctx, parsed: req.msg });
  } catch (err) {
    log.error({ err }, 'sip: drachtio request failed');
    out = null;
  }
  if (cancelled || res.finalResponseSent) return;
  // drachtio-server waits for an answer to every request it hands over, and addresses it from its
  // own parse: a request the pipeline could not address (a control character in a copied header)
  // still gets its 400 here.
  const s = out?.spec ?? spec(400, '', [warning('malformed message'), ['Server', SERVER]]);
  for (const n of COPIED) {
    const v = res.msg.headers[n];
    if (v !== undefined && LINE_BREAK.test(v)) res.msg.headers[n] = v.split(LINE_BREAK, 1)[0]!;
  }
  res.send(s.status, s.reason, { headers: drachtioHeaders(s) });
  observe(out?.method ?? req.method, s.status, (performance.now() - t0) / 1000);
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

/** The connection to drachtio-server, for /readyz and metrics. */
export interface DrachtioHealth {
  /** Authenticated, with the routes for every method sent. */
  connected: boolean;
  /** Times the connection was (re-)established since start. */
  connects: number;
  /** Times it was lost. */
  disconnects: number;
  /** Requests left unanswered because answering them would crash drachtio-server or echo a control character (unanswerable()). */
  unanswered: number;
}

export interface DrachtioTransport {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly connected: boolean;
  health(): DrachtioHealth;
}

/** Connects to drachtio-server as an inbound application; drachtio-srf reconnects when it restarts. */
export function createDrachtioTransport(
  opts: DrachtioOptions,
  redirector: Redirector,
  log: Logger,
  observe: AnswerObserver = () => {},
): DrachtioTransport {
  const srf = new Srf();
  const limiter = createLogLimiter(log);
  const state: DrachtioHealth = { connected: false, connects: 0, disconnects: 0, unanswered: 0 };
  const where = `${opts.host}:${opts.port}`;
  const lost = () => {
    if (!state.connected) return;
    state.connected = false;
    state.disconnects++;
    log.warn({ drachtio: where }, `sip: drachtio: connection to ${where} lost, reconnecting`);
  };
  const onUnanswerable = (req: DrachtioRequest, why: 'crash' | 'echo') => {
    state.unanswered++;
    limiter.log(
      'warn',
      `unanswerable:${why}`,
      { method: req.method, from: `${req.source_address}:${req.source_port}` },
      why === 'crash'
        ? `sip: drachtio: ${req.method} with a Contact without host left unanswered (answering it crashes drachtio-server)`
        : `sip: drachtio: ${req.method} with a control character in its Via left unanswered (drachtio-server would echo it)`,
    );
  };
  const handler = (req: unknown, res: unknown) => {
    void handleDrachtioRequest(
      req as DrachtioRequest,
      res as DrachtioResponse,
      redirector,
      log,
      observe,
      onUnanswerable,
    );
  };
  const app = srf as unknown as { use(method: string, fn: typeof handler): void };
  for (const m of DRACHTIO_ROUTED_METHODS) app.use(m, handler);
  srf.on('connect', (err: Error | null, hostport: string) => {
    if (err) {
      limiter.log('error', 'refused', { err: err.message }, `sip: drachtio: ${where} refused the connection`);
      return;
    }
    state.connected = true;
    state.connects++;
    log.info({ hostport, drachtio: where }, `sip: drachtio: connected to ${where}`);
  });
  srf.on('error', (err: Error) => {
    lost();
    limiter.log('warn', 'error', { err: err.message }, `sip: drachtio: connection to ${where} failed`);
  });
  const events = srf as unknown as { on(e: string, l: (x: unknown) => void): void };
  events.on('close', () => lost());
  events.on('reconnecting', () => lost());
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
      state.connected = false;
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
      limiter.flush();
    },
    get connected() {
      return state.connected;
    },
    health: () => ({ ...state }),
  };
}
