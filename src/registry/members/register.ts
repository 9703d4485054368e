// Registering a member. Order of writes: claims (email, domain) -> member (through the
// publisher) -> bind the claims. A crash after the claims leaves unbound claims that expire
// into takeover after the grace period; a crash after the member leaves unbound claims whose
// owner holds the value, which stay valid. docs/sales.md, "Members".
import type { Member } from '#core';
import { actingRegistrar, type Principal, parseInput } from '../kernel/index.ts';
import { newId } from '../sales/ids.ts';
import { requireCenters } from './centers.ts';
import { bindAll, claimAll, claimKey, release, takenError } from './claims.ts';
import type { MembersContext } from './context.ts';
import { RegisterMemberInput } from './schemas.ts';
import { type MemberView, memberView } from './views.ts';

export async function registerMember(
  ctx: MembersContext,
  principal: Principal,
  input: RegisterMemberInput,
): Promise<MemberView> {
  const where = 'registry: members: register';
  const v = parseInput(RegisterMemberInput, input, where);
  const registrarId = actingRegistrar(principal, v.registrarId, where);
  // the member's calls go to this center until it holds numbers (each checked when assigned)
  await requireCenters(ctx, [v.centerCountry ?? v.country], where);
  const now = ctx.clock.now();
  const memberId = newId('m', now);
  const keys = [
    ...(v.email !== undefined ? [claimKey('email', v.email)] : []),
    ...(v.domain !== undefined ? [claimKey('domain', v.domain)] : []),
  ];
  await claimAll(ctx, keys, memberId, ctx.claimGraceMs);
  const doc: Omit<Member, 'version'> = {
    _id: memberId,
    registrarId,
    type: v.type,
    displayName: v.displayName,
    ...(v.email !== undefined ? { email: v.email } : {}),
    ...(v.domain !== undefined ? { domain: v.domain } : {}),
    country: v.country,
    ...(v.centerCountry !== undefined ? { centerCountry: v.centerCountry } : {}),
    numbers: [],
    ...(v.contactPstn !== undefined ? { contactPstn: v.contactPstn } : {}),
    otherCarriers: v.otherCarriers,
    ...(v.homePage !== undefined ? { homePage: v.homePage } : {}),
    ...(v.publishEmail !== undefined ? { publishEmail: v.publishEmail } : {}),
    ...(v.personal !== undefined ? { personal: v.personal } : {}),
    createdAt: now,
    updatedAt: now,
  };
  let member: Member;
  try {
    member = await ctx.publisher.insert<Member>('members', doc);
  } catch (err) {
    for (const k of keys) await release(ctx, k, memberId);
    throw err;
  }
  const lost = await bindAll(ctx, keys, memberId);
  if (lost !== null) {
    // Taken over while we wrote (we stalled past the grace period): this registration loses.
    await ctx.publisher.remove('members', { _id: memberId });
    for (const k of keys) await release(ctx, k, memberId);
    throw takenError(lost);
  }
  ctx.log.info({ memberId, registrarId, type: v.type }, `${where}: registered`);
  return memberView(member);
}
