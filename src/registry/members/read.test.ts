import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, codeOf, embeddedServices, REG_A, REG_B, type Services } from '#test/helpers/sales';

describe('reading members', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('lists a registrar’s members in creation order, page by page', async () => {
    s = await embeddedServices();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.clock.advance(1);
      ids.push(
        (
          await s.members.register(REG_A, {
            type: 'individual',
            displayName: `${i}`,
            email: `${i}@example.com`,
            country: 'KR',
          })
        ).id,
      );
    }
    await s.members.register(REG_B, {
      type: 'individual',
      displayName: 'b',
      email: 'b@example.com',
      country: 'KR',
    });
    const p1 = await s.members.list(REG_A, { limit: 3 });
    const p2 = await s.members.list(REG_A, { limit: 3, cursor: p1.next! });
    expect([...p1.items, ...p2.items].map((m) => m.id)).toEqual(ids);
    expect(p2.next).toBeNull();
    expect(await codeOf(s.members.list(ADMIN, { cursor: p1.next! }))).toBe('bad-cursor');
    expect((await s.members.list(ADMIN, { registrarId: 'reg-b' })).items.map((m) => m.email)).toEqual([
      'b@example.com',
    ]);
    expect(await codeOf(s.members.get(REG_B, { memberId: ids[0]! }))).toBe('not-found');
    expect(await codeOf(s.members.get(REG_A, { memberId: '' }))).toBe('invalid-input');
  });
});
