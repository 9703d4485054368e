// The member portal's service: a member acting for itself. Every operation names no member id
// of its own: it acts on the principal's member only (ownMemberId), with the registrar's reach
// (memberReach) for that one member, through the members service — so one member can never
// read or change another's data, whatever a page sends.

import { type MemberPrincipal, memberReach, ownMemberId } from '../kernel/index.ts';
import type { MemberChange, MembersService, SetBranchesInput } from '../members/index.ts';
import type { SalesService } from '../sales/index.ts';

export type PortalService = ReturnType<typeof createPortal>;

export function createPortal(deps: { members: MembersService; sales: SalesService }) {
  const { members, sales } = deps;
  const self = (p: MemberPrincipal, where: string) => ({ memberId: ownMemberId(p, p.memberId, where) });
  return {
    me: (p: MemberPrincipal) => members.get(memberReach(p), self(p, 'registry: portal: me')),
    update: (p: MemberPrincipal, change: MemberChange & { expectedVersion?: number }) =>
      members.update(memberReach(p), { ...change, ...self(p, 'registry: portal: update') }),
    setBranches: (p: MemberPrincipal, input: Omit<SetBranchesInput, 'memberId'>) =>
      members.setBranches(memberReach(p), { ...input, ...self(p, 'registry: portal: branches') }),
    setSipCredentials: (p: MemberPrincipal, input: { username: string; password: string }) =>
      members.setSipCredentials(memberReach(p), { ...input, ...self(p, 'registry: portal: sip') }),
    clearSipCredentials: (p: MemberPrincipal) =>
      members.clearSipCredentials(memberReach(p), self(p, 'registry: portal: sip')),
    /** The member's paid PINs waiting for proof of ownership (docs/sales.md, "Proof of ownership"). */
    awaitingProof: async (p: MemberPrincipal) =>
      (
        await sales.listOrders(memberReach(p), {
          ...self(p, 'registry: portal: orders'),
          status: 'pending-verification',
          limit: 50,
        })
      ).items,
  };
}
