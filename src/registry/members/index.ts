// Members (docs/sales.md, "Members"): individuals with an email address, companies with a domain
// name; their numbers (assigned by sales), VNS branches, contact data, SIP credentials. Every
// write goes through the publisher, so DNS follows; email, domain and SIP username are unique
// through claims. Calls take the acting principal and enforce ownership.

import { createPeriodic } from '#core';
import type { Principal } from '../kernel/index.ts';
import { type ServiceDeps, serviceContext } from '../sales/context.ts';
import type { MembersContext } from './context.ts';
import { getMember, listMembers } from './read.ts';
import { registerMember } from './register.ts';
import { deleteMember, sweepDeletions } from './remove.ts';
import type {
  DeleteMemberInput,
  ListMembersInput,
  MemberRef,
  RegisterMemberInput,
  SetBranchesInput,
  SetSipCredentialsInput,
  UpdateMemberInput,
} from './schemas.ts';
import { clearSipCredentials, lookupSipAccount, setSipCredentials } from './sip.ts';
import { setBranches, updateMember } from './update.ts';

export type { MembersContext } from './context.ts';
export { readCarrierTarget, readDomain, readEmail, readHomePage, readPhone, readVnsBase } from './fields.ts';
export * from './schemas.ts';
export type { SipAccountRecord, SipCredentialsView } from './sip.ts';
export { lookupSipAccount, sipCredentials } from './sip.ts';
export type { MemberView } from './views.ts';
export { memberView } from './views.ts';

export interface MembersOptions extends ServiceDeps {
  /** Digest realm of SIP credentials (config.sip.realm). */
  realm: string;
  /** How long a registration in progress keeps its unbound claims from takeover (default 60 s). */
  claimGraceMs?: number;
  /** How old an interrupted deletion must be before the sweep finishes it (default 10 s). */
  settleMs?: number;
}

export type MembersService = ReturnType<typeof createMembers>;

export function createMembers(opts: MembersOptions) {
  const ctx: MembersContext = {
    ...serviceContext(opts, 'members'),
    realm: opts.realm,
    claimGraceMs: opts.claimGraceMs ?? 60_000,
  };
  const settleMs = opts.settleMs ?? 10_000;
  const sweeper = createPeriodic(() => sweepDeletions(ctx, settleMs), ctx.log, 'registry: members: sweep');
  return {
    register: (p: Principal, input: RegisterMemberInput) => registerMember(ctx, p, input),
    get: (p: Principal, input: MemberRef) => getMember(ctx, p, input),
    list: (p: Principal, input: ListMembersInput = {}) => listMembers(ctx, p, input),
    update: (p: Principal, input: UpdateMemberInput) => updateMember(ctx, p, input),
    setBranches: (p: Principal, input: SetBranchesInput) => setBranches(ctx, p, input),
    delete: (p: Principal, input: DeleteMemberInput) => deleteMember(ctx, p, input),
    setSipCredentials: (p: Principal, input: SetSipCredentialsInput) => setSipCredentials(ctx, p, input),
    clearSipCredentials: (p: Principal, input: MemberRef) => clearSipCredentials(ctx, p, input),
    /** For the SIP registrar: the account (HA1 digests) of a username in this realm, or null. */
    lookupSipAccount: (username: string) => lookupSipAccount(ctx.store, username, ctx.realm),
    /** Finishes deletions a crash interrupted; returns how many it looked at. */
    sweep: () => sweepDeletions(ctx, settleMs),
    /** Runs sweep() every intervalMs until stop(). */
    startSweeper(intervalMs = 5_000): void {
      sweeper.start(intervalMs);
    },
    stop(): void {
      sweeper.stop();
    },
  };
}
