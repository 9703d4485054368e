// Decodes a response with dns2 (plus our codecs) into a comparable form: header fields, and
// each section as a sorted list of "owner ttl type rdata" strings (names lower-cased).

import { typeName } from '../../../src/wire/types.ts';
import { Packet, registerDns2Codecs } from '../../helpers/dns2.ts';

registerDns2Codecs();

export interface Normal {
  header: string;
  rcode: number;
  question: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  opt: string | null;
}

const NAME_FIELDS = new Set(['ns', 'domain', 'exchange', 'target', 'primary', 'admin', 'replacement']);

// biome-ignore lint/suspicious/noExplicitAny: dns2 resources are plain untyped objects
function rr(r: any): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'name' || k === 'type' || k === 'class' || k === 'ttl') continue;
    rest[k] = NAME_FIELDS.has(k) && typeof v === 'string' ? v.toLowerCase() : v;
  }
  return `${String(r.name).toLowerCase()} ${r.ttl} ${r.class} ${typeName(r.type)} ${JSON.stringify(rest)}`;
}

export function normalize(buf: Buffer): Normal {
  const p = Packet.parse(buf);
  const h = p.header;
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  const header = `qr=${h.qr} opcode=${h.opcode} aa=${h.aa} tc=${h.tc} rd=${h.rd} ra=${h.ra} ad=${h.ad} cd=${h.cd} counts=${counts.join(',')}`;
  // biome-ignore lint/suspicious/noExplicitAny: dns2 resources
  const opt = p.additionals.find((r: any) => r.type === 41);
  return {
    header,
    rcode: h.rcode,
    // biome-ignore lint/suspicious/noExplicitAny: dns2 questions
    question: p.questions.map((q: any) => `${String(q.name).toLowerCase()} ${q.type} ${q.class}`),
    answer: p.answers.map(rr).sort(),
    authority: p.authorities.map(rr).sort(),
    additional: (p.additionals as { type: number }[])
      .filter((r) => r.type !== 41)
      .map(rr)
      .sort(),
    opt: opt ? `udp=${opt.class} version=${opt.version} do=${opt.doFlag} ext=${opt.extendedRcode}` : null,
  };
}
