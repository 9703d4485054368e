// The SIP message model: drachtio-srf's SipMessage (the same class its drachtio transport
// hands us), plus the few header readings the redirector needs.
import Srf from 'drachtio-srf';

export type SipMessage = Omit<Srf.SipMessage, 'type'> & {
  type: 'request' | 'response' | 'unknown';
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: Record<string, string>;
};

// Srf.SipMessage exists at run time (srf.js has the static getter) but not in drachtio's typings.
export const SipMessageClass = (Srf as unknown as { SipMessage: new (raw?: string) => SipMessage })
  .SipMessage;
export const parseUri = Srf.parseUri;

export class SipParseError extends Error {
  override name = 'SipParseError';
}

/** Parses one whole message (headers and body) with drachtio's parser. */
export function parseSipMessage(raw: string): SipMessage {
  let msg: SipMessage;
  try {
    msg = new SipMessageClass(raw);
  } catch (err) {
    throw new SipParseError(`sip: unparseable message: ${(err as Error).message}`);
  }
  if (msg.type === 'unknown') throw new SipParseError('sip: neither a request nor a response');
  return msg;
}

/**
 * A header's value by its lower-case full name. drachtio's parser stores every standard header
 * under that key (compact forms expanded; only X- and other P- names keep their case), so this is
 * a property read where SipMessage.get() scans and lower-cases every key.
 */
export function header(msg: SipMessage, name: string): string | undefined {
  return msg.headers[name];
}

/**
 * Splits a header value that may hold several comma-separated entries (Via, Contact),
 * keeping commas inside quotes and angle brackets.
 */
export function splitValues(value: string): string[] {
  const out: string[] = [];
  let depthAngle = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (quoted) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) quoted = false;
    } else if (ch === 34) quoted = true;
    else if (ch === 60 /* < */) depthAngle++;
    else if (ch === 62 /* > */) depthAngle = Math.max(0, depthAngle - 1);
    else if (ch === 44 /* , */ && depthAngle === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Map<string, string | undefined>;
  /** The Via value as received. */
  raw: string;
}

// drachtio's Via parser stops a host at ':' and so cannot read IPv6 references ("[::1]:5060").
const VIA_RE =
  /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9]+)\s+(\[[0-9A-Fa-f:.]+\]|[^\s;:]+)(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/;

/** Parses one Via value; null when it is not a SIP/2.0 Via. */
export function parseVia(raw: string): Via | null {
  const m = VIA_RE.exec(raw);
  if (!m) return null;
  const params = new Map<string, string | undefined>();
  for (const p of m[4]!.split(';')) {
    const t = p.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq < 0) params.set(t.toLowerCase(), undefined);
    else params.set(t.slice(0, eq).trim().toLowerCase(), t.slice(eq + 1).trim());
  }
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { transport: m[1]!.toUpperCase(), host: m[2]!, port, params, raw };
}

export interface NameAddr {
  display: string | undefined;
  uri: string;
  params: Map<string, string | undefined>;
}

/** Parses a name-addr or addr-spec header value (From, To, P-Asserted-Identity, Contact entry). */
export function parseNameAddr(value: string): NameAddr | null {
  const v = value.trim();
  let display: string | undefined;
  let uri: string;
  let rest: string;
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return null;
    display = v.slice(0, lt).trim() || undefined;
    uri = v.slice(lt + 1, gt).trim();
    rest = v.slice(gt + 1);
  } else {
    // addr-spec: URI parameters and header parameters cannot be told apart, RFC 3261 §20.10 says
    // they are header parameters.
    const semi = v.indexOf(';');
    uri = semi < 0 ? v : v.slice(0, semi);
    rest = semi < 0 ? '' : v.slice(semi);
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) return null;
  const params = new Map<string, string | undefined>();
  for (const p of rest.split(';')) {
    const t = p.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq < 0) params.set(t.toLowerCase(), undefined);
    else params.set(t.slice(0, eq).trim().toLowerCase(), t.slice(eq + 1).trim());
  }
  return { display, uri, params };
}

/** CSeq "<number> <method>". */
export function parseCSeq(value: string): { seq: number; method: string } | null {
  const m = /^\s*(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value);
  if (!m) return null;
  const seq = Number(m[1]);
  if (seq > 2 ** 31 - 1) return null;
  return { seq, method: m[2]! };
}
