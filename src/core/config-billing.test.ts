import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config: the fee system', () => {
  it('has defaults and takes the environment', () => {
    expect(loadConfig({}).billing).toEqual({
      period: 'month',
      maxCallSeconds: 14_400,
      emergency: ['112', '911', '999', '000', '110', '119', '118', '100', '101', '102', '15', '17', '18'],
      tokenTtlSeconds: 60,
      authorize: true,
      closeAfterHours: 120,
      importLimit: 64 * 1024 * 1024,
    });
    expect(
      loadConfig({
        CALLX_BILLING_PERIOD: 'day',
        CALLX_BILLING_MAX_CALL_SECONDS: '3600',
        CALLX_BILLING_EMERGENCY: '112, 911',
        CALLX_BILLING_TOKEN_TTL_S: '30',
        CALLX_BILLING_AUTHORIZE: 'off',
        CALLX_BILLING_CLOSE_AFTER_HOURS: '0',
        CALLX_BILLING_IMPORT_LIMIT: '1048576',
      }).billing,
    ).toEqual({
      period: 'day',
      maxCallSeconds: 3600,
      emergency: ['112', '911'],
      tokenTtlSeconds: 30,
      authorize: false,
      closeAfterHours: 0,
      importLimit: 1048576,
    });
  });

  it('refuses nonsense, naming the variable', () => {
    expect(() => loadConfig({ CALLX_BILLING_PERIOD: 'week' })).toThrow(/^config: CALLX_BILLING_PERIOD: /);
    expect(() => loadConfig({ CALLX_BILLING_MAX_CALL_SECONDS: '10' })).toThrow(
      /CALLX_BILLING_MAX_CALL_SECONDS/,
    );
    expect(() => loadConfig({ CALLX_BILLING_EMERGENCY: '112,sos' })).toThrow(/CALLX_BILLING_EMERGENCY/);
    expect(() => loadConfig({ CALLX_BILLING_TOKEN_TTL_S: '0' })).toThrow(/CALLX_BILLING_TOKEN_TTL_S/);
    expect(() => loadConfig({ CALLX_BILLING_AUTHORIZE: 'yes' })).toThrow(/CALLX_BILLING_AUTHORIZE/);
  });
});
