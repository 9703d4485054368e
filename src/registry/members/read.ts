// Reading members: one by id, or a registrar's members page by page (by `_id`, which starts with
// the creation time). Another registrar's member is 'not-found'.
import type { Filter, Member } from '#core';
import { listingScope, type Page, type Principal, page, parseInput, visible } from '../kernel/index.ts';
import type { MembersContext } from './context.ts';
import { ListMembersInput, MemberRef } from './schemas.ts';
import { type MemberView, memberView } from './views.ts';

export async function ownMember(
  ctx: MembersContext,
  principal: Principal,
  memberId: string,
  where: string,
): Promise<Member> {
  return visible(principal, await ctx.members.get(memberId), `${where}: member ${memberId}`);
}

export async function getMember(
  ctx: MembersContext,
  principal: Principal,
  input: MemberRef,
): Promise<MemberView> {
  const v = parseInput(MemberRef, input, 'registry: members: get');
  return memberView(await ownMember(ctx, principal, v.memberId, 'registry: members: get'));
}

export async function listMembers(
  ctx: MembersContext,
  principal: Principal,
  input: ListMembersInput,
): Promise<Page<MemberView>> {
  const where = 'registry: members: list';
  const v = parseInput(ListMembersInput, input, where);
  const registrarId = listingScope(principal, v.registrarId, where);
  const filter: Filter = registrarId !== undefined ? { registrarId } : {};
  return page(ctx.members, filter, v, { list: 'members', query: { registrarId } }, memberView);
}
