import { describe, expect, it } from 'vitest';
import { Writer } from '#wire';
import { decodeResponse, encodeQuery } from './wire.ts';

/** A response built by hand: one NAPTR answer (compressed owner) and an SOA in authority. */
function response(): Buffer {
  const w = new Writer(512, true);
  w.u16(0x1234);
  w.u16(0x8400 | 0x0100 | 3); // QR AA RD, NXDOMAIN
  w.u16(1);
  w.u16(1);
  w.u16(1);
  w.u16(0);
  const owner = ['1', '2', 'e164', 'callx', 'test'];
  w.name(owner, true);
  w.u16(35);
  w.u16(1);
  w.name(owner, true);
  w.u16(35);
  w.u16(1);
  w.u32(300);
  const rd = new Writer(128, false);
  rd.u16(100);
  rd.u16(10);
  rd.charString('u');
  rd.charString('E2U+sip');
  rd.charString('!^.*$!sip:a@b!');
  rd.u8(0);
  w.u16(rd.pos);
  w.bytes(rd.toBuffer());
  w.name(['callx', 'test'], true);
  w.u16(6);
  w.u16(1);
  w.u32(3600);
  const soa = new Writer(128, false);
  soa.name(['ns1', 'callx', 'test'], false);
  soa.name(['hostmaster', 'callx', 'test'], false);
  for (const v of [7, 3600, 600, 604800, 60]) soa.u32(v);
  w.u16(soa.pos);
  w.bytes(soa.toBuffer());
  return Buffer.from(w.toBuffer());
}

describe('DNS wire for the redirector', () => {
  it('encodes a query with RD, one question and an EDNS0 OPT record', () => {
    const q = encodeQuery(0xbeef, '1.2.e164.callx.test.', 35, 1232);
    expect(q.readUInt16BE(0)).toBe(0xbeef);
    expect(q.readUInt16BE(2)).toBe(0x0100);
    expect([q.readUInt16BE(4), q.readUInt16BE(6), q.readUInt16BE(8), q.readUInt16BE(10)]).toEqual([
      1, 0, 0, 1,
    ]);
    expect(q.subarray(12, 12 + 21).toString('latin1')).toBe('\x011\x012\x04e164\x05callx\x04test\x00');
    expect(q.subarray(-11).toString('hex')).toBe('00002904d0000000000000'); // root, OPT, 1232, ttl 0, rdlen 0
  });

  it('decodes NAPTR answers and the SOA of a negative answer', () => {
    const r = decodeResponse(response());
    expect([r.id, r.qr, r.aa, r.tc, r.rcode]).toEqual([0x1234, true, true, false, 3]);
    expect(r.question).toEqual({ name: '1.2.e164.callx.test', type: 35 });
    expect(r.answers).toEqual([
      {
        name: '1.2.e164.callx.test',
        type: 35,
        class: 1,
        ttl: 300,
        order: 100,
        preference: 10,
        flags: 'u',
        service: 'E2U+sip',
        regexp: '!^.*$!sip:a@b!',
        replacement: '',
      },
    ]);
    expect(r.authorities[0]).toMatchObject({ type: 6, ttl: 3600, primary: 'ns1.callx.test', minimum: 60 });
  });

  it('refuses every truncation of a response instead of reading past its end', () => {
    const full = response();
    for (let n = 0; n < full.length; n++)
      expect(() => decodeResponse(full.subarray(0, n)), `length ${n}`).toThrow();
  });
});
