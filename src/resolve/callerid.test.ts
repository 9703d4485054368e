import { describe, expect, it } from 'vitest';
import { parseIdentifier } from '#numbering';
import { type Caller, switchCallerId } from './callerid.ts';

const caller = (uri: string, display?: string): Caller => {
  let identifier = null;
  try {
    identifier = parseIdentifier(uri, { defaultCountry: 'KR' });
  } catch {}
  const country =
    identifier && (identifier.kind === 'e164' || identifier.kind === 'pin') ? identifier.country : 'KR';
  return { uri, display, header: 'From', identifier, country };
};

describe('call switching', () => {
  it.each([
    // [caller, format, destination country, PAI]
    ['sip:+82262006200@x', 'e164', 'US', '<tel:+82262006200>'],
    ['sip:0262006200@x', 'e164', 'US', '<tel:+82262006200>'],
    ['sip:+82262006200@x', 'national', 'KR', '<tel:0262006200;phone-context=+82>'],
    ['sip:+82262006200@x', 'national', 'GB', '<tel:+82262006200>'], // national only within one country
    ['sip:+82262006200@x', 'pin', 'GB', '<tel:0262006200082;phone-context=callx.test>'],
    ['sip:+12125550100@x', 'national', 'US', '<tel:2125550100;phone-context=+1>'],
    ['sip:alice@example.com', 'e164', 'US', '<sip:alice@example.com>'], // not a number: as received
  ] as const)('%s as %s towards %s', (uri, format, dest, pai) => {
    expect(switchCallerId(caller(uri), format, dest, 'callx.test')?.value).toBe(pai);
  });

  it('keeps the display name, quoted and escaped', () => {
    expect(
      switchCallerId(caller('sip:+82262006200@x', '"Kim \\"JJ\\""'), 'e164', 'KR', 'callx.test')?.value,
    ).toBe('"Kim \\"JJ\\"" <tel:+82262006200>');
    expect(switchCallerId(caller('sip:+82262006200@x', 'Kim'), 'e164', 'KR', 'callx.test')?.value).toBe(
      '"Kim" <tel:+82262006200>',
    );
  });

  it('asserts nothing for anonymous callers or none', () => {
    expect(switchCallerId(caller('sip:anonymous@anonymous.invalid'), 'e164', 'KR', 'callx.test')).toBeNull();
    expect(switchCallerId(null, 'e164', 'KR', 'callx.test')).toBeNull();
  });
});
