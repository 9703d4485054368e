import { describe, expect, it } from 'vitest';
import type { Member } from '#core';
import { memberIdentityKeys } from './terminals.ts';

describe('memberIdentityKeys', () => {
  it('names every identity a member answers for now: PINs, VNS branches by calling code, domain, address, SIP user', () => {
    const m = {
      _id: 'm1',
      type: 'company',
      domain: 'acme.example',
      email: 'Info@acme.example',
      country: 'US',
      numbers: [
        { kind: 'pin', e164: '+14165550123' },
        {
          kind: 'vns',
          base: '62006200',
          branches: [{ country: 'US' }, { country: 'CA' }, { country: 'KR' }],
        },
      ],
      sip: { username: 'acme', realm: 'callx.test', ha1Md5: '', ha1Sha256: '' },
    } as unknown as Member;
    expect(memberIdentityKeys(m, 'CallX.test')).toEqual([
      'tel:+14165550123',
      'vns:62006200#1',
      'vns:62006200#82',
      'email:info@acme.example',
      'domain:acme.example',
      'sip:acme@callx.test',
    ]);
  });
});
