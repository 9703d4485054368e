// Parses a query straight from the packet: header, one question, and the additional section's
// OPT. The result object is reused per parser (no per-query objects on the hot path).

import { randomInt } from 'node:crypto';
import type { Labels } from '#wire';
import { latin1Slice, TYPE } from '#wire';
import type { EdnsView, QueryView } from '../answer/encode.ts';

/** The outcome of parsing: answer, reply FORMERR, or drop silently. */
export type ParseStatus = 'ok' | 'formerr' | 'drop';

/** ASCII lower-casing of one octet (DNS names compare case-insensitively for A-Z only). */
export const LOWER = new Uint8Array(256).map((_v, i) => (i >= 65 && i <= 90 ? i + 32 : i));

// A per-process start for the question hash: nobody can precompute names that collide and evict
// each other's cached answers (a collision is only ever a miss, but a forced one costs CPU).
const HASH_SEED = (0x811c9dc5 ^ randomInt(0x40000000)) >>> 0;

/** What the packet cache needs of a question: where it is, and its hash. */
export interface QuestionView {
  buf: Buffer;
  /** Offset just after the question name, and after the question. */
  nameEnd: number;
  qEnd: number;
  /** Hash of the question section (name lower-cased), a small integer (a cheap Map key). */
  hash: number;
}

export class ParsedQuery implements QueryView, QuestionView {
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
  hash = 0;
  private readonly ednsScratch: EdnsView = { version: 0, udpSize: 512, do: false };
  /** A label holds '.' or '\\' (escaped in keys). */
  private special = false;
  private qkeyCache: string | null = null;
  private readonly keyScratch = Buffer.alloc(256);

  /** The lower-cased name key of name.ts (resolution on a cache miss): one flat string. */
  get qkey(): string {
    if (this.qkeyCache !== null) return this.qkeyCache;
    if (!this.special) {
      // the wire name with length octets turned into dots, lower-cased: no piece by piece
      const b = this.buf;
      const s = this.keyScratch;
      let o = 0;
      for (let p = 12, len = b[p]!; len !== 0; p += len + 1, len = b[p]!) {
        if (o > 0) s[o++] = 46;
        for (let i = p + 1; i <= p + len; i++) s[o++] = LOWER[b[i]!]!;
      }
      this.qkeyCache = latin1Slice(s, 0, o);
      return this.qkeyCache;
    }
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
    this.qtype = 0; // a query that breaks before its question is counted with type 0
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
    let special = false;
    // FNV-1a over the lower-cased question, computed on the way: the packet cache's key
    let h = HASH_SEED;
    for (;;) {
      if (p >= n) return 'formerr';
      const len = buf[p]!;
      h = Math.imul(h ^ len, 0x01000193);
      if (len === 0) break;
      if (len > 63) return 'formerr';
      total += len + 1;
      if (total > 255 || p + 1 + len > n) return 'formerr';
      for (let i = p + 1; i <= p + len; i++) {
        const c = buf[i]!;
        if (c === 46 || c === 92) special = true;
        h = Math.imul(h ^ LOWER[c]!, 0x01000193);
      }
      p += len + 1;
    }
    this.special = special;
    this.qkeyCache = null;
    this.nameEnd = p + 1;
    p++;
    if (p + 4 > n) return 'formerr';
    this.qtype = buf.readUInt16BE(p);
    this.qclass = buf.readUInt16BE(p + 2);
    h = Math.imul(h ^ this.qtype, 0x01000193);
    h = Math.imul(h ^ this.qclass, 0x01000193);
    this.hash = (h ^ (h >>> 15)) & 0x3fffffff; // a small integer: no heap number as Map key
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
