// NAPTR RDATA in master-file presentation format (RFC 3403 §4.1), as journal entries carry it.

/** A character-string in presentation format: quoted, with '"' and '\' escaped. */
export function quoted(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface Naptr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement?: string;
}

export function naptrRdata(n: Naptr): string {
  const replacement = n.replacement ? `${n.replacement}.` : '.';
  return `${n.order} ${n.preference} ${quoted(n.flags)} ${quoted(n.service)} ${quoted(n.regexp)} ${replacement}`;
}

/** A terminal rule that maps every number onto one URI: "!^.*$!<uri>!". */
export function terminal(order: number, preference: number, service: string, uri: string): string {
  if (uri.includes('!')) throw new Error(`publish: URI ${uri} contains the regexp delimiter '!'`);
  return naptrRdata({ order, preference, flags: 'u', service, regexp: `!^.*$!${uri}!` });
}
