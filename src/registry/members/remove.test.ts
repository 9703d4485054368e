import { afterEach, describe, expect, it } from 'vitest';
import type { Binding, Claim } from '#core';
import { codeOf, embeddedServices, KIM, REG_A, type Services } from '#test/helpers/sales';

describe('delete', () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('removes the member, its claims, its SIP bindings and its DNS contribution', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, { ...KIM, contactPstn: '+82 10 1234 5678' });
    await s.members.setSipCredentials(REG_A, { memberId: m.id, username: 'kim', password: 'correct horse' });
    await s.store.collection<Binding>('bindings').insert({
      _id: `${m.id}|sip:kim@192.0.2.1`,
      memberId: m.id,
      aor: 'sip:kim@callx.test',
      contact: 'sip:kim@192.0.2.1',
      q: 1,
      expiresAt: s.clock.now() + 3_600_000,
      callId: 'c',
      cseq: 1,
    });
    await s.members.delete(REG_A, { memberId: m.id });
    expect(await s.store.collection<Claim>('claims').count({})).toBe(0);
    expect(await s.store.collection<Binding>('bindings').count({})).toBe(0);
    expect(await s.members.lookupSipAccount('kim')).toBeNull();
    const last = (await s.journal.readAfter(0, 100)).filter((e) => e.source === `members/${m.id}`).at(-1)!;
    expect(last.rrsets).toEqual([]);
    expect(await codeOf(s.members.delete(REG_A, { memberId: m.id }))).toBe('not-found');
  });

  it('is finished by a second call after a crash', async () => {
    s = await embeddedServices();
    const m = await s.members.register(REG_A, KIM);
    await s.store
      .collection('members')
      .findOneAndUpdate({ _id: m.id }, { $set: { deleting: true }, $inc: { version: 1 } });
    expect((await s.members.get(REG_A, { memberId: m.id })).deleting).toBe(true);
    // A version check does not stand in the way of finishing what was begun.
    expect(await s.members.delete(REG_A, { memberId: m.id, expectedVersion: 1 })).toEqual({
      id: m.id,
      deleted: true,
    });
    expect(await s.store.collection<Claim>('claims').count({})).toBe(0);
  });
});
