import { describe, expect, it } from 'vitest';
import { ServiceError } from '../auth/errors.ts';
import { checkHost, checkPrefixes } from './common.ts';

describe('routing: checks', () => {
  it.each(['gw.kr.callx.test', 'gw.example:5080', '192.0.2.1', '192.0.2.1:5060', '[2001:db8::1]:5061'])(
    'accepts host %s',
    (h) => {
      expect(() => checkHost(h, 'host')).not.toThrow();
    },
  );

  it.each([
    'gw!x',
    'sip:gw.example',
    'gw.example:0',
    'gw.example:70000',
    'a b',
    'gw.example;transport=tcp',
    '',
  ])('refuses host %j: it would break the NAPTR regexp or the URI', (h) => {
    expect(() => checkHost(h, 'host')).toThrow(ServiceError);
  });

  it('names each bad prefix with a pointer', () => {
    try {
      checkPrefixes(['82', '+44', '0123', '1234567890123456'], 'prefixes');
      expect.unreachable();
    } catch (err) {
      expect((err as ServiceError).fields.map((f) => f.pointer)).toEqual([
        '/prefixes/1',
        '/prefixes/2',
        '/prefixes/3',
      ]);
    }
  });
});
