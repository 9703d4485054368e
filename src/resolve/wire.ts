// DNS messages for the redirector's client, on callx's own wire code (src/wire: Writer,
// readName, readRdata with the NAPTR/SOA layouts). dns2's packet model was the first choice, but
// its bit-by-bit reader takes ~0.7 ms to parse one 242-octet NAPTR answer and ~0.2 ms to build
// a query (bench/sip, measured on this machine): a cache miss would cost more than a whole call
// is allowed. These take a few microseconds.
import { readName, readRdata, Writer } from '#wire';
import type { DnsRecord } from './dns-client.ts';

const TYPE_CNAME = 5;
const TYPE_SOA = 6;
const TYPE_TXT = 16;
const TYPE_NAPTR = 35;
const TYPE_OPT = 41;

export class DnsWireError extends Error {
  override name = 'DnsWireError';
}

/** A query: RD set, one question, an EDNS0 OPT record advertising `payload` octets. */
export function encodeQuery(id: number, name: string, type: number, payload = 1232): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  const w = new Writer(12 + name.length + 2 + 4 + 11, false);
  w.u16(id);
  w.u16(0x0100); // RD
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(1);
  for (const l of labels) {
    if (l.length > 63) throw new DnsWireError(`label longer than 63 octets in ${name}`);
    w.charString(l);
  }
  w.u8(0);
  w.u16(type);
  w.u16(1); // IN
  w.u8(0); // OPT: root owner
  w.u16(TYPE_OPT);
  w.u16(payload);
  w.u32(0);
  w.u16(0);
  return w.toBuffer();
}

export interface DecodedResponse {
  id: number;
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rcode: number;
  question: { name: string; type: number } | undefined;
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

const join = (labels: string[]) => labels.join('.');

function record(msg: Buffer, pos: number): { rr: DnsRecord; next: number } {
  const n = readName(msg, pos);
  let p = n.next;
  if (p + 10 > msg.length) throw new DnsWireError('resource record runs past the end');
  const type = msg.readUInt16BE(p);
  const cls = msg.readUInt16BE(p + 2);
  const ttl = Math.min(msg.readUInt32BE(p + 4), 0x7fffffff); // RFC 2181 §8
  const len = msg.readUInt16BE(p + 8);
  p += 10;
  if (p + len > msg.length) throw new DnsWireError('RDATA runs past the end');
  const rr: DnsRecord = { name: join(n.labels), type, class: cls, ttl };
  if (type === TYPE_NAPTR) {
    const f = readRdata(type, msg, p, len, false).fields;
    Object.assign(rr, {
      order: f[0],
      preference: f[1],
      flags: f[2],
      service: f[3],
      regexp: f[4],
      replacement: join(f[5] as string[]),
    });
  } else if (type === TYPE_SOA) {
    const f = readRdata(type, msg, p, len, false).fields;
    Object.assign(rr, {
      primary: join(f[0] as string[]),
      admin: join(f[1] as string[]),
      serial: f[2],
      refresh: f[3],
      retry: f[4],
      expiration: f[5],
      minimum: f[6],
    });
  } else if (type === TYPE_CNAME) {
    rr.domain = join(readRdata(type, msg, p, len, false).fields[0] as string[]);
  } else if (type === TYPE_TXT) {
    const strs = readRdata(type, msg, p, len, false).fields[0] as (string | Uint8Array)[];
    rr.txt = strs.map((s) => (typeof s === 'string' ? s : Buffer.from(s).toString('latin1')));
  }
  return { rr, next: p + len };
}

/** Decodes a response; the answer and authority sections only (additional data is not used). */
export function decodeResponse(msg: Buffer): DecodedResponse {
  if (msg.length < 12) throw new DnsWireError('shorter than a DNS header');
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  let pos = 12;
  let question: DecodedResponse['question'];
  for (let i = 0; i < qd; i++) {
    const n = readName(msg, pos);
    if (n.next + 4 > msg.length) throw new DnsWireError('question runs past the end');
    if (i === 0) question = { name: join(n.labels), type: msg.readUInt16BE(n.next) };
    pos = n.next + 4;
  }
  const answers: DnsRecord[] = [];
  const authorities: DnsRecord[] = [];
  for (let i = 0; i < an + ns; i++) {
    const { rr, next } = record(msg, pos);
    (i < an ? answers : authorities).push(rr);
    pos = next;
  }
  return {
    id: msg.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rcode: flags & 0x000f,
    question,
    answers,
    authorities,
  };
}
