// The call policy: defaults, scopes merged (the most specific wins per field, block lists add
// up), blocked and premium-rate destinations; addresses and the keys sources are counted under.
import { describe, expect, it } from 'vitest';
import { SIP_REFUSALS } from '#metrics';
import { addressSet, sourceKey } from './addresses.ts';
import { blockedDestination, createPolicies, DEFAULT_POLICY, numberInfo, scopesOf } from './policy.ts';
import type { CallerClass } from './types.ts';
import { destinationClass, REFUSALS } from './types.ts';

const member: CallerClass = {
  kind: 'member',
  memberId: 'm1',
  registrarId: 'reg-a',
  username: 'kim',
  country: 'KR',
  numbers: ['+82262006200'],
  displayName: 'Kim',
};
const anon: CallerClass = { kind: 'anonymous' };

describe('the call policy', () => {
  it('defaults: anonymous callers reach on-net only; members and peers every class', () => {
    const p = createPolicies();
    expect([...p.of(anon).access.anonymous]).toEqual(['on-net']);
    expect([...p.of(member).access.member]).toEqual(['on-net', 'pstn', 'carrier', 'partner']);
    expect(p.of(member).limits).toEqual(DEFAULT_POLICY.limits);
    expect(p.of(member).blockPremium).toBe(true);
  });

  it('scopes: default, the caller country, its registrar; anonymous callers only the default', () => {
    expect(scopesOf(member)).toEqual(['default', 'country:KR', 'registrar:reg-a']);
    expect(scopesOf(anon)).toEqual(['default']);
    expect(
      scopesOf({ kind: 'peer', peerId: 'center:KR', peer: 'center', country: 'KR', via: 'address' }),
    ).toEqual(['default', 'country:KR']);
  });

  it('the most specific scope wins per field; block lists of every scope add up', () => {
    const p = createPolicies(
      new Map([
        ['default', { limits: { memberPerMinute: 10 }, blockedPrefixes: ['882'], blockPremium: true }],
        [
          'country:KR',
          { limits: { memberPerMinute: 20, internationalPerDay: 5 }, blockedPrefixes: ['8260'] },
        ],
        [
          'registrar:reg-a',
          { limits: { memberPerMinute: 30 }, access: { member: ['on-net'] }, blockPremium: false },
        ],
      ]),
    );
    const e = p.of(member);
    expect(e.limits).toMatchObject({ memberPerMinute: 30, internationalPerDay: 5 });
    expect([...e.access.member]).toEqual(['on-net']);
    expect(e.blockPremium).toBe(false);
    expect(e.blockedPrefixes).toEqual(['882', '8260']);
    // another registrar's member of the same country
    expect(p.of({ ...member, registrarId: 'reg-b' }).limits.memberPerMinute).toBe(20);
  });

  it('replace() takes new data at once', () => {
    const p = createPolicies();
    expect(p.of(anon).limits.sourcePerMinute).toBe(600);
    p.replace(new Map([['default', { limits: { sourcePerMinute: 3 } }]]));
    expect(p.of(anon).limits.sourcePerMinute).toBe(3);
  });

  it('blocked destinations: the list, premium-rate by libphonenumber type, allowed exceptions', () => {
    const p = createPolicies(
      new Map([['default', { blockedPrefixes: ['4470'], allowedPrefixes: ['1900555'] }]]),
    ).of(anon);
    expect(numberInfo('+19005550100').type).toBe('PREMIUM_RATE');
    expect(blockedDestination(p, '+19005550100', 'PREMIUM_RATE')).toBeNull(); // allowed
    expect(blockedDestination(p, '+19004440100', 'PREMIUM_RATE')).toEqual({
      refusal: 'premium',
      why: '+19004440100 is a premium-rate number',
    });
    expect(blockedDestination(p, '+447012345678', 'PERSONAL_NUMBER')).toEqual({
      refusal: 'blocked-destination',
      why: '+447012345678 is in a blocked range',
    });
    expect(blockedDestination(p, '+12125551234', 'FIXED_LINE_OR_MOBILE')).toBeNull();
  });

  it('the destination class of a Contact is its last hop', () => {
    expect(['e164', 'registered', 'vns', 'domains>vns', 'email'].map(destinationClass)).toEqual(
      Array(5).fill('on-net'),
    );
    expect(
      ['pstn', 'e164>pstn', 'carriers', 'enum:e164.partner.test', 'emergency', 'nonsense'].map(
        destinationClass,
      ),
    ).toEqual(['pstn', 'pstn', 'carrier', 'partner', 'emergency', 'pstn']);
  });

  it('metrics count the same refusals the steps give', () => {
    expect([...SIP_REFUSALS]).toEqual([...REFUSALS]);
  });
});

describe('addresses', () => {
  it('matches addresses and prefixes of both families, IPv4 on a dual-stack socket too', () => {
    const s = addressSet(['192.0.2.0/24', '198.51.100.7', '2001:db8::/32']);
    expect(['192.0.2.55', '::ffff:192.0.2.55', '198.51.100.7', '2001:db8:1::5'].map((a) => s.has(a))).toEqual(
      [true, true, true, true],
    );
    expect(['192.0.3.1', '198.51.100.8', '2001:db9::1', 'not an address'].map((a) => s.has(a))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(addressSet([]).has('127.0.0.1')).toBe(false);
  });

  it('counts an IPv6 source by its /64, an IPv4 one by its address', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});
