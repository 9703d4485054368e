// Deleting a member, in idempotent steps that a retry or the sweep finishes after a crash:
//   1. member: deleting = true (conditional on the version): no number is assigned to it from now on
//   2. its numbers: released back to stock (sales/release.ts: each leaves the member and DNS)
//   3. member: removed through the publisher (its whole DNS contribution goes)
//   4. its claims (email, domain, SIP username) and SIP bindings: deleted
// A claim left by a crash before step 4 names an owner that no longer exists: stale, and taken
// over by the next member who claims the value.

import { type Binding, COLLECTIONS, type Member } from '#core';
import { numberKey } from '#numbering';
import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { backoff, MAX_ATTEMPTS } from '../sales/backoff.ts';
import { releaseNumber } from '../sales/release.ts';
import type { MembersContext } from './context.ts';
import { ownMember } from './read.ts';
import { DeleteMemberInput } from './schemas.ts';

/** Steps 2-4 for a member marked deleting (or already removed). */
export async function finishDelete(ctx: MembersContext, memberId: string): Promise<void> {
  const m = await ctx.members.get(memberId);
  if (m) {
    const ids = new Set<string>(
      m.numbers.map((n) =>
        n.kind === 'pin'
          ? numberKey({ kind: 'pin', e164: n.e164 })
          : numberKey({ kind: 'vns', base: n.base }),
      ),
    );
    for (const n of await ctx.numbers.find({ ownerMemberId: memberId })) ids.add(n._id);
    for (const id of ids) {
      const n = await ctx.numbers.get(id);
      if (n && n.ownerMemberId === memberId) await releaseNumber(ctx, n);
    }
    await ctx.publisher.remove<Member>('members', { _id: memberId, deleting: true });
  }
  await ctx.claims.deleteMany({ ownerId: memberId });
  await ctx.store.collection<Binding>(COLLECTIONS.bindings).deleteMany({ memberId });
}

export async function deleteMember(
  ctx: MembersContext,
  principal: Principal,
  input: DeleteMemberInput,
): Promise<{ id: string; deleted: true }> {
  const v = parseInput(DeleteMemberInput, input, 'registry: members: delete');
  const where = `registry: members: delete ${v.memberId}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const m = await ownMember(ctx, principal, v.memberId, where);
    if (!m.deleting) {
      if (v.expectedVersion !== undefined && m.version !== v.expectedVersion) {
        throw new RegistryError(
          'version-conflict',
          `${where}: member is at version ${m.version}, not ${v.expectedVersion}`,
          {
            details: { version: m.version },
          },
        );
      }
      const marked = await ctx.publisher.update<Member>(
        'members',
        { _id: m._id, version: m.version },
        { $set: { deleting: true, updatedAt: ctx.clock.now() } },
      );
      if (!marked) continue;
    }
    await finishDelete(ctx, m._id);
    ctx.log.info({ memberId: m._id, registrarId: m.registrarId }, `${where}: deleted`);
    return { id: m._id, deleted: true };
  }
  throw new RegistryError('version-conflict', `${where}: the member keeps changing; try again`);
}

/** Finishes deletions a crash interrupted (marked longer than `settleMs` ago); returns how many. */
export async function sweepDeletions(ctx: MembersContext, settleMs: number): Promise<number> {
  const stale = await ctx.members.find(
    { deleting: true, updatedAt: { $lt: ctx.clock.now() - settleMs } },
    { sort: { updatedAt: 1 }, limit: 100 },
  );
  for (const m of stale) {
    try {
      await finishDelete(ctx, m._id);
    } catch (err) {
      ctx.log.warn({ err, memberId: m._id }, 'registry: members: sweep could not finish a deletion');
    }
  }
  return stale.length;
}
