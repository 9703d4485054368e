// RDATA from presentation tokens (master files, HTTP RRsets, journal entries).
import { isIPv4, isIPv6 } from 'node:net';
import { type Labels, NameError, parseName } from '../name.ts';
import type { FieldValue, Rdata } from './schema.ts';
import { SCHEMA } from './schema.ts';
import { pack, readRdata, WireError } from './wire.ts';

export class RdataError extends Error {
  override name = 'RdataError';
}

export interface RdToken {
  text: string;
  quoted: boolean;
}

/** TTL or SOA timer: decimal seconds or BIND units (1w2d3h4m5s), at most 2^31-1. */
export function parseTtl(text: string): number {
  let total = 0;
  if (/^[0-9]+$/.test(text)) total = Number(text);
  else {
    const re = /([0-9]+)([wdhms])/gi;
    let consumed = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index !== consumed) break;
      consumed += m[0].length;
      const mult = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 }[m[2]!.toLowerCase() as 'w'] ?? 1;
      total += Number(m[1]) * mult;
    }
    if (consumed !== text.length || text.length === 0) throw new RdataError(`bad TTL '${text}'`);
  }
  if (total > 0x7fffffff) throw new RdataError(`TTL '${text}' is larger than 2147483647`);
  return total;
}

/** Resolves \X and \DDD escapes of a character-string into octets (latin1). */
export function unescapeString(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const d = /^[0-9]{3}/.exec(raw.slice(i + 1, i + 4));
    if (d) {
      const v = Number(d[0]);
      if (v > 255) throw new RdataError(`bad escape \\${d[0]}`);
      out += String.fromCharCode(v);
      i += 3;
    } else {
      out += raw[++i] ?? '';
    }
  }
  return out;
}

function uint(text: string, bits: 8 | 16 | 32, what: string): number {
  if (!/^[0-9]+$/.test(text)) throw new RdataError(`bad ${what} '${text}'`);
  const v = Number(text);
  if (v >= 2 ** bits) throw new RdataError(`${what} '${text}' does not fit ${bits} bits`);
  return v;
}

function name(text: string, origin: Labels | null): Labels {
  try {
    return parseName(text, origin);
  } catch (err) {
    if (err instanceof NameError) throw new RdataError(`bad name '${text}': ${err.message}`);
    throw err;
  }
}

// short strings (NAPTR flags and services) repeat a lot in big zones: share one copy
const interned = new Map<string, string>();

function charString(t: RdToken): string {
  const s = unescapeString(t.text);
  if (s.length > 255) throw new RdataError(`character-string longer than 255 octets`);
  if (s.length > 12) return s;
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < 10_000) interned.set(s, s);
  return s;
}

function generic(type: number, tokens: RdToken[]): Rdata {
  const len = uint(tokens[1]?.text ?? '', 16, 'generic RDATA length');
  const hex = tokens
    .slice(2)
    .map((t) => t.text)
    .join('');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RdataError('bad hex in generic RDATA');
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== len) throw new RdataError(`generic RDATA has ${raw.length} octets, length says ${len}`);
  try {
    return readRdata(type, raw, 0, raw.length);
  } catch (err) {
    if (err instanceof WireError) throw new RdataError(`generic RDATA: ${err.message}`);
    throw err;
  }
}

/** Parses the RDATA tokens of one record of `type`; `origin` completes relative names. */
export function parseRdata(type: number, tokens: RdToken[], origin: Labels | null): Rdata {
  if (tokens[0] && !tokens[0].quoted && tokens[0].text === '\\#') return generic(type, tokens);
  const kinds = SCHEMA.get(type);
  if (!kinds) throw new RdataError(`type ${type} needs the generic form '\\# <length> <hex>'`);
  const fields: FieldValue[] = new Array(kinds.length); // exact size (see model/rrsets.ts)
  let i = 0;
  for (let f = 0; f < kinds.length; f++) {
    const kind = kinds[f]!;
    if (kind === 'strs') {
      if (i >= tokens.length) throw new RdataError('missing character-string');
      fields[f] = tokens.slice(i).map(charString);
      i = tokens.length;
      continue;
    }
    const t = tokens[i++];
    if (!t) throw new RdataError(`missing field ${i} (${kind})`);
    switch (kind) {
      case 'u8':
        fields[f] = uint(t.text, 8, 'number');
        break;
      case 'u16':
        fields[f] = uint(t.text, 16, 'number');
        break;
      case 'u32':
        fields[f] = uint(t.text, 32, 'number');
        break;
      case 'period':
        fields[f] = parseTtl(t.text);
        break;
      case 'cname':
      case 'name':
        fields[f] = name(t.text, origin);
        break;
      case 'a':
        if (!isIPv4(t.text)) throw new RdataError(`bad IPv4 address '${t.text}'`);
        fields[f] = Buffer.from(t.text.split('.').map(Number));
        break;
      case 'aaaa':
        if (!isIPv6(t.text)) throw new RdataError(`bad IPv6 address '${t.text}'`);
        fields[f] = ipv6Bytes(t.text);
        break;
      case 'str':
        fields[f] = charString(t);
        break;
    }
  }
  if (i < tokens.length) throw new RdataError(`unexpected '${tokens[i]!.text}' after the RDATA`);
  return pack({ type, fields });
}

export function ipv6Bytes(text: string): Buffer {
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = `${s.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}
