// TSIG (RFC 8945): verification of signed requests, signing of responses (one message, or every
// message of a zone transfer, §5.3.1), and the error responses (BADKEY and BADSIG unsigned,
// BADTIME signed with the server's time). The keyring is built in tsig-keys.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLASS, type Labels, nameKey, readName, TYPE, WireError } from '#wire';
import { type Keyring, type TsigKey, wireOf } from './tsig-keys.ts';

export { type Keyring, parseTsigKeys, type TsigKey, TsigKeyError } from './tsig-keys.ts';

/** TSIG error codes (RFC 8945 §3, the TSIG record's Error field). */
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** A TSIG record as read from a message. */
export interface TsigRecord {
  /** Offset of the record in the message (where the unsigned message ends). */
  start: number;
  keyName: Labels;
  algorithm: Labels;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  other: Buffer;
}

/** Reads the TSIG record at `start` (the last record of `msg`). Throws WireError when malformed. */
export function readTsig(msg: Buffer, start: number): TsigRecord {
  const owner = readName(msg, start);
  let p = owner.next;
  if (p + 10 > msg.length) throw new WireError('TSIG record runs past the message');
  if (
    msg.readUInt16BE(p) !== TYPE.TSIG ||
    msg.readUInt16BE(p + 2) !== CLASS.ANY ||
    msg.readUInt32BE(p + 4) !== 0
  )
    throw new WireError('TSIG record must have class ANY and TTL 0');
  const end = p + 10 + msg.readUInt16BE(p + 8);
  if (end !== msg.length) throw new WireError('TSIG RDATA does not end the message');
  p += 10;
  const alg = readName(msg, p);
  p = alg.next;
  const need = (n: number) => {
    if (p + n > end) throw new WireError('TSIG RDATA too short');
  };
  need(10);
  const timeSigned = msg.readUInt16BE(p) * 2 ** 32 + msg.readUInt32BE(p + 2);
  const fudge = msg.readUInt16BE(p + 6);
  const macLen = msg.readUInt16BE(p + 8);
  p += 10;
  need(macLen + 6);
  const mac = Buffer.from(msg.subarray(p, p + macLen));
  p += macLen;
  const originalId = msg.readUInt16BE(p);
  const error = msg.readUInt16BE(p + 2);
  const otherLen = msg.readUInt16BE(p + 4);
  p += 6;
  need(otherLen);
  const other = Buffer.from(msg.subarray(p, p + otherLen));
  p += otherLen;
  if (p !== end) throw new WireError('TSIG RDATA has trailing octets');
  return {
    start,
    keyName: owner.labels,
    algorithm: alg.labels,
    timeSigned,
    fudge,
    mac,
    originalId,
    error,
    other,
  };
}

function u48(v: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(v / 2 ** 32) & 0xffff, 0);
  b.writeUInt32BE(v % 2 ** 32, 2);
  return b;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

/** The message as it was before signing: TSIG removed, ARCOUNT decremented, the original ID. */
function unsignedPart(msg: Buffer, rec: TsigRecord): Buffer {
  const m = Buffer.from(msg.subarray(0, rec.start));
  m.writeUInt16BE(rec.originalId, 0);
  m.writeUInt16BE(m.readUInt16BE(10) - 1, 10);
  return m;
}

interface Variables {
  timeSigned: number;
  fudge: number;
  error: number;
  other: Buffer;
}

