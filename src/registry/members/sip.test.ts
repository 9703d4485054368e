import { afterEach, describe, expect, it } from 'vitest';
import { ha1 } from '#core';
import { embeddedServices, REALM, REG_A, type Services } from '#test/helpers/sales';
import { lookupSipAccount, sipCredentials } from './sip.ts';

describe('SIP credentials', () => {
  let s: (Services & { close(): Promise<void> }) | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("are the SIP registrar's HA1 in MD5 and SHA-256, never the password", () => {
    // RFC 2617 §3.5's example user, realm and password (HA1 itself is tested in src/sip/register).
    expect(sipCredentials('Mufasa', 'testrealm@host.com', 'Circle Of Life').ha1Md5).toBe(
      '939e7578ed9e3c518a452acee763bce9',
    );
    expect(sipCredentials('u', 'r', 'p')).toEqual({
      username: 'u',
      realm: 'r',
      ha1Md5: ha1('MD5', 'u', 'r', 'p'),
      ha1Sha256: ha1('SHA-256', 'u', 'r', 'p'),
    });
  });

  it('are found by username and realm, and not for a member being deleted', async () => {
    const h = await embeddedServices();
    s = h;
    const m = await h.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'k@example.com',
      country: 'KR',
    });
    await h.members.setSipCredentials(REG_A, { memberId: m.id, username: 'kim', password: 'correct horse' });
    expect(await lookupSipAccount(h.store, 'kim', REALM)).toMatchObject({
      memberId: m.id,
      registrarId: 'reg-a',
      realm: REALM,
    });
    expect(await lookupSipAccount(h.store, 'kim', 'other.realm')).toBeNull();
    expect(await lookupSipAccount(h.store, 'nobody', REALM)).toBeNull();
    await h.store.collection('members').findOneAndUpdate({ _id: m.id }, { $set: { deleting: true } });
    expect(await lookupSipAccount(h.store, 'kim', REALM)).toBeNull();
  });
});
