import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Country, Member, PartnerCarrier, PstnGateway, RRsetDoc, ZoneDoc } from '#core';
import { publishContext } from './context.ts';
import { createDerivation, DERIVATION_VERSION, derivationFor, sameContribution } from './derivation.ts';

const v = { version: 1, createdAt: 0, updatedAt: 0 };
const individual: Member = {
  ...v,
  _id: 'm1',
  registrarId: 'r1',
  type: 'individual',
  displayName: 'Alice',
  email: 'alice@example.com',
  publishEmail: true,
  country: 'KR',
  numbers: [{ kind: 'pin', e164: '+82262006200' }],
  otherCarriers: ['sip:alice@voip.example', '+12025550123'],
  contactPstn: '+821012345678',
  homePage: 'https://alice.example',
};
const company: Member = {
  ...v,
  _id: 'm2',
  registrarId: 'r1',
  type: 'company',
  displayName: 'Acme',
  domain: 'acme.example',
  email: 'info@acme.example',
  publishEmail: true,
  homePage: 'https://acme.example/',
  country: 'KR',
  numbers: [
    {
      kind: 'vns',
      base: '62006200',
      branches: [
        { country: 'KR', sipUri: 'sip:desk@acme.example', pstn: '+82262006201' },
        { country: 'US', pstn: '+12025550100' },
        { country: 'CA' },
      ],
    },
    { kind: 'pin', e164: '+14165550123' },
  ],
  otherCarriers: [],
} as Member;
const chosen: Member = { ...individual, _id: 'm3', centerCountry: 'US', email: 'lee@example.com' };
const country: Country = {
  ...v,
  _id: 'KR',
  callingCode: '82',
  name: 'Korea',
  registrarId: null,
  center: {
    targets: [
      {
        host: 'sip1.kr.center.callx.test',
        port: 5060,
        priority: 10,
        weight: 10,
        transport: 'udp',
        addresses: ['192.0.2.10', '2001:db8::10'],
      },
      { host: 'sip.partner.example', port: 5061, priority: 20, weight: 10, transport: 'tls', addresses: [] },
    ],
  },
};
const gateways: PstnGateway[] = [
  { ...v, _id: 'gw1', name: 'kr', host: 'gw.kr.callx.test', prefixes: ['82', '8210'], registrarId: null },
  { ...v, _id: 'gw2', name: 'all', host: 'gw.callx.test', prefixes: [''], registrarId: null },
];
const carriers: PartnerCarrier[] = [
  {
    ...v,
    _id: 'c1',
    name: 'p',
    ingress: 'sip.p.example',
    ranges: ['4420'],
    callerIdFormat: 'national',
    registrarId: null,
  },
];
const zone: ZoneDoc = {
  ...v,
  _id: 'acme.example',
  registrarId: 'r1',
  soa: {
    mname: 'ns1.acme.example',
    rname: 'hostmaster.acme.example',
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
    ttl: 3600,
  },
  ns: ['ns1.acme.example'],
};
const rrset: RRsetDoc = {
  ...v,
  _id: 'acme.example|www.acme.example|A',
  zone: 'acme.example',
  name: 'www.acme.example',
  type: 'a',
  ttl: 300,
  records: ['192.0.2.80'],
};

describe('the derivation', () => {
  const d = derivationFor({ apex: 'callx.test' });

  it('derives documents, deleted zones and the routing aggregates in one place', () => {
    expect(d.version).toBe(DERIVATION_VERSION);
    expect(d.context).toEqual(publishContext('callx.test'));
    expect(d.derive('members', individual).rrsets.map((r) => r.name)).toContain(
      '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
    );
    expect(d.derive('zones', { ...zone, deleted: true })).toEqual({
      rrsets: [],
      deletedZone: 'acme.example',
    });
    expect(d.derive('gateways', gateways[0])).toEqual({ rrsets: [] }); // published by its aggregate
    expect(d.aggregates.map((a) => [a.collection, a.source])).toEqual([
      ['gateways', { kind: 'aggregate', tree: 'pstn' }],
      ['carriers', { kind: 'aggregate', tree: 'carriers' }],
    ]);
  });

  it('compares contributions record by record', () => {
    const a = d.derive('members', individual);
    expect(sameContribution(a, d.derive('members', structuredClone(individual)))).toBe(true);
    expect(sameContribution(a, d.derive('members', { ...individual, homePage: 'https://b.example' }))).toBe(
      false,
    );
    const ttl = createDerivation(publishContext('callx.test', { member: 600 }));
    expect(sameContribution(a, ttl.derive('members', individual))).toBe(false);
    expect(sameContribution({ rrsets: [] }, { rrsets: [], deletedZone: 'x.example' })).toBe(false);
  });

  // What every kind of document derives, as a digest. When this fails you changed what callx
  // publishes: bump DERIVATION_VERSION (src/publish/derivation.ts) and put the new digest here,
  // so that DNS nodes and `callx registry republish` know the records changed
  // (docs/registry.md, "Derivation versions"). A refactoring that derives the same records
  // keeps both.
  it('publishes a number suspended for unpaid rent as a TXT marker, its other numbers as before', () => {
    const two: Member = {
      ...individual,
      numbers: [...individual.numbers, { kind: 'pin', e164: '+82262006201' }],
    };
    const rrsets = d.derive('members', { ...two, suspendedNumbers: ['pin:+82262006200'] }).rrsets;
    expect(rrsets.filter((r) => r.name.startsWith('0.0.2.6.0.0.2.6.2.2.8.'))).toEqual([
      { name: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test', type: 'TXT', ttl: 300, rdata: ['"callx-suspended"'] },
    ]);
    expect(rrsets.find((r) => r.name.startsWith('1.0.2.6.'))?.type).toBe('NAPTR');
    const vns = d.derive('members', { ...company, suspendedNumbers: ['vns:62006200'] }).rrsets;
    expect(vns.filter((r) => r.name.endsWith('vns.callx.test')).map((r) => r.type)).toEqual(['TXT', 'TXT']);
  });

  it('derives what its version says (bump DERIVATION_VERSION with any change of output)', () => {
    const out = {
      members: [individual, company, chosen, { ...company, suspendedNumbers: ['vns:62006200'] }].map((m) =>
        d.derive('members', m),
      ),
      countries: d.derive('countries', country),
      zones: [d.derive('zones', zone), d.derive('zones', { ...zone, deleted: true })],
      rrsets: d.derive('rrsets', rrset),
      aggregates: d.aggregates.map((a) => a.derive(a.collection === 'gateways' ? gateways : carriers)),
    };
    const digest = createHash('sha256').update(JSON.stringify(out)).digest('hex');
    expect({ version: DERIVATION_VERSION, digest }).toEqual({
      version: 3,
      digest: '53b138eb03f61d842b7f5b243cb779ae3e1d84a3cc05f10f4929a88324fd703f',
    });
  });
});
