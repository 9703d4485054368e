import { afterEach, describe, expect, it } from 'vitest';
import type { Claim, Member } from '#core';
import { codeOf, embeddedServices, REG_A, type Services } from '#test/helpers/sales';

describe('register', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('claims, writes through the publisher, then binds', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, {
      type: 'company',
      displayName: 'Acme',
      domain: 'ACME.example',
      email: 'info@acme.example',
      country: 'kr',
    });
    expect(m).toMatchObject({
      type: 'company',
      domain: 'acme.example',
      country: 'KR',
      numbers: [],
      version: 1,
    });
    const claims = await s.store.collection<Claim>('claims').find({}, { sort: { _id: 1 } });
    expect(claims.map((c) => [c._id, c.ownerId, c.bound])).toEqual([
      ['domain:acme.example', m.id, true],
      ['email:info@acme.example', m.id, true],
    ]);
    const stored = await s.store.collection<Member>('members').get(m.id);
    expect(stored?.publishPendingAt).toBeUndefined(); // published
    expect((await s.journal.readAfter(0, 10)).map((e) => e.source)).toEqual([`members/${m.id}`]);
  });

  it('gives back its claims when another member holds one of them', async () => {
    s = await embeddedServices();
    await s.members.register(REG_A, {
      type: 'individual',
      displayName: 'K',
      email: 'info@acme.example',
      country: 'KR',
    });
    expect(
      await codeOf(
        s.members.register(REG_A, {
          type: 'company',
          displayName: 'A',
          domain: 'acme.example',
          email: 'info@acme.example',
          country: 'KR',
        }),
      ),
    ).toBe('email-taken');
    expect(await s.store.collection<Claim>('claims').get('domain:acme.example')).toBeNull();
  });
});
