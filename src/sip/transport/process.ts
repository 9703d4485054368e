// What both builtin transports do with one received message: parse it with drachtio's model,
// let the core decide, build the response text. Malformed requests get a 400 when they name
// enough to address one; anything else is dropped.
import type { Logger } from '#core';
import { salvageRequest } from '../malformed.ts';
import { parseSipMessage, SipParseError, type Via } from '../message.ts';
import { spec } from '../redirector.ts';
import { buildResponse, topViaOf } from '../response.ts';
import { toTagFor } from '../transactions.ts';
import type { Redirector, RequestContext } from '../types.ts';

export interface Outgoing {
  text: string;
  via: Via;
  /** The request's method and the answer's status (metrics). */
  method: string;
  status: number;
}

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

function badRequest(raw: string, ctx: RequestContext, reason: string): Outgoing | null {
  const salvaged = salvageRequest(raw);
  if (!salvaged) return null;
  const key = `${salvaged.via.params.get('branch') ?? ''}|${salvaged.msg.headers['call-id']}|${salvaged.msg.headers.cseq}`;
  const safe = reason.replace(/["\\\r\n]/g, ' ').slice(0, 200);
  const s = spec(400, toTagFor(key), [['Warning', `399 callx "${safe}"`]]);
  return {
    text: buildResponse(salvaged.msg, s, salvaged.via, ctx),
    via: salvaged.via,
    method: salvaged.msg.method ?? '',
    status: 400,
  };
}

// Folded lines (CRLF + whitespace) are joined; any other CR, LF or control character left in a
// header the response copies would let a request inject headers into our answer.
const FOLD = /\r\n[ \t]+/g;
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const COPIED = ['via', 'from', 'to', 'call-id', 'cseq'];

function cleanHeaders(msg: { headers: Record<string, string> }): boolean {
  for (const name of COPIED) {
    let v = msg.headers[name];
    if (v === undefined) continue;
    if (v.includes('\r')) {
      v = v.replace(FOLD, ' ');
      msg.headers[name] = v;
    }
    if (CONTROL.test(v)) return false;
  }
  return true;
}

export async function processMessage(
  raw: Buffer,
  ctx: RequestContext,
  redirector: Redirector,
  log: Logger,
): Promise<Outgoing | null> {
  // An ACK is never answered (RFC 3261 §17.2.1: it ends our 3xx-6xx exchange; we send no 2xx):
  // drop it before spending a parse on it. One in every two messages of a call is an ACK.
  if (raw.length > 4 && raw[0] === 0x41 && raw[1] === 0x43 && raw[2] === 0x4b && raw[3] === 0x20) return null;
  const text = raw.toString('utf8');
  if (ctx.transport === 'udp') {
    // RFC 3261 §18.3: a datagram whose Content-Length exceeds its body is malformed
    const end = raw.indexOf('\r\n\r\n');
    const cl = end < 0 ? null : CL_RE.exec(raw.subarray(0, end).toString('latin1'));
    if (cl && Number(cl[1]) > raw.length - end - 4)
      return badRequest(text, ctx, 'Content-Length exceeds the datagram');
  }
  let msg: ReturnType<typeof parseSipMessage>;
  try {
    msg = parseSipMessage(text);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    log.debug({ from: `${ctx.remoteAddress}:${ctx.remotePort}`, err: err.message }, 'sip: malformed message');
    return badRequest(text, ctx, 'malformed message');
  }
  if (msg.type !== 'request') return null;
  if (!cleanHeaders(msg)) return badRequest(text, ctx, 'control characters in a header');
  const via = topViaOf(msg);
  if (!via) return null;
  let res: Awaited<ReturnType<Redirector['handle']>>;
  try {
    res = await redirector.handle(msg, ctx);
  } catch (err) {
    // drachtio's lazily parsed headers can throw on odd input; answer 400, never crash
    log.debug({ err: (err as Error).message }, 'sip: request could not be handled');
    return badRequest(text, ctx, 'malformed message');
  }
  if (!res) return null;
  return { text: buildResponse(msg, res, via, ctx), via, method: msg.method ?? '', status: res.status };
}
