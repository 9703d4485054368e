import { describe, expect, it } from 'vitest';
import { parseInput, RegistryError } from '../kernel/index.ts';
import { CarrierInput, CountryInput, GatewayInput, isSipHost } from './schemas.ts';

function issuesOf(schema: Parameters<typeof parseInput>[0], input: unknown) {
  try {
    parseInput(schema, input, 'test');
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('invalid-input');
    return (err as RegistryError).issues;
  }
  return [];
}

describe('routing: input rules', () => {
  it.each(['gw.kr.callx.test', 'gw.example:5080', '192.0.2.1', '192.0.2.1:5060', '[2001:db8::1]:5061'])(
    'accepts host %s',
    (h) => {
      expect(isSipHost(h)).toBe(true);
    },
  );

  it.each([
    'gw!x',
    'sip:gw.example',
    'gw.example:0',
    'gw.example:70000',
    'a b',
    'gw.example;transport=tcp',
    '',
  ])('refuses host %j: it would break the NAPTR regexp or the URI', (h) => {
    expect(isSipHost(h)).toBe(false);
    expect(issuesOf(GatewayInput, { name: 'x', host: h, prefixes: ['1'] }).map((i) => i.pointer)).toEqual([
      '/host',
    ]);
  });

  it('names every bad field with a pointer, and counts a prefix given twice once', () => {
    expect(
      issuesOf(GatewayInput, {
        name: 'x',
        host: 'gw!x',
        prefixes: ['82', '+44', '0123', '1234567890123456'],
      }).map((i) => i.pointer),
    ).toEqual(['/host', '/prefixes/1', '/prefixes/2', '/prefixes/3']);
    expect(GatewayInput.parse({ name: 'x', host: 'gw.example', prefixes: ['82', '82'] }).prefixes).toEqual([
      '82',
    ]);
    expect(
      issuesOf(CountryInput, {
        code: 'XX',
        name: 'x',
        center: { targets: [{ host: 'bad host', addresses: ['300.1.1.1'] }] },
      }).map((i) => [i.pointer, i.message]),
    ).toEqual([
      ['/code', expect.stringContaining('ISO 3166')],
      ['/center/targets/0/host', "'bad host' is not a host name"],
      ['/center/targets/0/addresses/0', "'300.1.1.1' is not an IP address"],
    ]);
  });

  it('refuses a prefix no valid number starts with, saying why (issue 11: demo data must be dialable)', () => {
    expect(
      issuesOf(CarrierInput, { name: 'p', ingress: 'sip.p.example', ranges: ['12025550', '155501'] }).map(
        (i) => [i.pointer, i.message],
      ),
    ).toEqual([['/ranges/1', expect.stringContaining('no valid number starts with +155501')]]);
    expect(issuesOf(GatewayInput, { name: 'x', host: 'gw.example', prefixes: ['8201'] })).toMatchObject([
      { pointer: '/prefixes/0', message: expect.stringContaining('+82 is KR') },
    ]);
  });

  it('reads a country in any case and an ENUM suffix as a lower-case name without the root dot', () => {
    expect(
      CountryInput.parse({ code: 'kr', name: 'Korea', center: { targets: [{ host: 'sip.kr' }] } }),
    ).toMatchObject({
      code: 'KR',
      center: { targets: [{ host: 'sip.kr', port: 5060, priority: 10, transport: 'udp' }] },
    });
    expect(
      CarrierInput.parse({
        name: 'p',
        ingress: 'sbc.p.example',
        ranges: ['44'],
        enumSuffix: 'E164.P.Example.',
      }),
    ).toMatchObject({ enumSuffix: 'e164.p.example', callerIdFormat: 'e164' });
    expect(
      issuesOf(CarrierInput, {
        name: 'p',
        ingress: 'sbc.p.example',
        ranges: ['44'],
        enumSuffix: 'no spaces.x',
      }),
    ).toMatchObject([{ pointer: '/enumSuffix' }]);
  });
});
