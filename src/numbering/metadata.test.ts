import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import {
  callingCodeExists,
  callingCodeOf,
  countriesOf,
  isNonGeographic,
  toCountry,
  trunkPrefix,
} from './metadata.ts';

describe('toCountry', () => {
  it.each([
    ['KR', 'KR'],
    ['kr', 'KR'],
    [' us ', 'US'],
  ])('%j -> %s', (input, out) => {
    expect(toCountry(input)).toBe(out);
  });

  it.each(['', 'XX', 'KOR', 'K', '82', 'ZZ', 'Kr1'])('%j is unknown-country', (input) => {
    expect(errorOf(() => toCountry(input))?.code).toBe('unknown-country');
  });
});

describe('calling codes', () => {
  it.each([
    ['KR', '82'],
    ['us', '1'],
    ['CA', '1'],
    ['FI', '358'],
  ])('callingCodeOf(%s) is %s', (country, cc) => {
    expect(callingCodeOf(country)).toBe(cc);
  });

  it('callingCodeOf refuses an unknown country', () => {
    expect(errorOf(() => callingCodeOf('XX'))?.code).toBe('unknown-country');
  });

  it.each([
    ['82', ['KR']],
    ['358', ['FI', 'AX']],
    ['44', ['GB', 'GG', 'IM', 'JE']],
    ['7', ['RU', 'KZ']],
    ['800', []], // international freephone: exists, no country
    ['999', []],
    ['0', []],
    ['082', []], // no leading zeros in a calling code
    ['1234', []],
  ])('%s -> %j', (cc, countries) => {
    expect(countriesOf(cc)).toEqual(countries);
  });

  it('resolves 1 to the NANP countries, US first', () => {
    expect(countriesOf('1')[0]).toBe('US');
    expect(countriesOf('1')).toEqual(expect.arrayContaining(['CA', 'PR', 'JM']));
  });

  it.each([
    ['82', true, false],
    ['1', true, false],
    ['800', true, true],
    ['882', true, true],
    ['999', false, false],
    ['', false, false],
  ])('%j exists=%s nonGeographic=%s', (cc, exists, nonGeo) => {
    expect(callingCodeExists(cc)).toBe(exists);
    expect(isNonGeographic(cc)).toBe(nonGeo);
  });

  it('knows the calling code of every country libphonenumber knows', () => {
    for (const country of getCountries()) {
      const cc = getCountryCallingCode(country);
      expect(callingCodeExists(cc), country).toBe(true);
      expect(countriesOf(cc), country).toContain(country);
    }
  });
});

describe('trunkPrefix', () => {
  it.each([
    ['KR', '0'],
    ['GB', '0'],
    ['DE', '0'],
    ['US', '1'],
    ['RU', '8'],
    ['DK', null],
    ['ES', null],
  ])('%s -> %j', (country, prefix) => {
    expect(trunkPrefix(toCountry(country))).toBe(prefix);
  });
});
