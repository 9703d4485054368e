// Changing a member with optimistic concurrency: every write is conditional on the version it
// was computed from (the ETag). With `expectedVersion` a moved member is a 'version-conflict';
// without, the change is re-applied to the newest version. A new email or domain is claimed
// before the write and bound after it; the old one is released last.

import type { z } from 'zod';
import type { Member, Update } from '#core';
import {
  type InputIssue,
  invalidInput,
  issue,
  type Principal,
  parseInput,
  RegistryError,
} from '../kernel/index.ts';
import { backoff, MAX_ATTEMPTS } from '../sales/backoff.ts';
import { centersOf, requireCenters } from './centers.ts';
import { bindAll, claimAll, claimKey, release, takenError } from './claims.ts';
import type { MembersContext } from './context.ts';
import { ownMember } from './read.ts';
import { readPhones, SetBranchesInput, UpdateMemberInput } from './schemas.ts';
import { type MemberView, memberView } from './views.ts';

function versionConflict(where: string, m: Member, expected: number): RegistryError {
  return new RegistryError(
    'version-conflict',
    `${where}: member is at version ${m.version}, not ${expected}`,
    {
      details: { version: m.version },
    },
  );
}

/** The member to change, checked: exists for this principal, not being deleted, at the expected version. */
async function current(
  ctx: MembersContext,
  principal: Principal,
  memberId: string,
  expected: number | undefined,
  where: string,
): Promise<Member> {
  const m = await ownMember(ctx, principal, memberId, where);
  if (m.deleting) throw new RegistryError('member-deleting', `${where}: member ${memberId} is being deleted`);
  if (expected !== undefined && m.version !== expected) throw versionConflict(where, m, expected);
  return m;
}

type Patch = z.output<typeof UpdateMemberInput>;
const OPTIONAL = ['centerCountry', 'contactPstn', 'homePage', 'publishEmail', 'personal'] as const;

/** The $set/$unset a patch makes on `m`; invalid-input when it breaks the member type's rules. */
function changeOf(
  m: Member,
  p: Patch,
  where: string,
): { set: Record<string, unknown>; unset: Record<string, ''> } {
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  const invalid = (path: string, message: string) => invalidInput(where, [issue(path, message)]);
  if (p.displayName !== undefined) set.displayName = p.displayName;
  if (p.country !== undefined) set.country = p.country;
  if (p.otherCarriers !== undefined) set.otherCarriers = p.otherCarriers;
  if (p.email === null) {
    if (m.type === 'individual') throw invalid('email', 'an individual member needs an email address');
    unset.email = '';
  } else if (p.email !== undefined) set.email = p.email;
  if (p.domain === null) {
    if (m.type === 'company') throw invalid('domain', 'a company member needs a domain name');
    unset.domain = '';
  } else if (p.domain !== undefined) {
    if (m.type === 'individual') throw invalid('domain', 'a domain name belongs to company members');
    set.domain = p.domain;
  }
  for (const f of OPTIONAL) {
    if (p[f] === null) unset[f] = '';
    else if (p[f] !== undefined) set[f] = p[f];
  }
  return { set, unset };
}

/** Claim keys a change adds and the ones it gives up. */
function claimChanges(m: Member, set: Record<string, unknown>, unset: Record<string, ''>) {
  const add: string[] = [];
  const drop: string[] = [];
  for (const kind of ['email', 'domain'] as const) {
    const next = kind in unset ? undefined : kind in set ? (set[kind] as string) : m[kind];
    if (next === m[kind]) continue;
    if (next !== undefined) add.push(claimKey(kind, next));
    if (m[kind] !== undefined) drop.push(claimKey(kind, m[kind]!));
  }
  return { add, drop };
}

