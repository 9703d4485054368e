// A message drachtio's parser refuses may still name enough (Via, From, To, Call-ID, CSeq) for
// a 400 to reach its sender. This reads header lines leniently, only to address that 400: any
// CR, LF or CRLF ends a line (as drachtio-server's SIP stack reads them), and a copied header
// that still holds a control character makes the request unanswerable (never echoed).
import { parseVia, type SipMessage, SipMessageClass, splitValues, type Via } from './message.ts';
import { UNSAFE_IN_HEADER } from './warning.ts';

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id' };

/** The request's headers needed for a 400, or null when no response can be addressed. */
export function salvageRequest(raw: string): { msg: SipMessage; via: Via } | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = head.split(/\r\n|\r|\n/);
  const start = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (!start) return null; // a response, or not SIP at all
  const msg = new SipMessageClass();
  msg.method = start[1]!;
  msg.uri = start[2]!;
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z0-9!%*_+`'~.-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const lower = m[1]!.toLowerCase();
    const name = COMPACT[lower] ?? lower;
    if (!['via', 'from', 'to', 'call-id', 'cseq'].includes(name)) continue;
    if (UNSAFE_IN_HEADER.test(m[2]!)) return null; // never echo control characters
    msg.headers[name] =
      msg.headers[name] === undefined ? m[2]!.trim() : `${msg.headers[name]},${m[2]!.trim()}`;
  }
  const first = splitValues(msg.headers.via ?? '')[0];
  const via = first === undefined ? null : parseVia(first);
  if (!via || !msg.headers['call-id'] || !msg.headers.from || !msg.headers.to || !msg.headers.cseq)
    return null;
  if (msg.method === 'ACK') return null; // never answer an ACK
  return { msg, via };
}
