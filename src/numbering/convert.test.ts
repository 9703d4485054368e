import { describe, expect, it } from 'vitest';
import { errorOf } from '#test/helpers/numbering';
import { pinToE164 } from './convert.ts';
import { e164ToPin } from './pin.ts';

describe('pinToE164', () => {
  it.each([
    ['02-6200-6200-082', '+82262006200'],
    ['0262006200082', '+82262006200'],
    ['202-555-0123-001', '+12025550123'],
    ['8-701-123-4567-007', '+77011234567'],
  ])('%s -> %s and back', (pin, e164) => {
    expect(pinToE164(pin)).toBe(e164);
    expect(pinToE164(e164ToPin(e164))).toBe(e164);
  });

  it.each([
    ['+82262006200', 'invalid-number'],
    ['6200-6200#082', 'invalid-number'],
    ['6200-6200-082', 'pin-no-area-code'],
    ['02-6200-6200-999', 'unknown-country-code'],
  ])('%s -> %s', (input, code) => {
    expect(errorOf(() => pinToE164(input))?.code).toBe(code);
  });
});
