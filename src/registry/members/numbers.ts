// A member's purchased numbers, changed by the sales layer only (a sale assigns, a release
// removes). Each change is one atomic update through the publisher, so DNS learns of it, and
// is idempotent: adding a number the member has, or removing one it has not, changes nothing.

import type { Member, MemberNumber } from '#core';
import { centerCountryOfNumber } from '#publish';
import { RegistryError } from '../kernel/index.ts';
import { requireCenter } from '../routing/centers.ts';
import { backoff, MAX_ATTEMPTS } from '../sales/backoff.ts';
import type { ServiceContext } from '../sales/context.ts';
import { type NumberRef, refOfKey } from '../sales/numbers.ts';

/** True when the member holds the number. */
export function holdsNumber(m: Pick<Member, 'numbers'>, ref: NumberRef): boolean {
  return m.numbers.some((n) => (n.kind === 'pin' ? n.e164 === ref.e164 : n.base === ref.base));
}

function entryOf(ref: NumberRef): MemberNumber {
  return ref.kind === 'pin'
    ? { kind: 'pin', e164: ref.e164! }
    : { kind: 'vns', base: ref.base!, branches: [] };
}

/** Why `m` cannot take `ref`, or null: another registrar's member, being deleted, a VNS for an individual. */
export function refusal(
  m: Member | null,
  memberId: string,
  registrarId: string,
  ref: NumberRef,
  where: string,
): RegistryError | null {
  if (!m || m.registrarId !== registrarId)
    return new RegistryError('not-found', `${where}: no member ${memberId}`);
  if (m.deleting) return new RegistryError('member-deleting', `${where}: member ${m._id} is being deleted`);
  if (ref.kind === 'vns' && m.type !== 'company') {
    return new RegistryError(
      'member-type',
      `${where}: member ${m._id} is an individual; a VNS base is sold to companies`,
    );
  }
  return null;
}

/**
 * Adds the number (key) to the member; throws not-found, member-deleting or member-type.
 * Read, check in code, write conditionally on the version read: FerretDB v1 gets `$ne` on a
 * path through an array of objects wrong ('numbers.e164': {$ne: x} matches a member holding x
 * among other numbers), so "not yet there" is never left to the store.
 */
export async function addNumberToMember(
  ctx: ServiceContext,
  memberId: string,
  registrarId: string,
  key: string,
): Promise<Member> {
  const ref = refOfKey(key);
  const where = `registry: members: ${memberId}: add ${key}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const cur = await ctx.members.get(memberId);
    const refused = refusal(cur, memberId, registrarId, ref, where);
    if (refused) throw refused;
    if (holdsNumber(cur!, ref)) return cur!;
    // a PIN's calls go to the center of its country (or the member's): refuse it where there is none
    if (ref.kind === 'pin') await requireCenter(ctx.centers, centerCountryOfNumber(cur!, ref.e164!), where);
    const m = await ctx.publisher.update<Member>(
      'members',
      { _id: memberId, version: cur!.version, deleting: { $exists: false } },
      { $push: { numbers: entryOf(ref) }, $set: { updatedAt: ctx.clock.now() } },
    );
    if (m) return m;
  }
  throw new RegistryError('version-conflict', `${where}: the member keeps changing; try again`);
}

/** Removes the number (key) from the member, if it holds it; null when the member does not exist. */
export async function removeNumberFromMember(
  ctx: ServiceContext,
  memberId: string,
  key: string,
): Promise<Member | null> {
  const ref = refOfKey(key);
  const [filter, pull] =
    ref.kind === 'pin'
      ? [{ 'numbers.e164': ref.e164! }, { e164: ref.e164! }]
      : [{ 'numbers.base': ref.base! }, { kind: 'vns', base: ref.base! }];
  const m = await ctx.publisher.update<Member>(
    'members',
    { _id: memberId, ...filter },
    { $pull: { numbers: pull }, $set: { updatedAt: ctx.clock.now() } },
  );
  return m ?? ctx.members.get(memberId);
}
