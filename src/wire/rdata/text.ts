// RDATA to presentation format (zone export, logs, dns2 objects). Names are absolute.
import { type Labels, toText } from '../name.ts';
import { type Rdata, SCHEMA } from './schema.ts';

/** A quoted <character-string>: '"' and '\' escaped, octets outside printable ASCII as \DDD. */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92) out += `\\${s[i]}`;
    else if (c < 32 || c >= 127) out += `\\${String(c).padStart(3, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

export function ipv6Text(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function rdataText(rd: Rdata): string {
  const kinds = SCHEMA.get(rd.type);
  if (!kinds) {
    const raw = rd.fields[0] as Buffer;
    return raw.length === 0 ? '\\# 0' : `\\# ${raw.length} ${raw.toString('hex').toUpperCase()}`;
  }
  const parts: string[] = [];
  kinds.forEach((kind, i) => {
    const v = rd.fields[i]!;
    switch (kind) {
      case 'u8':
      case 'u16':
      case 'u32':
      case 'period':
        parts.push(String(v));
        break;
      case 'cname':
      case 'name':
        parts.push(toText(v as Labels));
        break;
      case 'a':
        parts.push(Array.from(v as Buffer).join('.'));
        break;
      case 'aaaa':
        parts.push(ipv6Text(v as Buffer));
        break;
      case 'str':
        parts.push(quoteString(v as string));
        break;
      case 'strs':
        for (const s of v as string[]) parts.push(quoteString(s));
        break;
    }
  });
  return parts.join(' ');
}
