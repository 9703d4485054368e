// Emergency short codes from libphonenumber's per-region data, read in the caller's country.
import { describe, expect, it } from 'vitest';
import { emergencyDial, emergencyOwner, emergencyRegions, isEmergencyNumber } from './emergency.ts';

describe('emergency numbers', () => {
  it.each([
    ['sip:112@callx.test', 'KR', { code: '112', country: 'KR' }],
    ['sip:119@callx.test;user=phone', 'KR', { code: '119', country: 'KR' }],
    ['tel:911', 'US', { code: '911', country: 'US' }],
    ['112', 'DE', { code: '112', country: 'DE' }],
    ['sips:999@callx.test', 'GB', { code: '999', country: 'GB' }],
    // the phone-context names the country, whoever calls
    ['tel:911;phone-context=+1', 'KR', { code: '911', country: 'US' }],
    ['sip:112;phone-context=+82@callx.test', null, { code: '112', country: 'KR' }],
  ])('%s from %s', (target, country, want) => {
    expect(emergencyDial(target, country)).toEqual(want);
  });

  it.each([
    ['sip:1120@callx.test', 'KR'],
    ['sip:+82262006200@callx.test', 'KR'],
    ['sip:911@callx.test', 'KR'], // not Korea's
    ['sip:112@callx.test', null], // no country to read it in
    ['sip:alice@example.com', 'KR'],
  ])('%s from %s: not an emergency call', (target, country) => {
    expect(emergencyDial(target, country)).toBeNull();
  });

  it("works the caller's country out only for short codes", () => {
    let asked = 0;
    const country = () => {
      asked++;
      return 'KR';
    };
    expect(emergencyDial('sip:+82262006200@callx.test', country)).toBeNull();
    expect(asked).toBe(0);
    expect(emergencyDial('sip:112@callx.test', country)).toEqual({ code: '112', country: 'KR' });
    expect(asked).toBe(1);
  });

  it('knows every region and its codes; names the emergency tree', () => {
    expect(emergencyRegions().length).toBeGreaterThan(200);
    expect(isEmergencyNumber('000', 'AU')).toBe(true);
    expect(isEmergencyNumber('110', 'JP')).toBe(true);
    expect(isEmergencyNumber('999', 'US')).toBe(false);
    expect(emergencyOwner('KR', 'callx.test')).toBe('kr.emergency.callx.test');
  });
});
