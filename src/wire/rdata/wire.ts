// RDATA <-> wire format for the layouts in schema.ts; generic types pass their octets through.
import { latin1Slice } from '../latin1.ts';
import { type Labels, lowerLabel } from '../name.ts';
import { TYPE } from '../types.ts';
import { Writer } from '../writer.ts';
import { type FieldKind, isPackable, PackedRdata, type Rdata, SCHEMA, setUnpacker } from './schema.ts';

export class WireError extends Error {
  override name = 'WireError';
}

/** Writes RDATA (without RDLENGTH). `compress` allows pointers for `cname` fields. */
export function writeRdata(w: Writer, rd: Rdata, compress = true): void {
  if (rd instanceof PackedRdata) {
    w.latin1(rd.wire);
    return;
  }
  const kinds = SCHEMA.get(rd.type);
  if (!kinds) {
    w.bytes(rd.fields[0] as Buffer);
    return;
  }
  for (let i = 0; i < kinds.length; i++) {
    const v = rd.fields[i]!;
    switch (kinds[i]) {
      case 'u8':
        w.u8(v as number);
        break;
      case 'u16':
        w.u16(v as number);
        break;
      case 'u32':
      case 'period':
        w.u32(v as number);
        break;
      case 'cname':
        w.name(v as Labels, compress);
        break;
      case 'name':
        w.name(v as Labels, false);
        break;
      case 'a':
      case 'aaaa':
        w.bytes(v as Buffer);
        break;
      case 'str':
        w.charString(v as string);
        break;
      case 'strs':
        for (const s of v as string[]) w.charString(s);
        break;
    }
  }
}

/** Uncompressed wire RDATA with names lower-cased: equal keys mean duplicate records. */
export function rdataKey(rd: Rdata): string {
  if (rd instanceof PackedRdata) return rd.type === TYPE.SRV ? lowerSrv(rd) : rd.wire;
  const w = new Writer(64, false);
  const kinds = SCHEMA.get(rd.type);
  if (kinds?.some((k) => k === 'cname' || k === 'name')) {
    const lowered: Rdata = {
      type: rd.type,
      fields: rd.fields.map((f, i) =>
        kinds[i] === 'cname' || kinds[i] === 'name' ? (f as Labels).map(lowerLabel) : f,
      ),
    };
    writeRdata(w, lowered, false);
  } else {
    writeRdata(w, rd, false);
  }
  return w.toBuffer().toString('latin1');
}

/** Reads a (possibly compressed) name at `at` in `msg`; returns labels and the offset after it. */
export function readName(msg: Buffer, at: number): { labels: Labels; next: number } {
  const labels: Labels = [];
  let pos = at;
  let next = -1;
  let hops = 0;
  let total = 1;
  for (;;) {
    if (pos >= msg.length) throw new WireError('name runs past the end of the message');
    const len = msg[pos]!;
    if (len === 0) {
      pos++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) throw new WireError('truncated compression pointer');
      if (next < 0) next = pos + 2;
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (++hops > 127 || target >= pos) throw new WireError('bad compression pointer');
      pos = target;
      continue;
    }
    if (len & 0xc0) throw new WireError(`bad label type 0x${len.toString(16)}`);
    total += len + 1;
    if (total > 255) throw new WireError('name longer than 255 octets');
    if (pos + 1 + len > msg.length) throw new WireError('label runs past the end of the message');
    labels.push(latin1Slice(msg, pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { labels, next: next < 0 ? pos : next };
}

function readField(
  kind: FieldKind,
  msg: Buffer,
  pos: number,
  end: number,
): { v: Rdata['fields'][0]; pos: number } {
  const need = (n: number) => {
    if (pos + n > end) throw new WireError('RDATA too short');
  };
  switch (kind) {
    case 'u8':
      need(1);
      return { v: msg[pos]!, pos: pos + 1 };
    case 'u16':
      need(2);
      return { v: msg.readUInt16BE(pos), pos: pos + 2 };
    case 'u32':
    case 'period':
      need(4);
      return { v: msg.readUInt32BE(pos), pos: pos + 4 };
    case 'a':
      need(4);
      return { v: Buffer.from(msg.subarray(pos, pos + 4)), pos: pos + 4 };
    case 'aaaa':
      need(16);
      return { v: Buffer.from(msg.subarray(pos, pos + 16)), pos: pos + 16 };
    case 'cname':
    case 'name': {
      const r = readName(msg, pos);
      if (r.next > end) throw new WireError('name runs past RDATA');
      return { v: r.labels, pos: r.next };
    }
    case 'str': {
      need(1);
      const n = msg[pos]!;
      need(1 + n);
      return { v: latin1Slice(msg, pos + 1, pos + 1 + n), pos: pos + 1 + n };
    }
    case 'strs': {
      const out: string[] = [];
      while (pos < end) {
        const r = readField('str', msg, pos, end);
        out.push(r.v as string);
        pos = r.pos;
      }
      if (out.length === 0) throw new WireError('no character-string');
      return { v: out, pos };
    }
  }
}

/** Decodes RDATA of `type` at msg[start, start+len) (names may point elsewhere in msg). */
export function readRdata(type: number, msg: Buffer, start: number, len: number, packed = true): Rdata {
  const end = start + len;
  if (end > msg.length) throw new WireError('RDATA runs past the end of the message');
  const kinds = SCHEMA.get(type);
  if (!kinds) {
    const raw = { type, fields: [Buffer.from(msg.subarray(start, end))] };
    return packed ? pack(raw) : raw;
  }
  const fields: Rdata['fields'] = [];
  let pos = start;
  for (const k of kinds) {
    const r = readField(k, msg, pos, end);
    fields.push(r.v);
    pos = r.pos;
  }
  if (pos !== end) throw new WireError(`${end - pos} octets left over in RDATA`);
  return packed ? pack({ type, fields }) : { type, fields };
}

/** SRV's target is the only name in a packed type: lower-case it for duplicate detection. */
function lowerSrv(rd: PackedRdata): string {
  return rd.wire.slice(0, 6) + rd.wire.slice(6).toLowerCase();
}

/** Keeps packable RDATA as wire octets (see PackedRdata). */
export function pack(rd: Rdata): Rdata {
  if (!isPackable(rd.type) || rd instanceof PackedRdata) return rd;
  const w = new Writer(64, false);
  writeRdata(w, rd, false);
  return new PackedRdata(rd.type, latin1Slice(w.buf, 0, w.pos));
}

setUnpacker((type, wire) => {
  const buf = Buffer.from(wire, 'latin1');
  return readRdata(type, buf, 0, buf.length, false).fields;
});
