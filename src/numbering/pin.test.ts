import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { parseIdentifier } from './classify.ts';
import { e164ToPin, pinCallingCode, readPin } from './pin.ts';

describe('pinCallingCode', () => {
  it.each([
    ['082', '82'],
    ['001', '1'],
    ['358', '358'],
    ['007', '7'],
    ['044', '44'],
  ])('%s -> %s', (code, cc) => {
    expect(pinCallingCode(code, code)).toBe(cc);
  });

  it.each([
    ['999', /country code 999 does not exist/],
    ['000', /country code 000 does not exist/],
    ['028', /country code 028 does not exist/],
    ['800', /800 belongs to no country/], // freephone: exists, but a PIN is in a country
    ['882', /882 belongs to no country/],
    ['82', /does not exist/], // not three digits
  ])('%s -> unknown-country-code', (code, message) => {
    const err = errorOf(() => pinCallingCode(code, code));
    expect(err?.code).toBe('unknown-country-code');
    expect(err?.message).toMatch(message);
  });
});

describe('readPin', () => {
  it.each([
    ['0262006200', '082', '+82262006200', 'KR'],
    ['262006200', '082', '+82262006200', 'KR'], // trunk prefix left out: still one number
    ['2025550123', '001', '+12025550123', 'US'],
    ['12025550123', '001', '+12025550123', 'US'], // with the NANP trunk prefix 1
    ['4165550123', '001', '+14165550123', 'CA'], // shared calling code resolved by area code
    ['01534123456', '044', '+441534123456', 'JE'],
    ['02079460000', '044', '+442079460000', 'GB'],
    ['84951234567', '007', '+74951234567', 'RU'],
    ['87011234567', '007', '+77011234567', 'KZ'],
    ['091234567', '358', '+35891234567', 'FI'],
    ['34412345', '045', '+4534412345', 'DK'], // no trunk prefix in Denmark
    ['0612345678', '033', '+33612345678', 'FR'],
  ])('%s-%s -> %s', (national, code, e164, country) => {
    expect(readPin(national, code, `${national}-${code}`)).toMatchObject({ number: e164, country });
  });

  it.each([
    ['62006200', '082', 'pin-no-area-code', /PIN has no area code.*KR.*trunk prefix 0/],
    ['5550123', '001', 'pin-no-area-code', /PIN has no area code.*US/],
    ['', '082', 'too-short', /no number before the country code/],
    ['02', '082', 'too-short', /too short/],
    ['026200620062006200', '082', 'too-long-number', /too long/],
    ['0262006200', '999', 'unknown-country-code', /999 does not exist/],
    ['12345678', '045', 'invalid-number', /not a valid telephone number in DK|with country code 45/],
    ['0012025550123', '082', 'invalid-number', /not a valid telephone number in KR/], // no IDD inside a PIN
  ])('%j-%s -> %s', (national, code, errCode, message) => {
    const err = errorOf(() => readPin(national, code, `${national}-${code}`));
    expect(err?.code).toBe(errCode);
    expect(err?.message).toMatch(message);
  });
});

describe('e164ToPin', () => {
  it.each([
    ['+82262006200', '02-6200-6200-082'],
    ['+821020000000', '010-2000-0000-082'],
    ['+12025550123', '202-555-0123-001'],
    ['+442079460000', '020-7946-0000-044'],
    ['+74951234567', '8-495-123-45-67-007'],
    ['+35891234567', '09-1234567-358'],
    ['+4534412345', '34-41-23-45-045'],
    ['+33612345678', '06-12-34-56-78-033'],
  ])('%s -> %s', (e164, pin) => {
    expect(e164ToPin(e164)).toBe(pin);
    expect(e164ToPin(e164, '')).toBe(pin.replaceAll('-', ''));
  });

  it.each([
    ['+80012345678', 'unknown-country-code'],
    ['+15551234567', 'invalid-number'],
    ['82262006200', 'invalid-number'],
  ])('%s -> %s', (e164, code) => {
    expect(errorOf(() => e164ToPin(e164))?.code).toBe(code);
  });
});

describe('PIN <-> E.164 round trip in every country', () => {
  const cases = getCountries()
    .map((country) => ({ country, n: getExampleNumber(country, examples) }))
    .filter(({ n }) => n?.isValid())
    .map(({ country, n }) => [country, n!.number] as const);

  it('covers the countries libphonenumber has examples for', () => {
    expect(cases.length).toBeGreaterThan(230);
  });

  it.each(cases)('%s %s', (country, e164) => {
    const pin = e164ToPin(e164);
    expect(pin).toMatch(/^\d+(-\d+)*-\d{3}$/);
    // written with dashes, spaces, or digits only, with or without a default country
    for (const form of [pin, pin.replaceAll('-', ' '), pin.replaceAll('-', '.'), pin.replaceAll('-', '')]) {
      expect(parseIdentifier(form), form).toMatchObject({ kind: 'pin', e164, canonical: pin });
    }
    expect(parseIdentifier(pin, { defaultCountry: country })).toMatchObject({ kind: 'pin', e164 });
  });
});
