// SIP credentials of members for REGISTER (RFC 3261 §22): only the HA1 digests are stored,
// H(username:realm:password) with MD5 (RFC 2617) and SHA-256 (RFC 8760), never the password,
// and they never leave the registry through get/list. Usernames are unique through claims
// (claims/sip:<username>), so a look-up by username is one read of the claim and one of the member.

import type { Store, Update } from '#core';
import { type Claim, COLLECTIONS, ha1, type Member, type SipCredentials } from '#core';
import { type Principal, parseInput, RegistryError } from '../kernel/index.ts';
import { backoff, MAX_ATTEMPTS } from '../sales/backoff.ts';
import { bind, claim, claimKey, release, takenError } from './claims.ts';
import type { MembersContext } from './context.ts';
import { ownMember } from './read.ts';
import { MemberRef, SetSipCredentialsInput } from './schemas.ts';

/**
 * What is stored for a password: HA1 in both algorithms, computed by SIP's digest code
 * (src/sip/register/digest.ts) so that what is stored here is what the registrar checks.
 */
export function sipCredentials(username: string, realm: string, password: string): SipCredentials {
  return {
    username,
    realm,
    ha1Md5: ha1('MD5', username, realm, password),
    ha1Sha256: ha1('SHA-256', username, realm, password),
  };
}

export interface SipCredentialsView {
  memberId: string;
  username: string;
  realm: string;
  version: number;
}

async function writeSip(
  ctx: MembersContext,
  principal: Principal,
  memberId: string,
  next: SipCredentials | null,
  where: string,
): Promise<Member> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const m = await ownMember(ctx, principal, memberId, where);
    if (m.deleting)
      throw new RegistryError('member-deleting', `${where}: member ${memberId} is being deleted`);
    const oldKey = m.sip ? claimKey('sip', m.sip.username) : null;
    const newKey = next ? claimKey('sip', next.username) : null;
    const fresh = newKey !== null && newKey !== oldKey;
    if (fresh) await claim(ctx, newKey, m._id, ctx.claimGraceMs);
    const change: Update = next
      ? { $set: { sip: next, updatedAt: ctx.clock.now() } }
      : { $set: { updatedAt: ctx.clock.now() }, $unset: { sip: '' } };
    const written = await ctx.publisher.update<Member>(
      'members',
      { _id: m._id, version: m.version, deleting: { $exists: false } },
      change,
    );
    if (!written) {
      if (fresh) await release(ctx, newKey, m._id);
      continue;
    }
    if (fresh && !(await bind(ctx, newKey, m._id))) {
      const back: Update = m.sip ? { $set: { sip: m.sip } } : { $unset: { sip: '' } };
      await ctx.publisher.update('members', { _id: m._id, version: written.version }, back);
      throw takenError(newKey);
    }
    if (oldKey !== null && oldKey !== newKey) await release(ctx, oldKey, m._id);
    return written;
  }
  throw new RegistryError('version-conflict', `${where}: the member keeps changing; try again`);
}

/** Sets (or replaces) the member's SIP username and password; returns no secret. */
export async function setSipCredentials(
  ctx: MembersContext,
  principal: Principal,
  input: SetSipCredentialsInput,
): Promise<SipCredentialsView> {
  const v = parseInput(SetSipCredentialsInput, input, 'registry: members: sip credentials');
  const where = `registry: members: ${v.memberId}: sip credentials`;
  const m = await writeSip(
    ctx,
    principal,
    v.memberId,
    sipCredentials(v.username, ctx.realm, v.password),
    where,
  );
  return { memberId: m._id, username: v.username, realm: ctx.realm, version: m.version };
}

export async function clearSipCredentials(
  ctx: MembersContext,
  principal: Principal,
  input: MemberRef,
): Promise<{ memberId: string; version: number }> {
  const v = parseInput(MemberRef, input, 'registry: members: sip credentials');
  const m = await writeSip(
    ctx,
    principal,
    v.memberId,
    null,
    `registry: members: ${v.memberId}: sip credentials`,
  );
  return { memberId: m._id, version: m.version };
}

/** What REGISTER needs to check a digest: the member and its HA1s. */
export interface SipAccountRecord {
  memberId: string;
  registrarId: string;
  username: string;
  realm: string;
  ha1Md5: string;
  ha1Sha256: string;
  member: Member;
}

/**
 * The account with this username in `realm`, or null. One read of the claim and one of the
 * member; a member being deleted has no account.
 */
export async function lookupSipAccount(
  store: Store,
  username: string,
  realm: string,
): Promise<SipAccountRecord | null> {
  const c = await store.collection<Claim>(COLLECTIONS.claims).get(claimKey('sip', username));
  if (!c) return null;
  const m = await store.collection<Member>(COLLECTIONS.members).get(c.ownerId);
  if (!m?.sip || m.deleting || m.sip.username !== username || m.sip.realm !== realm) return null;
  return {
    memberId: m._id,
    registrarId: m.registrarId,
    username,
    realm,
    ha1Md5: m.sip.ha1Md5,
    ha1Sha256: m.sip.ha1Sha256,
    member: m,
  };
}
