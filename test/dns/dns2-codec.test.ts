// NAPTR (and friends) in dns2's packet layer, against wire bytes captured from Knot DNS 3.2.6
// answering the demo zones (kdig-equivalent raw UDP queries, ID 0x1234, no EDNS).
import { describe, expect, it } from 'vitest';
import { Packet, registerDns2Codecs } from '../helpers/dns2.ts';

registerDns2Codecs();

const KNOT = {
  e164Naptr:
    '1234840000010003000000000130013001320136013001300132013601320132013804653136340563616c6c7804746573740000230001c00c002300010000012c003c000a00640175074532552b7369702c215e2e2a24217369703a2b3832323632303036323030406b722e63656e7465722e63616c6c782e746573742100c00c002300010000012c0027001400640175074532552b74656c17215e2e2a242174656c3a2b38323236323030363230302100c00c002300010000012c0031001e006401750c4532552b7765623a687474701c215e2e2a242168747470733a2f2f61636d652e6578616d706c652f2100',
  wildcardNaptr:
    '123484000001000100000000017801320138047073746e0563616c6c7804746573740000230001c00c002300010000012c003e0064000a0175074532552b7369702e215e5c2b282e2a2924217369703a2b5c314067772e6b722e63616c6c782e746573743b757365723d70686f6e652100',
  centerNaptr:
    '123484000001000200000000026b720663656e7465720563616c6c7804746573740000230001c00c0023000100000e10002f000a000a0173075349502b44325500045f736970045f756470026b720663656e7465720563616c6c78047465737400c00c0023000100000e10002f0014000a0173075349502b44325400045f736970045f746370026b720663656e7465720563616c6c78047465737400',
  srv: '123484000001000200000003045f736970045f756470026b720663656e7465720563616c6c7804746573740000210001c00c0021000100000e100021000a002813c40473697032026b720663656e7465720563616c6c78047465737400c00c0021000100000e100021000a003c13c40473697031026b720663656e7465720563616c6c78047465737400c0420001000100000e1000047f000a02c06f0001000100000e1000047f000a01c06f001c000100000e100010fd000082000000000000000000000001',
};

/** RDATA slices of the answer section, found by walking the message. */
function answerRdatas(buf: Buffer): Buffer[] {
  let p = 12;
  const skipName = () => {
    while (buf[p] !== 0 && (buf[p]! & 0xc0) !== 0xc0) p += buf[p]! + 1;
    p += buf[p] === 0 ? 1 : 2;
  };
  skipName();
  p += 4;
  const out: Buffer[] = [];
  for (let i = 0; i < buf.readUInt16BE(6); i++) {
    skipName();
    const len = buf.readUInt16BE(p + 8);
    out.push(buf.subarray(p + 10, p + 10 + len));
    p += 10 + len;
  }
  return out;
}

describe('dns2 NAPTR codec (RFC 3403)', () => {
  it('decodes Knot-encoded NAPTRs, including a regexp with a back-reference', () => {
    const p = Packet.parse(Buffer.from(KNOT.wildcardNaptr, 'hex'));
    expect(p.answers).toHaveLength(1);
    expect(p.answers[0]).toMatchObject({
      name: 'x.2.8.pstn.callx.test',
      type: 35,
      ttl: 300,
      order: 100,
      preference: 10,
      flags: 'u',
      service: 'E2U+sip',
      regexp: '!^\\+(.*)$!sip:+\\1@gw.kr.callx.test;user=phone!',
      replacement: '',
    });
    const c = Packet.parse(Buffer.from(KNOT.centerNaptr, 'hex'));
    expect(c.answers.map((a: { replacement: string; regexp: string }) => [a.replacement, a.regexp])).toEqual([
      ['_sip._udp.kr.center.callx.test', ''],
      ['_sip._tcp.kr.center.callx.test', ''],
    ]);
  });

  it.each(Object.entries(KNOT))('re-encodes %s to the same RDATA octets as Knot', (_name, hex) => {
    const wire = Buffer.from(hex, 'hex');
    const p = Packet.parse(wire);
    const again: Buffer = p.toBuffer();
    expect(answerRdatas(again).map((b) => b.toString('hex'))).toEqual(
      answerRdatas(wire).map((b) => b.toString('hex')),
    );
    const back = Packet.parse(again);
    expect(JSON.stringify(back.answers)).toBe(JSON.stringify(p.answers));
  });

  it('never compresses the NAPTR replacement (RFC 3403 §4.1) even when the owner repeats it', () => {
    const p = new Packet();
    p.header.id = 1;
    p.answers.push({
      name: 'a.example',
      type: 35,
      class: 1,
      ttl: 60,
      order: 1,
      preference: 2,
      flags: 's',
      service: 'SIP+D2U',
      regexp: '',
      replacement: 'a.example',
    });
    const wire: Buffer = p.toBuffer();
    // the replacement is the last 11 octets: 01 61 07 'example' 00, not a pointer
    expect(wire.subarray(wire.length - 11).toString('hex')).toBe('0161076578616d706c6500');
  });

  it('registers TSIG and IXFR type numbers', () => {
    expect(Packet.TYPE.NAPTR).toBe(35);
    expect(Packet.TYPE.TSIG).toBe(250);
    expect(Packet.TYPE.IXFR).toBe(251);
    const p = new Packet();
    p.additionals.push({
      name: 'key.example',
      type: 250,
      class: 255,
      ttl: 0,
      algorithm: 'hmac-sha256',
      timeSigned: 1_700_000_000,
      fudge: 300,
      mac: Buffer.from('00112233', 'hex'),
      originalId: 7,
      error: 0,
      other: Buffer.alloc(0),
    });
    const back = Packet.parse(p.toBuffer());
    expect(back.additionals[0]).toMatchObject({
      algorithm: 'hmac-sha256',
      timeSigned: 1_700_000_000,
      fudge: 300,
      originalId: 7,
    });
    expect(back.additionals[0].mac.toString('hex')).toBe('00112233');
  });
});
