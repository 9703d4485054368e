// Builds a whole response message from the request and the core's decision (RFC 3261 §8.2.6,
// §18.2.2; RFC 3581), for the builtin transport. drachtio-server does the same itself.
import { parseVia, type SipMessage, SipMessageClass, splitValues, type Via } from './message.ts';
import type { RequestContext, SipResponseSpec } from './types.ts';

/** Canonical names for the headers a response copies (drachtio's model keys them in lower case). */
const CANONICAL: Record<string, string> = {
  via: 'Via',
  'www-authenticate': 'WWW-Authenticate',
  'p-asserted-identity': 'P-Asserted-Identity',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
};

/** The top Via with received/rport filled in as RFC 3261 §18.2.1 and RFC 3581 §4 say. */
export function stampTopVia(via: Via, ctx: RequestContext): string {
  let out = via.raw;
  const wantsRport = via.params.has('rport');
  if (wantsRport) {
    out = out.replace(/;\s*rport(\s*=\s*\d*)?/i, `;rport=${ctx.remotePort}`);
  }
  const host = via.host.startsWith('[') ? via.host.slice(1, -1) : via.host;
  if (wantsRport || host.toLowerCase() !== ctx.remoteAddress.toLowerCase()) {
    out = out.replace(/;\s*received\s*=\s*[^;]*/i, '');
    out += `;received=${ctx.remoteAddress}`;
  }
  return out;
}

/**
 * Builds the response in drachtio's message model: Via (top one stamped), From, To (with the tag),
 * Call-ID and CSeq copied from the request. The decision's own headers are written by
 * serializeResponse: the model keeps one comma-joined string per header name, which cannot hold
 * two WWW-Authenticate challenges (each must be its own header line, RFC 3261 §20.44).
 */
export function responseMessage(
  req: SipMessage,
  spec: SipResponseSpec,
  topVia: Via,
  ctx: RequestContext,
): SipMessage {
  const res = new SipMessageClass();
  res.status = spec.status;
  res.reason = spec.reason;
  const vias = splitValues(req.headers.via ?? '');
  vias[0] = stampTopVia(topVia, ctx);
  res.headers.via = vias.join(',');
  for (const name of ['from', 'to', 'call-id', 'cseq']) {
    let v = req.headers[name];
    if (v === undefined) continue;
    if (name === 'to' && spec.toTag && !/;\s*tag\s*=/i.test(v)) v = `${v};tag=${spec.toTag}`;
    res.headers[name] = v;
  }
  return res;
}

function canonicalName(name: string): string {
  return CANONICAL[name] ?? name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/**
 * Writes a response to the wire. Not drachtio's toString: that writes header names in lower case,
 * comma-joins Via, and counts Content-Length in UTF-16 units instead of bytes.
 */
export function serializeResponse(res: SipMessage, extra: [string, string][] = []): string {
  let s = `SIP/2.0 ${res.status} ${res.reason}\r\n`;
  for (const [name, value] of Object.entries(res.headers)) {
    if (name === 'content-length') continue;
    if (name === 'via' || name === 'contact') {
      for (const v of splitValues(value)) s += `${canonicalName(name)}: ${v}\r\n`;
    } else {
      s += `${canonicalName(name)}: ${value}\r\n`;
    }
  }
  for (const [name, value] of extra) s += `${name}: ${value}\r\n`;
  const body = res.body ?? '';
  return `${s}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The response text for the builtin transport. */
export function buildResponse(
  req: SipMessage,
  spec: SipResponseSpec,
  topVia: Via,
  ctx: RequestContext,
): string {
  return serializeResponse(responseMessage(req, spec, topVia, ctx), spec.headers);
}

/**
 * Where a UDP response goes (RFC 3261 §18.2.2 with RFC 3581): maddr if present, else the
 * source address; the source port when rport was asked for, else the sent-by port or 5060.
 */
export function udpDestination(topVia: Via, ctx: RequestContext): { address: string; port: number } {
  const maddr = topVia.params.get('maddr');
  if (maddr) return { address: maddr.replace(/^\[|\]$/g, ''), port: topVia.port ?? 5060 };
  if (topVia.params.has('rport')) return { address: ctx.remoteAddress, port: ctx.remotePort };
  return { address: ctx.remoteAddress, port: topVia.port ?? 5060 };
}

/** The request's top Via, parsed; null when missing or not SIP/2.0 (no response can be addressed). */
export function topViaOf(req: SipMessage): Via | null {
  const raw = req.headers.via;
  if (raw === undefined) return null;
  const first = splitValues(raw)[0];
  return first === undefined ? null : parseVia(first);
}
