import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { classifyNumber, looksNumeric } from './numeric.ts';

const KR = 'KR' as CountryCode;

describe('looksNumeric', () => {
  it.each([
    ['02-6200-6200-082', true],
    ['+82 (0)2 6200 6200', true],
    ['62006200%2382', true],
    ['٠٢٦٢٠٠', true],
    ['alice', false],
    ['1-800-FLOWERS', false],
    ['', false],
  ])('%j -> %s', (text, out) => {
    expect(looksNumeric(text)).toBe(out);
  });
});

describe('classifyNumber: which reading wins', () => {
  it.each<[string, CountryCode | undefined, string, string, string?]>([
    // leading '+': always E.164
    ['+82 2 6200 6200', undefined, 'e164', '+82262006200', 'international'],
    ['(+82) 2-6200-6200', KR, 'e164', '+82262006200', 'international'],
    ['+44 (0)20 7946 0000', undefined, 'e164', '+442079460000', 'international'],
    // '#': always VNS
    ['6200-6200#082', KR, 'vns', '6200-6200#082'],
    ['62006200%2382', undefined, 'vns', '6200-6200#082'],
    // a separated three-digit last group that is a valid PIN
    ['02-6200-6200-082', undefined, 'pin', '02-6200-6200-082'],
    ['02-6200-6200-082', 'DE' as CountryCode, 'pin', '02-6200-6200-082'],
    ['02 6200 6200 082', KR, 'pin', '02-6200-6200-082'],
    // a separated three-digit group that is not a PIN: the national reading
    ['030 123 456', 'DE' as CountryCode, 'e164', '+4930123456', 'national'],
    // unseparated digits: the caller's dialling rules first
    ['5062345678', 'CA' as CountryCode, 'e164', '+15062345678', 'national'], // also PIN 506-2345-678 (VU)
    ['0262006200082', 'DE' as CountryCode, 'e164', '+49262006200082', 'national'],
    ['0262006200082', KR, 'pin', '02-6200-6200-082'], // too long in KR: the PIN
    ['0262006200082', undefined, 'pin', '02-6200-6200-082'],
    ['0262006200', KR, 'e164', '+82262006200', 'national'],
    ['262006200', KR, 'e164', '+82262006200', 'national'],
    // international prefixes
    ['0082262006200', undefined, 'e164', '+82262006200', 'idd'],
    ['0082262006200', KR, 'e164', '+82262006200', 'idd'], // 008 is a Korean IDD too; 00 decides
    ['00 82 2 6200 6200', 'US' as CountryCode, 'e164', '+82262006200', 'idd'],
    ['011 82 2 6200 6200', 'US' as CountryCode, 'e164', '+82262006200', 'idd'],
    ['0011 82 2 6200 6200', 'AU' as CountryCode, 'e164', '+82262006200', 'idd'],
    ['810 82 2 6200 6200', 'RU' as CountryCode, 'e164', '+82262006200', 'idd'],
    ['00182262006200', KR, 'e164', '+82262006200', 'idd'], // Korean carrier IDD 001
  ])('%j in %s -> %s %s', (text, country, kind, canonical, written) => {
    const id = classifyNumber(text, country, text);
    expect(id.kind).toBe(kind);
    expect(id.canonical).toBe(canonical);
    if (written) expect(id).toMatchObject({ written });
  });

  it.each<[string, CountryCode | undefined, string, RegExp]>([
    ['02-6200-6200', undefined, 'national-needs-country', /national number.*no country/],
    ['0262006200', undefined, 'national-needs-country', /national number/],
    ['1234', undefined, 'national-needs-country', /national number/],
    ['011 82 2 6200 6200', undefined, 'national-needs-country', /national number/], // 011 is only US's IDD
    ['6200-6200-082', undefined, 'pin-no-area-code', /PIN has no area code/],
    ['6200-6200-082', KR, 'pin-no-area-code', /PIN has no area code/],
    ['62006200082', undefined, 'pin-no-area-code', /PIN has no area code/],
    [
      '02-6200-6200-999',
      undefined,
      'unknown-country-code',
      /999 does not exist.*national number needs its country/,
    ],
    ['02-6200-6200-999', KR, 'unknown-country-code', /999 does not exist$/],
    ['030 123 456', undefined, 'unknown-country-code', /456 does not exist/],
    ['0099912345678', undefined, 'unknown-country-code', /999 do not exist/],
    ['02-6200', KR, 'invalid-number', /KR/],
    ['0', KR, 'too-short', /too short/],
    ['02', KR, 'too-short', /too short/],
    ['+', undefined, 'too-short', /no digits after \+/],
    ['+82', undefined, 'too-short', /too short/],
    ['+82 2 6200 6200 6200 12', undefined, 'too-long-number', /too long/],
    ['1'.repeat(25), KR, 'too-long-number', /more than 24 digits/],
    ['--', undefined, 'bad-characters', /no digits/],
    ['+82+2', undefined, 'bad-characters', /'\+' may only start/],
    ['02*6200', KR, 'bad-characters', /unexpected character '\*'/],
    ['😀', undefined, 'bad-characters', /unexpected character '😀'/],
    ['6200#6200#82', undefined, 'bad-vns', /exactly one '#'/],
  ])('%j in %s -> %s', (text, country, code, message) => {
    const err = errorOf(() => classifyNumber(text, country, text));
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
  });
});
