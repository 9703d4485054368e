// Answer -> wire. The question is copied from the query (so its case is preserved, and owners
// that equal the question name become a pointer to it); names are compressed; RRsets that do
// not fit set TC and, as Knot does, leave every section empty (RFC 2181 §9).
import { CLASS, type Labels, nameKey, RCODE, TYPE, Writer, writeRdata } from '#wire';
import type { Answer, Item } from './resolve.ts';

/** What the encoder needs from the query. */
export interface QueryView {
  buf: Buffer;
  id: number;
  opcode: number;
  rd: boolean;
  cd: boolean;
  /** Question section span in buf: [12, qEnd); 0 when there is none to echo. */
  qEnd: number;
  /** The question name's labels, for compression. */
  qLabels: Labels | null;
  edns: EdnsView | null;
}

export interface EdnsView {
  version: number;
  udpSize: number;
  do: boolean;
}

/** Our EDNS UDP payload size (advertised and the upper bound we answer with), as Knot's default. */
export const MAX_UDP_PAYLOAD = 1232;

/** Largest response for a query: 512 without EDNS, the client's size (512..1232) with it, 65535 on TCP. */
export function responseLimit(q: QueryView, tcp: boolean): number {
  if (tcp) return 65535;
  if (!q.edns) return 512;
  return Math.max(512, Math.min(q.edns.udpSize, MAX_UDP_PAYLOAD));
}

function header(w: Writer, q: QueryView, aa: boolean, tc: boolean, rcode: number): void {
  w.u16(q.id);
  w.u8(0x80 | ((q.opcode & 0xf) << 3) | (aa ? 0x04 : 0) | (tc ? 0x02 : 0) | (q.rd ? 0x01 : 0));
  // CD is not copied back: Knot and BIND clear it in authoritative answers
  w.u8(rcode & 0xf);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  w.u16(0);
}

function question(w: Writer, q: QueryView): number {
  if (q.qEnd <= 12) return 0;
  w.bytes(q.buf.subarray(12, q.qEnd));
  if (q.qLabels && w.names) {
    let off = 12;
    const labels = q.qLabels;
    for (let i = 0; i < labels.length; i++) {
      w.remember(nameKey(labels.slice(i)), off);
      off += labels[i]!.length + 1;
    }
  }
  return 1;
}

function writeOpt(w: Writer, q: QueryView, rcode: number): void {
  w.u8(0);
  w.u16(TYPE.OPT);
  w.u16(MAX_UDP_PAYLOAD);
  w.u32((((rcode >> 4) & 0xff) << 24) | (q.edns!.do ? 0x8000 : 0));
  w.u16(0);
}

function writeItem(w: Writer, it: Item): number {
  const { rrset } = it;
  const ttl = it.ttl ?? rrset.ttl;
  const rdatas = rrset.rdatas; // built on each read for a registry source's joined records
  for (const rd of rdatas) {
    if (it.owner) w.name(it.owner, true);
    else w.u16(0xc00c);
    w.u16(rrset.type);
    w.u16(CLASS.IN);
    w.u32(ttl);
    const lenAt = w.pos;
    w.u16(0);
    writeRdata(w, rd, true);
    w.buf.writeUInt16BE(w.pos - lenAt - 2, lenAt);
  }
  return rdatas.length;
}

/** Encodes a full response; `limit` is the largest size the client accepts. */
export function encodeAnswer(q: QueryView, a: Answer, limit: number): Buffer {
  const w = new Writer(512);
  header(w, q, a.aa, false, a.rcode);
  const qd = question(w, q);
  const optLen = q.edns ? 11 : 0;
  const counts = [0, 0, 0];
  const sections = [a.answer, a.authority, a.additional];
  let tc = false;
  let cut = -1;
  for (let s = 0; s < 3 && !tc; s++) {
    for (const it of sections[s]!) {
      const before = w.pos;
      const n = writeItem(w, it);
      if (w.pos + optLen > limit) {
        if (s === 2) {
          // additional data is optional: drop what does not fit, no TC
          w.pos = before;
          cut = before;
          break;
        }
        tc = true;
        break;
      }
      counts[s]! += n;
    }
    if (cut >= 0) break;
  }
  if (tc) {
    // Knot: a truncated answer keeps the question and OPT only
    w.pos = 12 + (qd ? q.qEnd - 12 : 0);
    counts[0] = counts[1] = counts[2] = 0;
    w.buf[2] = w.buf[2]! | 0x02;
  }
  if (q.edns) {
    writeOpt(w, q, a.rcode);
    counts[2]!++;
  }
  const out = w.toBuffer();
  out.writeUInt16BE(qd, 4);
  out.writeUInt16BE(counts[0]!, 6);
  out.writeUInt16BE(counts[1]!, 8);
  out.writeUInt16BE(counts[2]!, 10);
  return out;
}

/** A response without records: errors (FORMERR, NOTIMP, REFUSED, BADVERS ...). */
export function encodeError(q: QueryView, rcode: number): Buffer {
  const w = new Writer(64, false);
  header(w, q, false, false, rcode);
  const qd = question(w, q);
  // RFC 6891 §7: answer with OPT when the query had one (needed for BADVERS's high bits)
  const opt = q.edns !== null && rcode !== RCODE.FORMERR;
  if (opt) writeOpt(w, q, rcode);
  const out = w.toBuffer();
  out.writeUInt16BE(qd, 4);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  return out;
}
