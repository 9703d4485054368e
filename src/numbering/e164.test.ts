import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { formatInternational, parseNumber, phoneNumberOf } from './e164.ts';

describe('parseNumber', () => {
  it.each([
    ['+82262006200', null, '+82262006200', 'KR', '262006200', 'FIXED_LINE'],
    ['+14165550123', null, '+14165550123', 'CA', '4165550123', 'FIXED_LINE_OR_MOBILE'], // shared code 1 resolved
    ['+15062345678', null, '+15062345678', 'CA', '5062345678', 'FIXED_LINE_OR_MOBILE'],
    ['+12025550123', null, '+12025550123', 'US', '2025550123', 'FIXED_LINE_OR_MOBILE'],
    ['+441534123456', null, '+441534123456', 'JE', '1534123456', 'FIXED_LINE'], // Jersey, code 44
    ['+442079460000', null, '+442079460000', 'GB', '2079460000', 'FIXED_LINE'],
    ['+77011234567', null, '+77011234567', 'KZ', '7011234567', 'MOBILE'], // Kazakhstan, code 7
    ['+74951234567', null, '+74951234567', 'RU', '4951234567', 'FIXED_LINE'],
    ['+358912345678', null, '+358912345678', 'FI', '912345678', 'FIXED_LINE'],
    ['+80012345678', null, '+80012345678', null, '12345678', 'TOLL_FREE'], // non-geographic
    ['0262006200', { country: 'KR' as const }, '+82262006200', 'KR', '262006200', 'FIXED_LINE'],
    ['262006200', { country: 'KR' as const }, '+82262006200', 'KR', '262006200', 'FIXED_LINE'],
    ['01182262006200', { country: 'US' as const }, '+82262006200', 'KR', '262006200', 'FIXED_LINE'], // US IDD
    ['0262006200', { callingCode: '82' }, '+82262006200', 'KR', '262006200', 'FIXED_LINE'],
    ['12025550123', { callingCode: '1' }, '+12025550123', 'US', '2025550123', 'FIXED_LINE_OR_MOBILE'],
  ])('%s in %j', (text, where, e164, country, national, type) => {
    expect(parseNumber(text, where, text)).toEqual({
      e164,
      callingCode: e164 === '+80012345678' ? '800' : expect.any(String),
      country,
      nationalNumber: national,
      type,
    });
  });

  it.each([
    ['+9991234', null, 'unknown-country-code', /no country code \(9, 99 and 999 do not exist\)/],
    ['+281234567', null, 'unknown-country-code', /28 and 281 do not exist/],
    ['+', null, 'too-short', /too short/],
    ['+8', null, 'too-short', /too short/],
    ['+822', null, 'too-short', /too short/],
    ['+822620', null, 'too-short', /too short/], // shorter than any Korean number
    ['+8226200', null, 'invalid-number', /not a valid.*KR/], // a possible length in KR, but no such range
    ['+822620062', null, 'invalid-number', /has this many digits/], // between the valid lengths
    ['+82262006200620012', null, 'too-long-number', /too long/],
    ['+15551234567', null, 'invalid-number', /no such number range/], // possible, not valid
    ['+8262006200', null, 'invalid-number', /not a valid/], // Korean number without area code
    ['123', { country: 'KR' as const }, 'too-short', /too short.*KR/],
    ['00182262006200', { callingCode: '82' }, 'invalid-number', /./], // IDD inside a national part
  ])('%s in %j -> %s', (text, where, code, message) => {
    const err = errorOf(() => parseNumber(text, where, text));
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(message);
  });
});

describe('phoneNumberOf and formatInternational', () => {
  it.each([
    ['+82262006200', '+82 2 6200 6200'],
    ['+12025550123', '+1 202 555 0123'],
    ['+442079460000', '+44 20 7946 0000'],
  ])('%s -> %s', (e164, display) => {
    expect(formatInternational(e164)).toBe(display);
  });

  it.each(['82262006200', '+082262006200', '+8', '+9991234567', '+15551234567', '', '+1234567890123456'])(
    '%j is invalid-number',
    (e164) => {
      expect(errorOf(() => phoneNumberOf(e164))?.code).toBe('invalid-number');
    },
  );
});
