// A Buffer-backed DNS message writer with RFC 1035 §4.1.4 name compression. dns2's own
// writer builds an array of bits and is far too slow for answers (docs/dns.md, "Codec split").

import { latin1Write } from './latin1.ts';
import { type Labels, nameKey } from './name.ts';

export class Writer {
  buf: Buffer;
  pos = 0;
  /** lower-cased suffix key -> offset, or null when compression is off. */
  names: Map<string, number> | null;

  constructor(size = 512, compress = true) {
    this.buf = Buffer.allocUnsafe(size);
    this.names = compress ? new Map() : null;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  latin1(s: string): void {
    this.room(s.length);
    latin1Write(this.buf, s, this.pos);
    this.pos += s.length;
  }

  /** A <character-string>: one length octet, then the octets. */
  charString(s: string): void {
    this.u8(s.length);
    this.latin1(s);
  }

  /**
   * Writes a name; when `compress` is set and the writer keeps a table, a known suffix becomes a
   * pointer. Every suffix written in full is remembered (RFC 1035 allows pointing to any of them),
   * even for names that must not be compressed themselves (RFC 3597 §4).
   */
  name(labels: Labels, compress: boolean): void {
    const names = this.names;
    if (!names) {
      for (const l of labels) this.charString(l);
      this.u8(0);
      return;
    }
    const keys: string[] = new Array(labels.length);
    for (let i = labels.length - 1; i >= 0; i--) {
      const k = nameKey([labels[i]!]);
      keys[i] = i === labels.length - 1 ? k : `${k}.${keys[i + 1]}`;
    }
    for (let i = 0; i < labels.length; i++) {
      const at = names.get(keys[i]!);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (at === undefined && this.pos < 0x4000) names.set(keys[i]!, this.pos);
      this.charString(labels[i]!);
    }
    this.u8(0);
  }

  /** Remembers that the name whose suffix keys are given starts at `offset` (e.g. a copied question). */
  remember(key: string, offset: number): void {
    if (this.names && offset < 0x4000 && !this.names.has(key)) this.names.set(key, offset);
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
