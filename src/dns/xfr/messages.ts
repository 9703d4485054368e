// Zone transfer responses as a stream of DNS messages (RFC 5936 §2.2): records are packed into
// messages of bounded size with name compression; the question goes in the first message only.
// Records come from a generator, so a million-name zone is never held as one list.

import type { Rdata } from '#wire';
import { CLASS, type Labels, nameKey, TYPE, Writer, writeRdata } from '#wire';
import type { ZoneNode } from '../model/node.ts';
import type { RRset } from '../model/types.ts';
import type { Zone } from '../model/zone.ts';

/** One record of a transfer. */
export interface XfrRecord {
  owner: Labels;
  type: number;
  ttl: number;
  rdata: Rdata;
}

/** What every response message copies from the query. */
export interface XfrQuery {
  id: number;
  rd: boolean;
  /** The question section's octets (name as the client wrote it, type, class). */
  question: Buffer;
  qLabels: Labels;
  /** The query had an OPT record: each message carries one (RFC 5936 §2.2.5). */
  edns: { do: boolean } | null;
}

/** Messages are closed once they pass this size (Knot and BIND use similar sizes). */
export const SOFT_LIMIT = 32 * 1024;
const HARD_LIMIT = 65535;

/**
 * Packs records into messages. `reserve` octets stay free in each message for the TSIG
 * record the caller may append.
 */
export class MessagePacker {
  private w!: Writer;
  private count = 0;
  private first = true;
  private readonly q: XfrQuery;
  private readonly limit: number;
  messages = 0;
  records = 0;
  octets = 0;

  constructor(q: XfrQuery, reserve: number) {
    this.q = q;
    this.limit = HARD_LIMIT - reserve - (q.edns ? 11 : 0);
    this.open();
  }

  private open(): void {
    const w = new Writer(4096);
    w.u16(this.q.id);
    w.u8(0x80 | 0x04 | (this.q.rd ? 1 : 0)); // QR, opcode QUERY, AA
    w.u8(0);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    w.u16(0);
    if (this.first) {
      w.bytes(this.q.question);
      let off = 12;
      const labels = this.q.qLabels;
      for (let i = 0; i < labels.length; i++) {
        w.remember(nameKey(labels.slice(i)), off);
        off += labels[i]!.length + 1;
      }
    }
    this.w = w;
    this.count = 0;
  }

  private close(): Buffer {
    const w = this.w;
    if (this.q.edns) {
      w.u8(0);
      w.u16(TYPE.OPT);
      w.u16(1232);
      w.u32(this.q.edns.do ? 0x8000 : 0);
      w.u16(0);
    }
    const out = Buffer.from(w.toBuffer());
    out.writeUInt16BE(this.first ? 1 : 0, 4);
    out.writeUInt16BE(this.count, 6);
    out.writeUInt16BE(this.q.edns ? 1 : 0, 10);
    this.first = false;
    this.messages++;
    this.octets += out.length;
    return out;
  }

  private write(r: XfrRecord): void {
    const w = this.w;
    w.name(r.owner, true);
    w.u16(r.type);
    w.u16(CLASS.IN);
    w.u32(r.ttl);
    const lenAt = w.pos;
    w.u16(0);
    writeRdata(w, r.rdata, true);
    w.buf.writeUInt16BE(w.pos - lenAt - 2, lenAt);
  }

  /** Adds a record; returns a finished message when this one made the current one full. */
  add(r: XfrRecord): Buffer | null {
    const before = this.w.pos;
    this.write(r);
    this.records++;
    if (this.w.pos > this.limit && this.count > 0) {
      // does not fit: close the message without it and start the next one with it
      this.w.pos = before;
      const done = this.close();
      this.open();
      this.write(r);
      this.count = 1;
      return done;
    }
    this.count++;
    if (this.w.pos >= SOFT_LIMIT) {
      const done = this.close();
      this.open();
      return done;
    }
    return null;
  }

  /** The last message (possibly the only one). */
  finish(): Buffer {
    return this.close();
  }
}

/** The zone's SOA record with another serial (the bracketing records of IXFR). */
export function soaRecord(zone: Zone, soa: RRset, serial: number): XfrRecord {
  const fields = soa.rdatas[0]!.fields.slice();
  fields[2] = serial >>> 0;
  return { owner: zone.apex, type: TYPE.SOA, ttl: soa.ttl, rdata: { type: TYPE.SOA, fields } };
}

/**
 * A consistent view of a zone for AXFR: the nodes and the RRset arrays they hold now. RRset
 * lists are replaced, never changed in place (model/rrsets.ts), so later journal updates do
 * not leak into a transfer in progress.
 */
export interface ZoneSnapshot {
  zone: Zone;
  serial: number;
  soa: RRset;
  nodes: ZoneNode[];
  lists: (readonly RRset[])[];
}

export function snapshot(zone: Zone): ZoneSnapshot | null {
  const soa = zone.soa();
  if (!soa) return null;
  const nodes: ZoneNode[] = new Array(zone.nodes.size);
  const lists: (readonly RRset[])[] = new Array(zone.nodes.size);
  let i = 0;
  for (const n of zone.nodes.values()) {
    nodes[i] = n;
    lists[i++] = n.rrsets.values();
  }
  return { zone, serial: zone.serial, soa, nodes, lists };
}

/** AXFR (RFC 5936 §2.2): the SOA, every other record, the SOA again. */
export function* axfrRecords(s: ZoneSnapshot): Generator<XfrRecord> {
  const soa = soaRecord(s.zone, s.soa, s.serial);
  yield soa;
  for (let i = 0; i < s.nodes.length; i++) {
    const list = s.lists[i]!;
    if (list.length === 0) continue;
    const node = s.nodes[i]!;
    const owner = node.labels;
    const apex = node === s.zone.apexNode;
    for (const rs of list) {
      if (apex && rs.type === TYPE.SOA) continue;
      for (const rd of rs.rdatas) yield { owner, type: rs.type, ttl: rs.ttl, rdata: rd };
    }
  }
  yield soa;
}
