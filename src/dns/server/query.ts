// Parses a query straight from the packet: header, one question, and the additional section's
// OPT. The result object is reused per parser (no per-query objects on the hot path).

import type { EdnsView, QueryView } from '../answer/encode.ts';
import { latin1Slice } from '../codec/latin1.ts';
import { TYPE } from '../codec/types.ts';
import type { Labels } from '../name.ts';

/** The outcome of parsing: answer, reply FORMERR, or drop silently. */
export type ParseStatus = 'ok' | 'formerr' | 'drop';

export class ParsedQuery implements QueryView {
  buf: Buffer = Buffer.alloc(0);
  id = 0;
  opcode = 0;
  rd = false;
  cd = false;
  qEnd = 0;
  qLabels: Labels | null = null;
  edns: EdnsView | null = null;
  /** Type and class of the question. */
  qtype = 0;
  qclass = 0;
  /** Offset just after the question name. */
  nameEnd = 0;
  /** Offset of the TSIG record (the last of the additional section), or -1 when unsigned. */
  tsigAt = -1;
  /** Records in the authority section (an IXFR query carries the client's SOA there). */
  nsCount = 0;
  private readonly ednsScratch: EdnsView = { version: 0, udpSize: 512, do: false };
  private upper = false;
  private qkeyCache: string | null = null;
  private readonly lowerScratch = Buffer.alloc(260);

  /**
   * The question section (name, type, class) as a latin1 string with the name lower-cased:
   * the packet cache key, made with one string allocation.
   */
  wireKey(): string {
    if (!this.upper) return latin1Slice(this.buf, 12, this.qEnd);
    const s = this.lowerScratch;
    const len = this.qEnd - 12;
    this.buf.copy(s, 0, 12, this.qEnd);
    for (let i = 0; i < this.nameEnd - 12; i++) {
      const c = s[i]!;
      if (c >= 65 && c <= 90) s[i] = c + 32;
    }
    return latin1Slice(s, 0, len);
  }

  /** The lower-cased name key of name.ts (slow path: resolution on a cache miss). */
  get qkey(): string {
    if (this.qkeyCache !== null) return this.qkeyCache;
    let key = '';
    for (let p = 12, len = this.buf[p]!; len !== 0; p += len + 1, len = this.buf[p]!) {
      const l = labelKey(this.buf, p + 1, len);
      key = key.length === 0 ? l : `${key}.${l}`;
    }
    this.qkeyCache = key;
    return key;
  }

  /** Labels of the question name in the client's case (built on demand: slow path only). */
  labels(): Labels {
    if (this.qLabels) return this.qLabels;
    const out: Labels = [];
    let p = 12;
    for (let len = this.buf[p]!; len !== 0; len = this.buf[p]!) {
      out.push(latin1Slice(this.buf, p + 1, p + 1 + len));
      p += len + 1;
    }
    this.qLabels = out;
    return out;
  }

