import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#core';
import { ACME, embeddedServices, KIM, REG_A, type Services } from '#test/helpers/sales';
import { serviceContext } from '../sales/context.ts';
import { addNumberToMember, holdsNumber, removeNumberFromMember } from './numbers.ts';

describe("a member's numbers", () => {
  let s: Services & { close(): Promise<void> };
  afterEach(() => s.close());

  it('are added and removed idempotently, through the publisher', async () => {
    s = await embeddedServices();
    const ctx = serviceContext(
      { store: s.store, publisher: s.publisher, clock: s.clock, logger: silentLogger, centers: s.centers },
      'test',
    );
    const firm = await s.members.register(REG_A, ACME);
    const person = await s.members.register(REG_A, KIM);
    await addNumberToMember(ctx, firm.id, 'reg-a', 'pin:+82262006200');
    await addNumberToMember(ctx, firm.id, 'reg-a', 'vns:62006200');
    const again = await addNumberToMember(ctx, firm.id, 'reg-a', 'pin:+82262006200');
    expect(again.numbers).toEqual([
      { kind: 'pin', e164: '+82262006200' },
      { kind: 'vns', base: '62006200', branches: [] },
    ]);
    expect(holdsNumber(again, { id: 'vns:62006200', kind: 'vns', base: '62006200' })).toBe(true);
    await expect(addNumberToMember(ctx, person.id, 'reg-a', 'vns:62006201')).rejects.toMatchObject({
      code: 'member-type',
    });
    await expect(addNumberToMember(ctx, person.id, 'reg-b', 'pin:+82262006201')).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await removeNumberFromMember(ctx, firm.id, 'vns:62006200'))?.numbers).toEqual([
      { kind: 'pin', e164: '+82262006200' },
    ]);
    const v = (await ctx.members.get(firm.id))!.version;
    expect((await removeNumberFromMember(ctx, firm.id, 'vns:62006200'))?.version).toBe(v); // nothing to remove: no write
    expect(await removeNumberFromMember(ctx, 'm_none', 'vns:62006200')).toBeNull();
    const entries = (await s.journal.readAfter(0, 100)).filter((e) => e.source === `members/${firm.id}`);
    expect(entries.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });
});
