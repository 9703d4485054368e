// Record data as the zone API accepts it: presentation format (as in a master file), or for
// NAPTR the structured fields, so nobody escapes a regexp inside a JSON string by hand. Every
// record is parsed with the DNS server's own RDATA parser (src/dns) and stored in its canonical
// presentation (absolute names), exactly what DNS nodes will parse again from the journal.

import { naptrRdata } from '#publish';
import { parseName, parseRdata, rdataText, TYPE, tokenizeRdata, typeFromName, typeName } from '#wire';

export interface NaptrFields {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  /** A domain name, or '.' / '' for none. */
  replacement: string;
}

/** A record as the zone API takes it: presentation format, or NAPTR fields (schemas.ts). */
export type RecordData = { content: string } | NaptrFields;

/** Types that are not data: they cannot be stored in a zone. */
const META = new Set<number>([
  TYPE.OPT,
  TYPE.TKEY,
  TYPE.TSIG,
  TYPE.IXFR,
  TYPE.AXFR,
  TYPE.MAILB,
  TYPE.MAILA,
  TYPE.ANY,
  0,
]);

export class RecordError extends Error {
  override name = 'RecordError';
}

/** The canonical type mnemonic ('naptr' -> 'NAPTR', 'TYPE35' -> 'NAPTR'), or a RecordError. */
export function canonicalType(type: string): string {
  const t = typeFromName(type);
  if (t === undefined)
    throw new RecordError(`unknown type '${type}' (use a mnemonic such as NAPTR, or TYPEnnn)`);
  if (META.has(t)) throw new RecordError(`type ${typeName(t)} is not record data`);
  return typeName(t);
}

function naptrText(n: NaptrFields): string {
  const repl = n.replacement === '' || n.replacement === '.' ? '' : n.replacement.replace(/\.$/, '');
  return naptrRdata({ ...n, replacement: repl });
}

/** Parses one record of `type`; relative names in content are completed with the zone apex. */
export function canonicalRecord(type: string, rec: RecordData, apex: string): string {
  const t = typeFromName(type)!;
  let text: string;
  if ('content' in rec) text = rec.content;
  else {
    if (t !== TYPE.NAPTR) throw new RecordError(`structured NAPTR fields given for a ${type} RRset`);
    text = naptrText(rec);
  }
  try {
    return rdataText(parseRdata(t, tokenizeRdata(text), parseName(`${apex}.`, null)));
  } catch (err) {
    throw new RecordError(`'${text}': ${(err as Error).message}`);
  }
}

/** The structured fields of a stored NAPTR record, for responses. */
export function naptrFields(content: string): NaptrFields {
  const rd = parseRdata(TYPE.NAPTR, tokenizeRdata(content), null);
  const [order, preference, flags, service, regexp, replacement] = rd.fields as [
    number,
    number,
    string,
    string,
    string,
    string[],
  ];
  return {
    order,
    preference,
    flags,
    service,
    regexp,
    replacement: replacement.length === 0 ? '.' : `${replacement.join('.')}.`,
  };
}
