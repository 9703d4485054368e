import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { formatCallerId } from './callerid.ts';

describe('formatCallerId', () => {
  it.each([
    ['+82262006200', '+82262006200', '0262006200', '0262006200082'],
    ['+821020000000', '+821020000000', '01020000000', '01020000000082'],
    ['+12025550123', '+12025550123', '2025550123', '2025550123001'],
    ['+442079460000', '+442079460000', '02079460000', '02079460000044'],
    ['+74951234567', '+74951234567', '84951234567', '84951234567007'],
    ['+4534412345', '+4534412345', '34412345', '34412345045'],
    ['+80012345678', '+80012345678', '+80012345678', '+80012345678'], // no country: stays E.164
  ])('%s', (e164, asE164, national, pin) => {
    expect(formatCallerId(e164, 'e164')).toBe(asE164);
    expect(formatCallerId(e164, 'national')).toBe(national);
    expect(formatCallerId(e164, 'pin')).toBe(pin);
  });

  it.each(['82262006200', '+15551234567', '', '+82 2 6200 6200'])('refuses %j', (e164) => {
    expect(errorOf(() => formatCallerId(e164, 'national'))?.code).toBe('invalid-number');
  });
});
