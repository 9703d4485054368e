// Stream framing for SIP over TCP (RFC 3261 §18.3): a message ends after its headers plus
// Content-Length octets of body; CRLFs between messages are keep-alives (RFC 5626 §4.4.1:
// a double CRLF "ping" is answered with a single CRLF "pong").

export type Frame =
  | { kind: 'message'; data: Buffer }
  | { kind: 'ping' }
  /** The stream cannot be framed any further; `head` is what could be read, for a 400. */
  | { kind: 'error'; status: 400 | 513; reason: string; head: Buffer };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

export interface Framer {
  /** Feeds received bytes; returns the frames completed by them. After an error, stop feeding. */
  push(chunk: Buffer): Frame[];
  /** Bytes held waiting for the rest of a message. */
  readonly buffered: number;
}

export function createFramer(maxMessage: number): Framer {
  let buf: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const out: Frame[] = [];
      for (;;) {
        let skip = 0;
        while (skip < buf.length && (buf[skip] === 0x0d || buf[skip] === 0x0a)) skip++;
        if (skip > 0) {
          if (buf.subarray(0, skip).includes(CRLFCRLF)) out.push({ kind: 'ping' });
          buf = buf.subarray(skip);
        }
        if (buf.length === 0) break;
        const end = buf.indexOf(CRLFCRLF);
        if (end < 0) {
          if (buf.length > maxMessage) {
            out.push({
              kind: 'error',
              status: 513,
              reason: `headers longer than ${maxMessage} bytes`,
              head: buf,
            });
            buf = Buffer.alloc(0);
          }
          break;
        }
        const head = buf.subarray(0, end).toString('latin1');
        const cl = CL_RE.exec(head);
        if (!cl) {
          out.push({
            kind: 'error',
            status: 400,
            reason: 'Content-Length is required over TCP',
            head: buf.subarray(0, end + 4),
          });
          buf = Buffer.alloc(0);
          break;
        }
        const total = end + 4 + Number(cl[1]);
        if (total > maxMessage) {
          out.push({
            kind: 'error',
            status: 513,
            reason: `message of ${total} bytes, limit ${maxMessage}`,
            head: buf.subarray(0, end + 4),
          });
          buf = Buffer.alloc(0);
          break;
        }
        if (buf.length < total) break;
        out.push({ kind: 'message', data: buf.subarray(0, total) });
        buf = buf.subarray(total);
      }
      if (buf.length > 0 && buf.byteOffset > 0 && buf.length < 4096) buf = Buffer.from(buf); // drop the big parent
      return out;
    },
    get buffered() {
      return buf.length;
    },
  };
}
