import { describe, expect, it } from 'vitest';
import type { Country } from '#core';
import { deriveCountry } from './center.ts';
import { publishContext } from './context.ts';

const ctx = publishContext('callx.test');
const kr: Country = {
  _id: 'KR',
  callingCode: '82',
  name: 'Korea',
  registrarId: null,
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  center: {
    targets: [
      {
        host: 'sip1.kr.center.callx.test',
        port: 5060,
        priority: 10,
        weight: 60,
        transport: 'udp',
        addresses: ['192.0.2.10', '2001:db8::10'],
      },
      {
        host: 'sip2.kr.center.callx.test',
        port: 5060,
        priority: 10,
        weight: 40,
        transport: 'udp',
        addresses: ['192.0.2.11'],
      },
      {
        host: 'sip1.kr.center.callx.test',
        port: 5060,
        priority: 10,
        weight: 100,
        transport: 'tcp',
        addresses: [],
      },
      {
        host: 'edge.partner.example',
        port: 5061,
        priority: 20,
        weight: 0,
        transport: 'tls',
        addresses: ['198.51.100.1'],
      },
    ],
  },
};

describe('publish: country centers (RFC 3263)', () => {
  const rr = Object.fromEntries(deriveCountry(kr, ctx).map((r) => [`${r.name} ${r.type}`, r.rdata]));

  it('publishes NAPTRs to the SRV name of each transport, TLS first', () => {
    expect(rr['kr.center.callx.test NAPTR']).toEqual([
      '10 10 "s" "SIPS+D2T" "" _sips._tcp.kr.center.callx.test.',
      '20 10 "s" "SIP+D2T" "" _sip._tcp.kr.center.callx.test.',
      '30 10 "s" "SIP+D2U" "" _sip._udp.kr.center.callx.test.',
    ]);
  });

  it('publishes SRV per transport', () => {
    expect(rr['_sip._udp.kr.center.callx.test SRV']).toEqual([
      '10 60 5060 sip1.kr.center.callx.test.',
      '10 40 5060 sip2.kr.center.callx.test.',
    ]);
    expect(rr['_sips._tcp.kr.center.callx.test SRV']).toEqual(['20 0 5061 edge.partner.example.']);
  });

  it('publishes addresses only for hosts inside the apex', () => {
    expect(rr['sip1.kr.center.callx.test A']).toEqual(['192.0.2.10']);
    expect(rr['sip1.kr.center.callx.test AAAA']).toEqual(['2001:db8::10']);
    expect(rr['sip2.kr.center.callx.test A']).toEqual(['192.0.2.11']);
    expect(rr['edge.partner.example A']).toBeUndefined();
  });
});