/** RFC 8945 §4.3.3: the TSIG variables that the MAC covers. */
function variables(key: TsigKey, v: Variables): Buffer[] {
  return [
    key.nameWire,
    u16(CLASS.ANY),
    Buffer.alloc(4),
    key.algWire,
    u48(v.timeSigned),
    u16(v.fudge),
    u16(v.error),
    u16(v.other.length),
    v.other,
  ];
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac(key.algorithm.hash, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A TSIG record in wire form. */
function tsigRecord(
  key: { nameWire: Buffer; algWire: Buffer },
  v: Variables,
  mac: Buffer,
  originalId: number,
): Buffer {
  const rdata = Buffer.concat([
    key.algWire,
    u48(v.timeSigned),
    u16(v.fudge),
    u16(mac.length),
    mac,
    u16(originalId),
    u16(v.error),
    u16(v.other.length),
    v.other,
  ]);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(TYPE.TSIG, 0);
  head.writeUInt16BE(CLASS.ANY, 2);
  head.writeUInt32BE(0, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([key.nameWire, head, rdata]);
}

/** Appends a TSIG record to a message and counts it in ARCOUNT. */
function append(msg: Buffer, record: Buffer): Buffer {
  const out = Buffer.concat([msg, record]);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  return out;
}

/** Octets a TSIG record signed with `key` adds to a message (to keep UDP answers in size). */
export function tsigSize(key: TsigKey, otherLen = 0): number {
  return key.nameWire.length + 10 + key.algWire.length + 16 + key.algorithm.size + otherLen;
}

export type Verified =
  | { ok: true; key: TsigKey; record: TsigRecord }
  | { ok: false; error: number; key: TsigKey | null; record: TsigRecord };

/**
 * Verifies a signed request (RFC 8945 §5.2): key and algorithm (BADKEY), MAC (BADSIG), time
 * (BADTIME), and truncation (BADTRUNC: callx accepts only full-size MACs). A MAC size that no
 * policy allows is a FORMERR, returned as error 1.
 */
export function verifyRequest(msg: Buffer, record: TsigRecord, keys: Keyring, nowSec: number): Verified {
  const key = keys.get(nameKey(record.keyName)) ?? null;
  if (!key || nameKey(record.algorithm) !== key.algorithm.name)
    return { ok: false, error: TSIG_ERROR.BADKEY, key: null, record };
  const size = key.algorithm.size;
  const got = record.mac.length;
  if (got > size || got < Math.max(10, size / 2)) return { ok: false, error: 1, key, record };
  const mac = hmac(key, [unsignedPart(msg, record), ...variables(key, record)]);
  if (!timingSafeEqual(mac.subarray(0, got), record.mac))
    return { ok: false, error: TSIG_ERROR.BADSIG, key, record };
  if (Math.abs(nowSec - record.timeSigned) > record.fudge)
    return { ok: false, error: TSIG_ERROR.BADTIME, key, record };
  if (got < size) return { ok: false, error: TSIG_ERROR.BADTRUNC, key, record };
  return { ok: true, key, record };
}

/**
 * Signs the response(s) to a verified request. The first message covers the request MAC and
 * all TSIG variables; each further message of a transfer covers the previous MAC, the message
 * and the timers only (RFC 8945 §5.3.1). callx signs every message.
 */
export class TsigSigner {
  readonly key: TsigKey;
  private prior: Buffer;
  private first = true;
  private readonly now: () => number;
  private readonly fudge: number;

  constructor(key: TsigKey, requestMac: Buffer, now: () => number, fudge = 300) {
    this.key = key;
    this.prior = requestMac;
    this.now = now;
    this.fudge = fudge;
  }

  /** Returns `msg` with its TSIG record appended. */
  sign(msg: Buffer, opts: { error?: number; other?: Buffer; timeSigned?: number } = {}): Buffer {
    const v: Variables = {
      timeSigned: opts.timeSigned ?? this.now(),
      fudge: this.fudge,
      error: opts.error ?? 0,
      other: opts.other ?? Buffer.alloc(0),
    };
    const parts = [u16(this.prior.length), this.prior, msg];
    if (this.first) parts.push(...variables(this.key, v));
    else parts.push(u48(v.timeSigned), u16(v.fudge));
    const mac = hmac(this.key, parts);
    this.first = false;
    this.prior = mac;
    return append(msg, tsigRecord(this.key, v, mac, msg.readUInt16BE(0)));
  }
}

/** An unsigned error response (BADKEY, BADSIG: RFC 8945 §5.3.2) echoing the request's key and algorithm. */
export function appendUnsignedError(msg: Buffer, record: TsigRecord, error: number): Buffer {
  const names = { nameWire: wireOf(record.keyName), algWire: wireOf(record.algorithm) };
  const v: Variables = { timeSigned: record.timeSigned, fudge: record.fudge, error, other: Buffer.alloc(0) };
  return append(msg, tsigRecord(names, v, Buffer.alloc(0), msg.readUInt16BE(0)));
}

/** BADTIME (RFC 8945 §5.2.3): signed, the request's time signed, the server's time as Other Data. */
export function signBadTime(msg: Buffer, signer: TsigSigner, record: TsigRecord, nowSec: number): Buffer {
  return signer.sign(msg, { error: TSIG_ERROR.BADTIME, other: u48(nowSec), timeSigned: record.timeSigned });
}

/** A client side signer for requests (NOTIFY, tests): returns the signed message and its MAC. */
export function signRequest(
  msg: Buffer,
  key: TsigKey,
  nowSec: number,
  fudge = 300,
): { wire: Buffer; mac: Buffer } {
  const v: Variables = { timeSigned: nowSec, fudge, error: 0, other: Buffer.alloc(0) };
  const mac = hmac(key, [msg, ...variables(key, v)]);
  return { wire: append(msg, tsigRecord(key, v, mac, msg.readUInt16BE(0))), mac };
}
