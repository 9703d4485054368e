// RDATA layouts of the types callx understands in presentation form. Every other type is kept
// in the RFC 3597 generic form (`\# len hex`) and served byte for byte.

import type { Labels } from '../name.ts';
import { TYPE } from '../types.ts';

/**
 * Field kinds. `cname` is a name that may be compressed on the wire (RFC 3597 §4: only the
 * RFC 1035 types); `name` never is (SRV, NAPTR: RFC 2782, RFC 3403). `period` is a 32-bit
 * number that master files may write with units (SOA timers: 1h, 2w).
 */
export type FieldKind = 'u8' | 'u16' | 'u32' | 'period' | 'cname' | 'name' | 'a' | 'aaaa' | 'str' | 'strs';

export type FieldValue = number | Labels | Buffer | string | string[];

export interface Rdata {
  type: number;
  /** Values in schema order; for a generic (unknown-layout) type: [raw Buffer]. */
  fields: FieldValue[];
}

export const SCHEMA = new Map<number, FieldKind[]>([
  [TYPE.A, ['a']],
  [TYPE.AAAA, ['aaaa']],
  [TYPE.NS, ['cname']],
  [TYPE.CNAME, ['cname']],
  [TYPE.PTR, ['cname']],
  [TYPE.DNAME, ['name']],
  [TYPE.MX, ['u16', 'cname']],
  [TYPE.SOA, ['cname', 'cname', 'u32', 'period', 'period', 'period', 'period']],
  [TYPE.TXT, ['strs']],
  [TYPE.SPF, ['strs']],
  [TYPE.HINFO, ['str', 'str']],
  [TYPE.SRV, ['u16', 'u16', 'u16', 'name']],
  [TYPE.NAPTR, ['u16', 'u16', 'str', 'str', 'str', 'name']],
]);

/** Names inside RDATA that answers may need (additional section processing, CNAME chasing). */
export function rdataTarget(rd: Rdata): Labels | undefined {
  switch (rd.type) {
    case TYPE.NS:
    case TYPE.CNAME:
    case TYPE.PTR:
      return rd.fields[0] as Labels;
    case TYPE.MX:
      return rd.fields[1] as Labels;
    case TYPE.SRV:
      return rd.fields[3] as Labels;
    default:
      return undefined;
  }
}

/** Types whose RDATA holds no compressible name: they can be kept as their wire octets. */
const PACKABLE = new Set<number>([TYPE.A, TYPE.AAAA, TYPE.TXT, TYPE.SPF, TYPE.HINFO, TYPE.SRV, TYPE.NAPTR]);

export function isPackable(type: number): boolean {
  return PACKABLE.has(type) || !SCHEMA.has(type);
}

/**
 * RDATA kept as its uncompressed wire octets in a latin1 string: a NAPTR costs one object and
 * one string instead of an object, an array and its strings (a million-name zone is mostly
 * NAPTRs), and is written to the wire as is. `fields` is decoded on demand (exports, checks).
 */
export class PackedRdata implements Rdata {
  readonly type: number;
  readonly wire: string;

  constructor(type: number, wire: string) {
    this.type = type;
    this.wire = wire;
  }

  get fields(): FieldValue[] {
    return unpack(this.type, this.wire);
  }
}

/** Set by wire.ts (which depends on this module) to decode packed RDATA. */
let unpack: (type: number, wire: string) => FieldValue[] = () => {
  throw new Error('rdata: wire decoder not registered');
};

export function setUnpacker(fn: typeof unpack): void {
  unpack = fn;
}
