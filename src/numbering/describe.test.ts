import { describe, expect, it } from 'vitest';
import { parseIdentifier } from './classify.ts';
import { describeIdentifier } from './describe.ts';

describe('describeIdentifier', () => {
  it('adds key and owners to a PIN', () => {
    expect(describeIdentifier(parseIdentifier('02-6200-6200-082'), 'callx.test')).toEqual({
      kind: 'pin',
      canonical: '02-6200-6200-082',
      display: '02-6200-6200-082',
      e164: '+82262006200',
      callingCode: '82',
      country: 'KR',
      nationalNumber: '262006200',
      type: 'FIXED_LINE',
      key: 'pin:+82262006200',
      owners: {
        e164: '0.0.2.6.0.0.2.6.2.2.8.e164.callx.test',
        carriers: '0.0.2.6.0.0.2.6.2.2.8.carriers.callx.test',
        pstn: '0.0.2.6.0.0.2.6.2.2.8.pstn.callx.test',
      },
    });
  });

  it('adds the PIN form to an E.164 number of a country, not to a non-geographic one', () => {
    expect(describeIdentifier(parseIdentifier('+82 2 6200 6200'), 'callx.test')).toMatchObject({
      pin: '02-6200-6200-082',
      key: 'pin:+82262006200',
    });
    expect(describeIdentifier(parseIdentifier('+800 1234 5678'), 'callx.test')).not.toHaveProperty('pin');
  });

  it('gives VNS, email and domain their trees and no number key where there is none', () => {
    expect(describeIdentifier(parseIdentifier('6200-6200#082'), 'callx.test')).toMatchObject({
      key: 'vns:62006200',
      owners: { vns: '0.0.2.6.0.0.2.6.82.vns.callx.test' },
    });
    const email = describeIdentifier(parseIdentifier('alice@example.com'), 'callx.test');
    expect(email).not.toHaveProperty('key');
    expect(Object.keys(email.owners)).toEqual(['email']);
    expect(describeIdentifier(parseIdentifier('acme.example'), 'example.net').owners).toEqual({
      domains: 'acme.example.domains.example.net',
    });
  });
});
