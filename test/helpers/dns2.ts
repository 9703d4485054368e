// Extensions of dns2's packet layer, all in one place: NAPTR (RFC 3403), TSIG (RFC 8945), an
// SRV encoder that does not compress (RFC 2782), and the type numbers dns2 does not list. Call registerDns2Codecs() once before
// parsing or building dns2 packets that may hold them (it is idempotent).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** dns2's Packet constructor (CommonJS), with the members we extend. */
// biome-ignore lint/suspicious/noExplicitAny: dns2 ships no usable types for its internals
export const Packet: any = require('dns2').Packet;

// biome-ignore lint/suspicious/noExplicitAny: dns2 reader/writer are untyped bit streams
type Bits = any;

function readCharString(reader: Bits): string {
  const len = reader.read(8);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(reader.read(8));
  return s;
}

function writeCharString(writer: Bits, s: string): void {
  if (s.length > 255) throw new Error(`character-string longer than 255 octets`);
  writer.write(s.length, 8);
  for (let i = 0; i < s.length; i++) writer.write(s.charCodeAt(i) & 0xff, 8);
}

/** A name written in full: RFC 3403 §4.1 and RFC 8945 forbid compressing these. */
function writeNameUncompressed(writer: Bits, name: string): void {
  const w = new Packet.Writer();
  Packet.Name.encode(name, w);
  writer.writeBuffer(w);
}

export interface Dns2Naptr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  /** Replacement domain name without the trailing dot; '' for the root ('.'). */
  replacement: string;
}

const NAPTR = {
  decode(this: Dns2Naptr, reader: Bits, _length: number) {
    this.order = reader.read(16);
    this.preference = reader.read(16);
    this.flags = readCharString(reader);
    this.service = readCharString(reader);
    this.regexp = readCharString(reader);
    this.replacement = Packet.Name.decode(reader);
    return this;
  },
  encode(record: Dns2Naptr, writer: Bits) {
    writer.write(record.order, 16);
    writer.write(record.preference, 16);
    writeCharString(writer, record.flags ?? '');
    writeCharString(writer, record.service ?? '');
    writeCharString(writer, record.regexp ?? '');
    writeNameUncompressed(writer, record.replacement ?? '');
  },
};

export interface Dns2Tsig {
  algorithm: string;
  /** Seconds since the epoch (48 bits). */
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
}

const TSIG = {
  decode(this: Dns2Tsig, reader: Bits, _length: number) {
    this.algorithm = Packet.Name.decode(reader);
    const hi = reader.read(16);
    const lo = reader.read(32);
    this.timeSigned = hi * 2 ** 32 + lo;
    this.fudge = reader.read(16);
    const macLen = reader.read(16);
    const mac = Buffer.alloc(macLen);
    for (let i = 0; i < macLen; i++) mac[i] = reader.read(8);
    this.mac = mac;
    this.originalId = reader.read(16);
    this.error = reader.read(16);
    const otherLen = reader.read(16);
    const other = Buffer.alloc(otherLen);
    for (let i = 0; i < otherLen; i++) other[i] = reader.read(8);
    this.other = other;
    return this;
  },
  encode(record: Dns2Tsig, writer: Bits) {
    writeNameUncompressed(writer, record.algorithm);
    writer.write(Math.floor(record.timeSigned / 2 ** 32), 16);
    writer.write(record.timeSigned % 2 ** 32, 32);
    writer.write(record.fudge, 16);
    writer.write(record.mac.length, 16);
    for (const b of record.mac) writer.write(b, 8);
    writer.write(record.originalId, 16);
    writer.write(record.error, 16);
    writer.write(record.other.length, 16);
    for (const b of record.other) writer.write(b, 8);
  },
};

let done = false;

/** Adds our types to dns2's Packet.TYPE and codecs to Packet.Resource. */
export function registerDns2Codecs(): typeof Packet {
  if (done) return Packet;
  done = true;
  // OPT is dns2's EDNS (41); IXFR only appears in questions
  Object.assign(Packet.TYPE, { NAPTR: 35, DS: 43, TSIG: 250, IXFR: 251 });
  Packet.Resource.NAPTR = NAPTR;
  // dns2 compresses the SRV target; RFC 2782 (and RFC 3597 §4 for post-1035 types) forbid it
  Packet.Resource.SRV = {
    decode: Packet.Resource.SRV.decode,
    encode(record: { priority: number; weight: number; port: number; target: string }, writer: Bits) {
      writer.write(record.priority, 16);
      writer.write(record.weight, 16);
      writer.write(record.port, 16);
      writeNameUncompressed(writer, record.target);
    },
  };
  Packet.Resource.TSIG = TSIG;
  return Packet;
}
