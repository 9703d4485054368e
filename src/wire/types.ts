// RR type, class, opcode and rcode numbers (IANA "DNS Parameters"), shared by the codec, the
// master-file parser and the answer code. Unknown types use the RFC 3597 form TYPEnnn.

export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  RP: 17,
  AAAA: 28,
  LOC: 29,
  SRV: 33,
  NAPTR: 35,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  URI: 256,
  CAA: 257,
} as const;

export type TypeName = keyof typeof TYPE;

const NAME_OF = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

export function typeName(type: number): string {
  return NAME_OF.get(type) ?? `TYPE${type}`;
}

/** Type number from a mnemonic or TYPEnnn; undefined when unknown. */
export function typeFromName(text: string): number | undefined {
  const up = text.toUpperCase();
  const known = (TYPE as Record<string, number>)[up];
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(up);
  if (m) {
    const n = Number(m[1]);
    if (n <= 65535) return n;
  }
  return undefined;
}

/** Meta and question-only types (RFC 6895 §3.1): never stored in a zone. */
export function isMetaType(type: number): boolean {
  return type === TYPE.OPT || (type >= 128 && type <= 255) || type === 0;
}

export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  NOTAUTH: 9,
  BADVERS: 16,
} as const;