  parse(buf: Buffer): ParseStatus {
    this.buf = buf;
    this.qLabels = null;
    this.edns = null;
    this.qEnd = 0;
    this.tsigAt = -1;
    this.nsCount = 0;
    const n = buf.length;
    if (n < 12) return 'drop';
    const f1 = buf[2]!;
    if (f1 & 0x80) return 'drop'; // a response: never answer it (no reflection loops)
    this.id = buf.readUInt16BE(0);
    this.opcode = (f1 >> 3) & 0xf;
    this.rd = (f1 & 1) === 1;
    this.cd = (buf[3]! & 0x10) !== 0;
    const qd = buf.readUInt16BE(4);
    const an = buf.readUInt16BE(6);
    const ns = buf.readUInt16BE(8);
    const ar = buf.readUInt16BE(10);
    if (qd !== 1) return 'formerr';
    // the question name: plain labels only (a pointer in a query's question is malformed)
    let p = 12;
    let total = 1;
    let upper = false;
    for (;;) {
      if (p >= n) return 'formerr';
      const len = buf[p]!;
      if (len === 0) break;
      if (len > 63) return 'formerr';
      total += len + 1;
      if (total > 255 || p + 1 + len > n) return 'formerr';
      for (let i = p + 1; i <= p + len; i++) {
        const c = buf[i]!;
        if (c >= 65 && c <= 90) upper = true;
      }
      p += len + 1;
    }
    this.upper = upper;
    this.qkeyCache = null;
    this.nameEnd = p + 1;
    p++;
    if (p + 4 > n) return 'formerr';
    this.qtype = buf.readUInt16BE(p);
    this.qclass = buf.readUInt16BE(p + 2);
    p += 4;
    this.qEnd = p;
    // a QUERY carries nothing in answer/authority (IXFR: the client's SOA, RFC 1995); other
    // opcodes get NOTIMP, with their OPT seen
    if (this.opcode === 0 && (an !== 0 || (ns !== 0 && !(ns === 1 && this.qtype === TYPE.IXFR))))
      return 'formerr';
    this.nsCount = ns;
    for (let i = 0; i < an + ns; i++) {
      p = skipRecord(buf, p);
      if (p < 0) return 'formerr';
    }
    for (let i = 0; i < ar; i++) {
      const start = p;
      // owner name (skip; OPT needs the root)
      for (;;) {
        if (p >= n) return 'formerr';
        const len = buf[p]!;
        if (len === 0) {
          p++;
          break;
        }
        if ((len & 0xc0) === 0xc0) {
          p += 2;
          break;
        }
        if (len > 63) return 'formerr';
        p += len + 1;
      }
      if (p + 10 > n) return 'formerr';
      const type = buf.readUInt16BE(p);
      const rdlen = buf.readUInt16BE(p + 8);
      if (p + 10 + rdlen > n) return 'formerr';
      if (type === TYPE.OPT) {
        if (this.edns !== null || p !== start + 1) return 'formerr';
        const e = this.ednsScratch;
        e.udpSize = buf.readUInt16BE(p + 2);
        e.version = buf[p + 5]!;
        e.do = (buf[p + 6]! & 0x80) !== 0;
        // options must fill RDATA exactly
        let o = p + 10;
        const end = o + rdlen;
        while (o < end) {
          if (o + 4 > end) return 'formerr';
          o += 4 + buf.readUInt16BE(o + 2);
        }
        if (o !== end) return 'formerr';
        this.edns = e;
      } else if (type === TYPE.TSIG) {
        // RFC 8945 §5.1: the TSIG record must be the last record of the message
        if (i !== ar - 1) return 'formerr';
        this.tsigAt = start;
      }
      p += 10 + rdlen;
    }
    if (p !== n) return 'formerr';
    return 'ok';
  }
}

/** One label of the key: ASCII lower-cased, '.' and '\' escaped (name.ts nameKey). */
function labelKey(buf: Buffer, start: number, len: number): string {
  let plain = true;
  let upper = false;
  for (let i = start; i < start + len; i++) {
    const c = buf[i]!;
    if (c === 46 || c === 92 || c >= 128) {
      plain = false;
      break;
    }
    if (c >= 65 && c <= 90) upper = true;
  }
  if (plain) {
    const s = latin1Slice(buf, start, start + len);
    return upper ? s.toLowerCase() : s;
  }
  let s = '';
  for (let i = start; i < start + len; i++) {
    const c = buf[i]!;
    if (c === 46 || c === 92) s += `\\${String.fromCharCode(c)}`;
    else s += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return s;
}

/** Offset after the resource record at `p`, or -1 when it runs past the message. */
function skipRecord(buf: Buffer, p: number): number {
  const n = buf.length;
  for (;;) {
    if (p >= n) return -1;
    const len = buf[p]!;
    if (len === 0) {
      p++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      p += 2;
      break;
    }
    if (len > 63) return -1;
    p += len + 1;
  }
  if (p + 10 > n) return -1;
  const end = p + 10 + buf.readUInt16BE(p + 8);
  return end > n ? -1 : end;
}