export async function updateMember(
  ctx: MembersContext,
  principal: Principal,
  input: UpdateMemberInput,
): Promise<MemberView> {
  const v = parseInput(UpdateMemberInput, input, 'registry: members: update');
  const where = `registry: members: update ${v.memberId}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const m = await current(ctx, principal, v.memberId, v.expectedVersion, where);
    // National numbers in the change are read in the member's (new or current) country.
    const issues: InputIssue[] = [];
    const p = readPhones(v, v.country ?? m.country, (path, message) =>
      issues.push(issue(path.join('.'), message)),
    );
    if (issues.length > 0) throw invalidInput(where, issues);
    const { set, unset } = changeOf(m, p, where);
    if (set.country === m.country) delete set.country;
    if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) return memberView(m);
    if ('country' in set || 'centerCountry' in set || 'centerCountry' in unset) {
      // where the member's calls go changes: every center they reach now must exist
      const next = { ...m, ...set } as Member;
      if ('centerCountry' in unset) delete next.centerCountry;
      await requireCenters(ctx, centersOf(next), where);
    }
    const { add, drop } = claimChanges(m, set, unset);
    await claimAll(ctx, add, m._id, ctx.claimGraceMs);
    const change: Update = { $set: { ...set, updatedAt: ctx.clock.now() } };
    if (Object.keys(unset).length > 0) change.$unset = unset;
    const written = await ctx.publisher.update<Member>(
      'members',
      { _id: m._id, version: m.version, deleting: { $exists: false } },
      change,
    );
    if (!written) {
      for (const k of add) await release(ctx, k, m._id);
      if (v.expectedVersion !== undefined)
        throw versionConflict(where, (await ctx.members.get(m._id)) ?? m, v.expectedVersion);
      continue;
    }
    const lost = await bindAll(ctx, add, m._id);
    if (lost !== null) {
      // Taken over while we wrote: put the old values back (only over our own write).
      const back: Record<string, unknown> = { updatedAt: ctx.clock.now() };
      const gone: Record<string, ''> = {};
      for (const key of [...Object.keys(set), ...Object.keys(unset)]) {
        const old: unknown = Reflect.get(m, key);
        if (old !== undefined) back[key] = old;
        else gone[key] = '';
      }
      const revert: Update = { $set: back, ...(Object.keys(gone).length > 0 ? { $unset: gone } : {}) };
      await ctx.publisher.update('members', { _id: m._id, version: written.version }, revert);
      for (const k of add) await release(ctx, k, m._id);
      throw takenError(lost);
    }
    for (const k of drop) await release(ctx, k, m._id);
    return memberView(written);
  }
  throw new RegistryError('version-conflict', `${where}: the member keeps changing; try again`);
}

/** Replaces the branches of one of the company's VNS bases. */
export async function setBranches(
  ctx: MembersContext,
  principal: Principal,
  input: SetBranchesInput,
): Promise<MemberView> {
  const v = parseInput(SetBranchesInput, input, 'registry: members: branches');
  const where = `registry: members: ${v.memberId}: branches of VNS ${v.base}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await backoff(attempt);
    const m = await current(ctx, principal, v.memberId, v.expectedVersion, where);
    if (!m.numbers.some((n) => n.kind === 'vns' && n.base === v.base)) {
      throw new RegistryError('not-found', `${where}: the member holds no VNS base ${v.base}`);
    }
    const numbers = m.numbers.map((n) =>
      n.kind === 'vns' && n.base === v.base ? { ...n, branches: v.branches } : n,
    );
    await requireCenters(ctx, centersOf({ ...m, numbers }), where);
    const written = await ctx.publisher.update<Member>(
      'members',
      { _id: m._id, version: m.version, deleting: { $exists: false } },
      { $set: { numbers, updatedAt: ctx.clock.now() } },
    );
    if (written) return memberView(written);
    if (v.expectedVersion !== undefined)
      throw versionConflict(where, (await ctx.members.get(m._id)) ?? m, v.expectedVersion);
  }
  throw new RegistryError('version-conflict', `${where}: the member keeps changing; try again`);
}
