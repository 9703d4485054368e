import { describe, expect, it } from 'vitest';
import type { PartnerCarrier, PstnGateway } from '#core';
import { publishContext } from './context.ts';
import { deriveCarrierTree, derivePstnTree, deriveRouteTree, rewriteOnto } from './routes.ts';

const ctx = publishContext('callx.test');
const route = (prefix: string, target: string) => ({ prefix, rdata: [target] });
const owners = (rr: { name: string; rdata: string[] }[]) =>
  Object.fromEntries(rr.map((r) => [r.name, r.rdata]));

describe('publish: prefix routing trees', () => {
  it.each([
    {
      name: 'one prefix: one wildcard',
      routes: [route('82', 'KR')],
      want: { '*.2.8.pstn.callx.test': ['KR'] },
    },
    {
      // the fillers a longer prefix needs are the DNS nodes' (src/dns/feed/fillers.ts)
      name: 'a longer prefix: the routes alone, no fillers',
      routes: [route('82', 'KR'), route('8255', 'BUSAN')],
      want: { '*.2.8.pstn.callx.test': ['KR'], '*.5.5.2.8.pstn.callx.test': ['BUSAN'] },
    },
    {
      name: 'the empty prefix routes everything',
      routes: [route('', 'ALL'), route('44', 'UK')],
      want: { '*.pstn.callx.test': ['ALL'], '*.4.4.pstn.callx.test': ['UK'] },
    },
    {
      name: 'two targets on one prefix make one RRset',
      routes: [route('82', 'A'), route('82', 'B'), route('82', 'A')],
      want: { '*.2.8.pstn.callx.test': ['A', 'B'] },
    },
  ])('$name', ({ routes, want }) => {
    expect(owners(deriveRouteTree('pstn', routes, ctx))).toEqual(want);
  });

  it('carries the route TTL', () => {
    expect(deriveRouteTree('carriers', [route('44', 'X')], ctx)[0]).toMatchObject({
      name: '*.4.4.carriers.callx.test',
      type: 'NAPTR',
      ttl: 3600,
    });
  });

  it('rewrites the number onto the gateway as the peers zone does', () => {
    expect(rewriteOnto('gw.kr.callx.test', ';user=phone', 10)).toBe(
      '100 10 "u" "E2U+sip" "!^\\\\+(.*)$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .',
    );
  });

  it('orders gateways sharing a prefix by id', () => {
    const gw = (id: string, host: string): PstnGateway => ({
      _id: id,
      name: id,
      host,
      prefixes: ['82'],
      registrarId: null,
      version: 1,
      createdAt: 0,
      updatedAt: 0,
    });
    const [rr] = derivePstnTree([gw('b', 'gw2.test'), gw('a', 'gw1.test')], ctx);
    expect(rr?.rdata).toEqual([
      rewriteOnto('gw1.test', ';user=phone', 10),
      rewriteOnto('gw2.test', ';user=phone', 11),
    ]);
  });

  it('refuses a prefix that is not E.164 digits', () => {
    expect(() => deriveRouteTree('pstn', [route('8x', 'X')], ctx)).toThrow(/8x/);
  });

  it.each([
    ['e164', ';user=phone'],
    ['national', ';user=phone;callx-cid=national'],
    ['pin', ';user=phone;callx-cid=pin'],
  ] as const)('tells the redirector a partner wants caller ids as %s', (format, params) => {
    const carrier: PartnerCarrier = {
      _id: 'p1',
      name: 'Partner',
      ingress: 'sip.partner.example',
      ranges: ['4420'],
      callerIdFormat: format,
      registrarId: null,
      version: 1,
      createdAt: 0,
      updatedAt: 0,
    };
    expect(deriveCarrierTree([carrier], ctx)[0]?.rdata).toEqual([
      rewriteOnto('sip.partner.example', params, 10),
    ]);
  });
});
